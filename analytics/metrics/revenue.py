"""Partner-sourced and partner-influenced revenue (won) and pipeline (open registered deals), by attribution share,
in the tenant's base currency. dealreg's definitions: "sourced" is the partner that brought the deal, "influenced"
every partner that helped win it (influenced, fulfillment / reseller, services)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import BooleanField, DateField, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from analytics.metrics import Figure, Unit, metric
from analytics.selectors.base import HUNDRED, Rates, Scope, money, registrations
from dealreg.selectors import ACTIVE_DEAL_STATUSES, INFLUENCE_ROLES, DealStatus
from dealreg.selectors.metrics import ATTRIBUTION_ROLES

SOURCED = tuple(ATTRIBUTION_ROLES["sourced"])
INFLUENCED = tuple(INFLUENCE_ROLES)
ATTRIBUTED = SOURCED + INFLUENCED


def participations(scope: Scope, *, won: bool, roles=ATTRIBUTED) -> QuerySet:
    """Registrations joined to their partners on the deal (one row per participation) in `roles`, of partners in
    scope: won and closed in the period (`won`), or open and submitted in the period. One filter() call, so the
    participation join is one join that the sums below reuse."""
    if won:
        deals = registrations().filter(
            status=DealStatus.WON,
            closed_amount__isnull=False,
            closed_at__gte=scope.start,
            closed_at__lte=scope.end,
        )
    else:
        deals = registrations().filter(
            status__in=ACTIVE_DEAL_STATUSES,
            **scope.submitted_in(),
        )
    condition = {"participants__role__in": list(roles)}
    partners = scope.partner_filter()
    if partners is not None:
        condition["participants__partner_organization_id__in"] = partners
    return deals.filter(**condition)


def share_of(rates: Rates, amount_field: str):
    """The participation's part of the deal in base currency: amount × share / 100 × rate."""
    amount = F(amount_field) * F("participants__share") / Value(HUNDRED)
    return rates.convert(amount, "currency")


@dataclass
class Rollup:
    """Sourced and influenced sums of one pass over the participations: the period's totals, each partner's, each
    month's, and (won deals) each partner's in the period of the same length before (top and falling partners)."""

    total: tuple[Decimal, Decimal] = (Decimal("0.00"), Decimal("0.00"))
    unconverted: int = 0
    by_partner: dict[int, tuple[Decimal, Decimal]] = field(default_factory=dict)
    previous_by_partner: dict[int, tuple[Decimal, Decimal]] = field(default_factory=dict)
    by_month: list[tuple[date, Decimal, Decimal]] = field(default_factory=list)


def rollup(scope: Scope, rates: Rates, *, won: bool) -> Rollup:
    """One query (GROUPING SETS over the participation rows) for every revenue or pipeline figure of the scope, kept
    for the request in `rates.memo`: the dashboard's cards, ROPI, the monthly chart and the top and falling partners
    read the same scan instead of one each."""
    key = ("won" if won else "open", scope)
    if key in rates.memo:
        return rates.memo[key]
    span = replace(scope, start=scope.previous().start) if won else scope
    amount = share_of(rates, "closed_amount" if won else "amount")
    current = Q(closed_at__gte=scope.start) if won else Q(pk__isnull=False)
    inner = participations(span, won=won).values(
        partner=F("participants__partner_organization_id"),
        role=F("participants__role"),
        portion=amount,
        cur=ExpressionWrapper(current, output_field=BooleanField()),
        month=TruncMonth("closed_at") if won else Value(None, output_field=DateField()),
        known=ExpressionWrapper(Q(currency__in=rates.known), output_field=BooleanField()),
    )
    inner_sql, params = inner.query.sql_with_params()
    sql = (
        "SELECT cur, partner, month, GROUPING(partner), GROUPING(month), "  # noqa: S608
        "SUM(portion) FILTER (WHERE role = ANY(%s)), SUM(portion) FILTER (WHERE role = ANY(%s)), "
        "COUNT(*) FILTER (WHERE NOT known) "
        f"FROM ({inner_sql}) AS participations GROUP BY GROUPING SETS ((cur), (cur, partner), (cur, month))"
    )
    result = Rollup()
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(SOURCED), list(INFLUENCED), *params])
        rows = cursor.fetchall()
    months = []
    for cur, partner, month, no_partner, no_month, sourced, influenced, unconverted in rows:
        sums = (money(sourced), money(influenced))
        if no_partner and no_month:
            if cur:
                result.total, result.unconverted = sums, unconverted or 0
        elif not no_partner:
            (result.by_partner if cur else result.previous_by_partner)[partner] = sums
        elif cur and won:
            months.append((month.date() if hasattr(month, "date") else month, *sums))
    result.by_month = sorted(months)
    rates.memo[key] = result
    return result


