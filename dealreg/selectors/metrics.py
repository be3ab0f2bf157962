"""Deal figures per partner organization for tiering (and later analytics): each one grouped query for every partner
of the tenant (or the ones named), whatever their number. Partners with nothing to count are absent.

Dates are inclusive on both ends. Amounts are read in one currency only (the caller passes the tenant's base
currency): the platform keeps no exchange rates, so deals in other currencies are left out rather than converted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum, Value

from dealreg.models import AttributionRole, DealParticipant, DealRegistration, DealStatus
from dealreg.selectors import INFLUENCE_ROLES

HUNDRED = Decimal("100")
CENT = Decimal("0.01")

ATTRIBUTION_ROLES = {"sourced": (AttributionRole.SOURCED,), "influenced": INFLUENCE_ROLES}


def won_revenue_by_partner(
    *,
    attribution: Literal["sourced", "influenced"],
    currency: str,
    closed_from: date,
    closed_to: date,
    partner_ids=None,
) -> dict[int, Decimal]:
    """Won revenue attributed to each partner, closed_amount × its share, of the deals in `currency` won between the
    two dates: "sourced" the deals it brought, "influenced" the ones it helped win (dealreg's definitions, as in
    `sourced_revenue_by_partner` and `influenced_revenue_by_partner`). {partner id: Decimal}, one grouped query.

    The same sum as `attributed_revenue`, without its count of distinct deals: a COUNT(DISTINCT) makes PostgreSQL
    sort every participation row instead of hashing them, the larger part of the time over a million deals."""
    participations = DealParticipant.objects.filter(
        role__in=ATTRIBUTION_ROLES[attribution],
        registration__status=DealStatus.WON,
        registration__closed_amount__isnull=False,
        registration__closed_at__gte=closed_from,
        registration__closed_at__lte=closed_to,
        registration__currency=currency,
    )
    if partner_ids is not None:
        participations = participations.filter(partner_organization_id__in=list(partner_ids))
    exact = DecimalField(max_digits=20, decimal_places=6)
    portion = ExpressionWrapper(F("registration__closed_amount") * F("share") / Value(HUNDRED), output_field=exact)
    rows = (
        participations.order_by()
        .values("partner_organization_id")
        .annotate(revenue=Sum(portion))
        .values_list("partner_organization_id", "revenue")
    )
    # Rounded once, after summing, as attributed_revenue does (half up, to the cent).
    return {partner_id: revenue.quantize(CENT, rounding=ROUND_HALF_UP) for partner_id, revenue in rows}


@dataclass(frozen=True)
class ClosedDeals:
    won: int
    lost: int

    @property
    def closed(self) -> int:
        return self.won + self.lost


def closed_deals_by_partner(
    *, closed_from: date, closed_to: date, partner_ids=None, min_closed: int = 1
) -> dict[int, ClosedDeals]:
    """How many of its own registrations each partner won and lost between the two dates, for the partners with at
    least `min_closed` of them closed (won or lost; expired and withdrawn ones were never decided by a customer).
    One grouped query."""
    closed = DealRegistration.objects.filter(
        status__in=(DealStatus.WON, DealStatus.LOST), closed_at__gte=closed_from, closed_at__lte=closed_to
    )
    if partner_ids is not None:
        closed = closed.filter(partner_organization_id__in=list(partner_ids))
    rows = (
        closed.order_by()
        .values("partner_organization_id")
        .annotate(
            won=Count("pk", filter=Q(status=DealStatus.WON)),
            lost=Count("pk", filter=Q(status=DealStatus.LOST)),
            closed=Count("pk"),
        )
        .filter(closed__gte=max(min_closed, 1))
        .values_list("partner_organization_id", "won", "lost")
    )
    return {partner_id: ClosedDeals(won, lost) for partner_id, won, lost in rows}


def protected_pipeline_by_partner(*, as_of: date, currency: str, partner_ids=None) -> dict[int, Decimal]:
    """The registered amount of each partner's open, approved registrations still protected on `as_of` (protected
    until that day or later) in `currency`. {partner id: Decimal}, one grouped query."""
    # The status is today's: for an `as_of` in the past this is today's pipeline still protected on that day.
    protected = DealRegistration.objects.filter(
        status=DealStatus.APPROVED, protected_until__gte=as_of, currency=currency
    )
    if partner_ids is not None:
        protected = protected.filter(partner_organization_id__in=list(partner_ids))
    rows = (
        protected.order_by()
        .values("partner_organization_id")
        .annotate(pipeline=Sum("amount"))
        .values_list("partner_organization_id", "pipeline")
    )
    return {partner_id: pipeline for partner_id, pipeline in rows}
