"""Deal registration API, one module per area: `registrations` (`/api/v1/deals/`) and `crm` (`/api/v1/crm/…`).
Each lists its routes in `ROUTES`."""
