"""Reads of program analytics, tenant-scoped: the scope of a figure, partner costs and exchange rates, the
dashboard and the scorecards (`analytics.selectors.dashboard`). Analytics reads the other apps only through their
selectors."""

from analytics.selectors.base import Rates, Scope  # noqa: F401
from analytics.selectors.costs import cost_api_queryset, cost_get, cost_list, exchange_rates  # noqa: F401
