"""Partner-sourced and partner-influenced revenue (won) and pipeline (open registered deals), by attribution share,
in the tenant's base currency. dealreg's definitions: "sourced" is the partner that brought the deal, "influenced"
every partner that helped win it (influenced, fulfillment / reseller, services)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from analytics.metrics import Figure, Unit, metric
from analytics.selectors.base import EXACT, HUNDRED, Rates, Scope, money, registrations
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
            submitted_at__date__gte=scope.start,
            submitted_at__date__lte=scope.end,
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


def _sums(rates: Rates, *, won: bool) -> dict:
    amount = share_of(rates, "closed_amount" if won else "amount")
    return {
        "sourced": Sum(amount, filter=Q(participants__role__in=SOURCED), output_field=EXACT),
        "influenced": Sum(amount, filter=Q(participants__role__in=INFLUENCED), output_field=EXACT),
        "unconverted": Count("pk", distinct=True, filter=~Q(currency__in=rates.known)),
    }


def attributed_sums(scope: Scope, rates: Rates, *, won: bool, group_by: tuple[str, ...] = ()) -> list[dict]:
    """Sourced and influenced sums (exact) and the deals left out for want of a rate, per group: one query."""
    rows = participations(scope, won=won)
    if not group_by:
        return [rows.aggregate(**_sums(rates, won=won))]
    return list(rows.values(*group_by).annotate(**_sums(rates, won=won)).order_by(*group_by))


def _attribution_figure(scope: Scope, rates: Rates, *, won: bool, column: str, per_partner: bool) -> Figure:
    total = attributed_sums(scope, rates, won=won)[0]
    figure = Figure(value=money(total[column]), unconverted=total["unconverted"] or 0)
    if per_partner:
        rows = attributed_sums(scope, rates, won=won, group_by=("participants__partner_organization_id",))
        figure.by_partner = {
            row["participants__partner_organization_id"]: money(row[column]) for row in rows if row[column] is not None
        }
    return figure


def revenue_by_partner(scope: Scope, rates: Rates) -> dict[int, dict[str, Decimal]]:
    """{partner id: {"sourced", "influenced", "attributed"}} for the partners in scope with won revenue: one query."""
    rows = attributed_sums(scope, rates, won=True, group_by=("participants__partner_organization_id",))
    result = {}
    for row in rows:
        sourced, influenced = money(row["sourced"]), money(row["influenced"])
        result[row["participants__partner_organization_id"]] = {
            "sourced": sourced,
            "influenced": influenced,
            "attributed": sourced + influenced,
        }
    return result


def revenue_by_month(scope: Scope, rates: Rates) -> list[dict]:
    """[{"month": date, "sourced", "influenced"}] for every month of the period with won revenue: one query."""
    rows = participations(scope, won=True).annotate(month=TruncMonth("closed_at"))
    rows = rows.values("month").annotate(**_sums(rates, won=True)).order_by("month")
    return [
        {"month": row["month"], "sourced": money(row["sourced"]), "influenced": money(row["influenced"])}
        for row in rows
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
    return _attribution_figure(scope, rates, won=True, column="sourced", per_partner=per_partner)


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
    return _attribution_figure(scope, rates, won=True, column="influenced", per_partner=per_partner)


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
    return _attribution_figure(scope, rates, won=False, column="sourced", per_partner=per_partner)


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
    return _attribution_figure(scope, rates, won=False, column="influenced", per_partner=per_partner)
