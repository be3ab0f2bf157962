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


def _grouped(queryset: QuerySet, per_partner: bool, **aggregates) -> tuple[dict, list[dict]]:
    total = queryset.aggregate(**aggregates)
    rows = list(queryset.values(PARTNER).annotate(**aggregates).order_by(PARTNER)) if per_partner else []
    return total, rows


def _rate(won, closed) -> Decimal | None:
    if not closed:
        return None
    return (Decimal(won) * HUNDRED / Decimal(closed)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


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
    closed = closed_in(scope, (DealStatus.WON, DealStatus.LOST))
    total, rows = _grouped(closed, per_partner, won=Count("pk", filter=Q(status=DealStatus.WON)), closed=Count("pk"))
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
    won = closed_in(scope, (DealStatus.WON,)).filter(submitted_at__isnull=False)
    total, rows = _grouped(won, per_partner, days=Median(days_between("closed_at", as_day("submitted_at"))))
    figure = Figure(value=one_decimal(total["days"]))
    if per_partner:
        figure.by_partner = {row[PARTNER]: one_decimal(row["days"]) for row in rows}
    return figure


@metric(
    "average_deal_size",
    _("Average deal size"),
    Unit.MONEY,
    _("The average closed amount of the partners' own deals won in the period, converted to the base currency."),
)
def average_deal_size(scope: Scope, *, rates: Rates, per_partner: bool = False) -> Figure:
    won = closed_in(scope, (DealStatus.WON,)).filter(closed_amount__isnull=False)
    amount = rates.convert("closed_amount", "currency")
    aggregates = {
        "average": Avg(amount, output_field=EXACT),
        "unconverted": Count("pk", filter=~Q(currency__in=rates.known)),
    }
    total, rows = _grouped(won, per_partner, **aggregates)
    figure = Figure(
        value=None if total["average"] is None else money(total["average"]), unconverted=total["unconverted"]
    )
    if per_partner:
        figure.by_partner = {row[PARTNER]: money(row["average"]) for row in rows if row["average"] is not None}
    return figure


def pipeline_by_stage(scope: Scope, rates: Rates) -> list[dict]:
    """The partners' open registrations submitted in the period, by stage: how many and their amount in base
    currency (the registered amount, whole). One query."""
    open_deals = own_registrations(scope).filter(
        status__in=ACTIVE_DEAL_STATUSES, submitted_at__date__gte=scope.start, submitted_at__date__lte=scope.end
    )
    rows = (
        open_deals.values("stage")
        .annotate(deals=Count("pk"), amount=Sum(rates.convert("amount", "currency"), output_field=EXACT))
        .order_by("stage")
    )
    return [{"stage": row["stage"], "deals": row["deals"], "amount": money(row["amount"])} for row in rows]