def _attribution_figure(scope: Scope, rates: Rates, *, won: bool, column: int, per_partner: bool) -> Figure:
    sums = rollup(scope, rates, won=won)
    figure = Figure(value=sums.total[column], unconverted=sums.unconverted)
    if per_partner:
        figure.by_partner = {pid: values[column] for pid, values in sums.by_partner.items() if values[column]}
    return figure


def _by_partner(rows: dict[int, tuple[Decimal, Decimal]]) -> dict[int, dict[str, Decimal]]:
    return {
        pid: {"sourced": sourced, "influenced": influenced, "attributed": sourced + influenced}
        for pid, (sourced, influenced) in rows.items()
    }


def revenue_by_partner(scope: Scope, rates: Rates) -> dict[int, dict[str, Decimal]]:
    """{partner id: {"sourced", "influenced", "attributed"}} for the partners in scope with won revenue."""
    return _by_partner(rollup(scope, rates, won=True).by_partner)


def revenue_by_partner_before(scope: Scope, rates: Rates) -> dict[int, dict[str, Decimal]]:
    """The same for the period of the same length just before the scope's (from the same query)."""
    return _by_partner(rollup(scope, rates, won=True).previous_by_partner)


def revenue_by_month(scope: Scope, rates: Rates) -> list[dict]:
    """[{"month": date, "sourced", "influenced"}] for every month of the period with won revenue."""
    return [
        {"month": month, "sourced": sourced, "influenced": influenced}
        for month, sourced, influenced in rollup(scope, rates, won=True).by_month
    ]


@metric(
    "sourced_revenue",
    _("Partner-sourced revenue"),
    Unit.MONEY,
    _(
        "Won deals closed in the period that a partner brought (attribution role “sourced”): the closed amount × the "
        "partner's share, converted to the base currency."
    ),
)
def sourced_revenue(scope: Scope, *, rates: Rates, per_partner: bool = False) -> Figure:
    return _attribution_figure(scope, rates, won=True, column=0, per_partner=per_partner)


@metric(
    "influenced_revenue",
    _("Partner-influenced revenue"),
    Unit.MONEY,
    _(
        "Won deals closed in the period that a partner helped win without sourcing them (influenced, fulfillment or "
        "services): the closed amount × the partner's share, converted to the base currency."
    ),
)
def influenced_revenue(scope: Scope, *, rates: Rates, per_partner: bool = False) -> Figure:
    return _attribution_figure(scope, rates, won=True, column=1, per_partner=per_partner)


@metric(
    "sourced_pipeline",
    _("Partner-sourced pipeline"),
    Unit.MONEY,
    _(
        "Open registered deals (submitted, under review, information requested or approved) submitted in the period "
        "that a partner brought: the registered amount × its share, converted to the base currency."
    ),
)
def sourced_pipeline(scope: Scope, *, rates: Rates, per_partner: bool = False) -> Figure:
    return _attribution_figure(scope, rates, won=False, column=0, per_partner=per_partner)


@metric(
    "influenced_pipeline",
    _("Partner-influenced pipeline"),
    Unit.MONEY,
    _(
        "Open registered deals submitted in the period that a partner helps win without having sourced them: the "
        "registered amount × its share, converted to the base currency."
    ),
)
def influenced_pipeline(scope: Scope, *, rates: Rates, per_partner: bool = False) -> Figure:
    return _attribution_figure(scope, rates, won=False, column=1, per_partner=per_partner)
