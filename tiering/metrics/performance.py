"""Metrics from deal registration: won revenue, won deals, pipeline and win rate.

Money is in the tenant's base currency. The platform keeps no exchange rates (deal registration compares amounts
with its limits only in the base currency too), so deals in other currencies are not counted rather than converted
at an invented rate."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from dealreg.selectors.metrics import closed_deals_by_partner, protected_pipeline_by_partner, won_revenue_by_partner
from prm.tenancy import current_tenant
from tiering.metrics import MetricScope, Unit, metric
from tiering.metrics.periods import window

HUNDRED = Decimal("100")
CENT = Decimal("0.01")


def _won_revenue(scope: MetricScope, attribution: str) -> dict[int, Decimal]:
    first_day, last_day = window(scope)
    return won_revenue_by_partner(
        attribution=attribution,
        currency=current_tenant().base_currency,
        closed_from=first_day,
        closed_to=last_day,
        partner_ids=scope.partner_ids,
    )


@metric(
    "won_revenue_sourced",
    _("Sourced won revenue"),
    Unit.MONEY,
    help_text=_(
        "Revenue of the deals the partner brought and won in the window, by its attribution share. Deals in other "
        "currencies than the program's base currency are not counted."
    ),
)
def won_revenue_sourced(scope: MetricScope) -> dict[int, Decimal]:
    return _won_revenue(scope, "sourced")


@metric(
    "won_revenue_influenced",
    _("Influenced won revenue"),
    Unit.MONEY,
    help_text=_(
        "Revenue of the won deals the partner helped win in the window (influence, fulfillment or services), by its "
        "attribution share. Deals in other currencies than the program's base currency are not counted."
    ),
)
def won_revenue_influenced(scope: MetricScope) -> dict[int, Decimal]:
    return _won_revenue(scope, "influenced")


@metric(
    "won_deals",
    _("Won deals"),
    Unit.COUNT,
    help_text=_("The partner's own registrations won in the window."),
    more=ngettext_lazy("%(amount)s more won deal", "%(amount)s more won deals", "count"),
)
def won_deals(scope: MetricScope) -> dict[int, Decimal]:
    first_day, last_day = window(scope)
    closed = closed_deals_by_partner(closed_from=first_day, closed_to=last_day, partner_ids=scope.partner_ids)
    return {partner_id: Decimal(deals.won) for partner_id, deals in closed.items() if deals.won}


@metric(
    "registered_pipeline",
    _("Registered pipeline"),
    Unit.MONEY,
    help_text=_(
        "The amount of the partner's approved registrations still open and protected. Registrations in other "
        "currencies than the program's base currency are not counted."
    ),
)
def registered_pipeline(scope: MetricScope) -> dict[int, Decimal]:
    return protected_pipeline_by_partner(
        as_of=scope.as_of, currency=current_tenant().base_currency, partner_ids=scope.partner_ids
    )


@metric(
    "win_rate",
    _("Win rate"),
    Unit.PERCENT,
    options=("min_closed",),
    help_text=_(
        "Won registrations as a percentage of those won or lost in the window. A partner with fewer closed "
        "registrations than the minimum (one unless set) has no win rate yet, which counts as 0."
    ),
)
def win_rate(scope: MetricScope) -> dict[int, Decimal]:
    first_day, last_day = window(scope)
    closed = closed_deals_by_partner(
        closed_from=first_day,
        closed_to=last_day,
        partner_ids=scope.partner_ids,
        min_closed=_min_closed(scope),
    )
    return {partner_id: (HUNDRED * deals.won / deals.closed).quantize(CENT) for partner_id, deals in closed.items()}


def _min_closed(scope: MetricScope) -> int:
    value = scope.options.get("min_closed", 1)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"win_rate: min_closed must be a whole number of at least 1, not {value!r}")
    return value
