"""Figures of the partners' own registrations (the registering partner, whatever the shares): win rate, deal
velocity and average deal size; and the open pipeline by stage for the dashboard."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from analytics.metrics import Figure, Unit, metric
from analytics.selectors.base import (
    EXACT,
    HUNDRED,
    Median,
    Rates,
    Scope,
    as_day,
    days_between,
    money,
    one_decimal,
    registrations,
)
from dealreg.selectors import ACTIVE_DEAL_STATUSES, DealStatus

PARTNER = "partner_organization_id"


def own_registrations(scope: Scope) -> QuerySet:
    deals = registrations()
    partners = scope.partner_filter()
    if partners is not None:
        deals = deals.filter(partner_organization_id__in=partners)
    return deals


def closed_in(scope: Scope, statuses) -> QuerySet:
    return own_registrations(scope).filter(status__in=statuses, closed_at__gte=scope.start, closed_at__lte=scope.end)


def _rate(won, closed) -> Decimal | None:
    if not closed:
        return None
    return (Decimal(won) * HUNDRED / Decimal(closed)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def closed_stats(scope: Scope, rates: Rates, *, per_partner: bool = False) -> tuple[dict, list[dict]]:
    """Win rate, deal velocity and average deal size from one pass over the partners' own registrations closed in
    the period (and, when asked, one grouped by partner), kept for the request in `rates.memo`."""
    key = ("closed", scope, per_partner)
    if key in rates.memo:
        return rates.memo[key]
    won = Q(status=DealStatus.WON)
    aggregates = {
        "won": Count("pk", filter=won),
        "closed": Count("pk"),
        "days": Median(days_between("closed_at", as_day("submitted_at")), filter=won & Q(submitted_at__isnull=False)),
        "average": Avg(rates.convert("closed_amount", "currency"), filter=won, output_field=EXACT),
        "unconverted": Count("pk", filter=won & Q(closed_amount__isnull=False) & ~Q(currency__in=rates.known)),
    }
    closed = closed_in(scope, (DealStatus.WON, DealStatus.LOST))
    total = closed.aggregate(**aggregates)
    rows = list(closed.values(PARTNER).annotate(**aggregates).order_by(PARTNER)) if per_partner else []
    rates.memo[key] = (total, rows)
    return total, rows


@metric(
    "win_rate",
    _("Win rate"),
    Unit.PERCENT,
    _(
        "Of the partners' own registrations closed in the period (won or lost), the share won. Expired, withdrawn "
        "and rejected registrations were never decided by a customer and do not count."
    ),
)
def win_rate(scope: Scope, *, rates: Rates, per_partner: bool = False) -> Figure:
    total, rows = closed_stats(scope, rates, per_partner=per_partner)
    figure = Figure(value=_rate(total["won"], total["closed"]), inputs={"won": total["won"], "closed": total["closed"]})
    if per_partner:
        figure.by_partner = {row[PARTNER]: _rate(row["won"], row["closed"]) for row in rows}
    return figure


@metric(
    "deal_velocity",
    _("Deal velocity"),
    Unit.DAYS,
    _("The median number of days from a registration's submission to its close, of the deals won in the period."),
)
def deal_velocity(scope: Scope, *, rates: Rates, per_partner: bool = False) -> Figure:
    total, rows = closed_stats(scope, rates, per_partner=per_partner)
    figure = Figure(value=one_decimal(total["days"]))
    if per_partner:
        figure.by_partner = {row[PARTNER]: one_decimal(row["days"]) for row in rows if row["days"] is not None}
    return figure


@metric(
    "average_deal_size",
    _("Average deal size"),
    Unit.MONEY,
    _("The average closed amount of the partners' own deals won in the period, converted to the base currency."),
)
def average_deal_size(scope: Scope, *, rates: Rates, per_partner: bool = False) -> Figure:
    total, rows = closed_stats(scope, rates, per_partner=per_partner)
    figure = Figure(
        value=None if total["average"] is None else money(total["average"]), unconverted=total["unconverted"]
    )
    if per_partner:
        figure.by_partner = {row[PARTNER]: money(row["average"]) for row in rows if row["average"] is not None}
    return figure


def pipeline_by_stage(scope: Scope, rates: Rates) -> list[dict]:
    """The partners' open registrations submitted in the period, by stage: how many and their amount in base
    currency (the registered amount, whole). One query."""
    open_deals = own_registrations(scope).filter(status__in=ACTIVE_DEAL_STATUSES, **scope.submitted_in())
    rows = (
        open_deals.values("stage")
        .annotate(deals=Count("pk"), amount=Sum(rates.convert("amount", "currency"), output_field=EXACT))
        .order_by("stage")
    )
    return [{"stage": row["stage"], "deals": row["deals"], "amount": money(row["amount"])} for row in rows]
