"""Partner costs: the list (staff), one cost, and the sums per partner in base currency that ROPI divides by."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from analytics.models import ExchangeRate, PartnerCost
from analytics.selectors.base import EXACT, Rates, Scope, money


def cost_list(*, partner_id: int | None = None, kind: str = "") -> QuerySet[PartnerCost]:
    costs = PartnerCost.objects.select_related("partner_organization", "created_by")
    if partner_id:
        costs = costs.filter(partner_organization_id=partner_id)
    if kind:
        costs = costs.filter(kind=kind)
    return costs.order_by("-period_start", "-id")


def cost_get(*, cost_id) -> PartnerCost | None:
    try:
        return cost_list().filter(pk=int(cost_id)).first()
    except (TypeError, ValueError):
        return None


def cost_api_queryset() -> QuerySet[PartnerCost]:
    return PartnerCost.objects.order_by("-id")


def exchange_rates() -> QuerySet[ExchangeRate]:
    return ExchangeRate.objects.order_by("currency")


def _costs_in(scope: Scope) -> QuerySet:
    costs = PartnerCost.objects.filter(period_start__gte=scope.start, period_start__lte=scope.end)
    partners = scope.partner_filter()
    if partners is not None:
        costs = costs.filter(partner_organization_id__in=partners)
    return costs.order_by()


def _sums(rates: Rates) -> dict:
    return {
        "cost": Sum(rates.convert("amount", "currency"), output_field=EXACT),
        "unconverted": Count("pk", filter=~Q(currency__in=rates.known)),
    }


def cost_total(scope: Scope, rates: Rates) -> tuple[Decimal, int]:
    """The total cost of the partners in scope in the period, in base currency, and how many costs were left out
    for want of an exchange rate: one query."""
    row = _costs_in(scope).aggregate(**_sums(rates))
    return money(row["cost"]), row["unconverted"]


def costs_by_partner(scope: Scope, rates: Rates) -> dict[int, Decimal]:
    rows = _costs_in(scope).values("partner_organization_id").annotate(**_sums(rates))
    return {row["partner_organization_id"]: money(row["cost"]) for row in rows if row["cost"] is not None}


def costs_by_kind(scope: Scope, rates: Rates) -> list[dict]:
    rows = _costs_in(scope).values("kind").annotate(**_sums(rates)).order_by("kind")
    return [{"kind": row["kind"], "cost": money(row["cost"])} for row in rows]
