"""Every change analytics makes: partner costs (by hand, CSV, API; MDF payouts later) and exchange rates."""

from analytics.services.costs import (  # noqa: F401
    COST_COLUMNS,
    MAX_IMPORT_ROWS,
    REQUIRED_COST_COLUMNS,
    CostImportPlan,
    CostImportRejected,
    CostRowError,
    cost_create,
    cost_delete,
    cost_record_mdf_payout,
    cost_update,
    costs_import,
    costs_import_check,
)
from analytics.services.rates import exchange_rate_delete, exchange_rate_set  # noqa: F401
