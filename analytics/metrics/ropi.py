"""Return on partner investment: (attributed revenue − total partner cost) ÷ total partner cost over the period."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from analytics.metrics import Figure, Unit, metric
from analytics.metrics.revenue import revenue_by_partner, rollup
from analytics.selectors.base import HUNDRED, Rates, Scope, money
from analytics.selectors.costs import cost_total, costs_by_partner

NO_COST = _("no cost recorded")


def ropi_percent(revenue: Decimal, cost: Decimal) -> Decimal | None:
    """(revenue − cost) ÷ cost as a percentage, to one decimal; None without a cost (never a division by zero)."""
    if not cost:
        return None
    return ((revenue - cost) * HUNDRED / cost).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@metric(
    "ropi",
    _("Return on partner investment (ROPI)"),
    Unit.PERCENT,
    _(
        "(Attributed revenue − total partner cost) ÷ total partner cost over the period, as a percentage. Attributed "
        "revenue is partner-sourced plus partner-influenced revenue; partner cost is every cost recorded for the "
        "partners (MDF paid, incentives and rebates, enablement, support and channel-manager time, other) whose date "
        "falls in the period, converted to the base currency. Without a cost it reads “no cost recorded”."
    ),
    empty_text=NO_COST,
)
def ropi(scope: Scope, *, rates: Rates, per_partner: bool = False) -> Figure:
    sums = rollup(scope, rates, won=True)
    revenue = sums.total[0] + sums.total[1]
    cost, unconverted_costs = cost_total(scope, rates)
    figure = Figure(
        value=ropi_percent(revenue, cost),
        inputs={"attributed_revenue": revenue, "total_cost": cost},
        unconverted=sums.unconverted + unconverted_costs,
    )
    if per_partner:
        revenues = {pid: row["attributed"] for pid, row in revenue_by_partner(scope, rates).items()}
        costs = costs_by_partner(scope, rates)
        figure.inputs_by_partner = {
            pid: {"attributed_revenue": revenues.get(pid, money(0)), "total_cost": costs.get(pid, money(0))}
            for pid in revenues.keys() | costs.keys()
        }
        figure.by_partner = {
            pid: ropi_percent(values["attributed_revenue"], values["total_cost"])
            for pid, values in figure.inputs_by_partner.items()
        }
    return figure
