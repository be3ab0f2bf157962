"""MDF API under `/api/v1/mdf/` (scope `mdf`): funds, allocations with balances, fund requests, claims and
payouts. Every write calls a service."""
