"""Reads of the tiering app; the only way other apps read a partner's tier and benefits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from tiering.models import Tier, TierAssessment, TierOverride, TierProgram, TierStanding


@dataclass(frozen=True)
class TierBenefits:
    """What a tier gives. None: the program's general rule applies (deal registration's rules of engagement)."""

    tier_id: int | None = None
    tier_name: str = ""
    deal_protection_days: int | None = None
    deal_auto_approve_limit: Decimal | None = None
    mdf_allocation: Decimal | None = None
    discount_percent: Decimal = Decimal("0")
    content_access: tuple[str, ...] = field(default_factory=tuple)
    dedicated_channel_manager: bool = False

    @classmethod
    def of(cls, tier: Tier | None) -> TierBenefits:
        if tier is None:
            return cls()
        return cls(
            tier_id=tier.pk,
            tier_name=tier.name,
            deal_protection_days=tier.deal_protection_days,
            deal_auto_approve_limit=tier.deal_auto_approve_limit,
            mdf_allocation=tier.mdf_allocation,
            discount_percent=tier.discount_percent,
            content_access=tuple(tier.content_access or ()),
            dedicated_channel_manager=tier.dedicated_channel_manager,
        )


def tier_benefits_by_partner(*, partner_ids: Iterable[int]) -> dict[int, TierBenefits]:
    """The benefits of the tier each partner holds (one query); a partner without a tier gets empty benefits."""
    ids = list(partner_ids)
    standings = TierStanding.objects.filter(partner_organization_id__in=ids).select_related("tier")
    by_partner = {standing.partner_organization_id: TierBenefits.of(standing.tier) for standing in standings}
    return {partner_id: by_partner.get(partner_id, TierBenefits()) for partner_id in ids}


def tier_benefits_for(*, partner_id: int) -> TierBenefits:
    return tier_benefits_by_partner(partner_ids=[partner_id])[partner_id]


def tier_standing_for(*, partner_id: int) -> TierStanding | None:
    return (
        TierStanding.objects.select_related("tier", "qualified_tier", "program")
        .filter(partner_organization_id=partner_id)
        .first()
    )


def tier_get(*, tier_id: int, program_id: int) -> Tier | None:
    """A tier of the program (None for another program's, or another tenant's)."""
    return Tier.objects.filter(pk=tier_id, program_id=program_id).first()


def tier_programs():
    return TierProgram.objects.prefetch_related("tiers", "criteria").order_by("partner_type", "id")


def tier_assessments_for(*, partner_id: int):
    """A partner's assessment history, newest first."""
    return TierAssessment.objects.select_related("tier", "qualified_tier", "previous_tier").filter(
        partner_organization_id=partner_id
    )


def tier_overrides_for(*, partner_id: int):
    return TierOverride.objects.select_related("tier", "created_by").filter(partner_organization_id=partner_id)


def tier_distribution() -> dict[int | None, int]:
    """How many partners hold each tier ({tier id or None: count}), one query."""
    from django.db.models import Count

    rows = TierStanding.objects.values("tier_id").annotate(partners=Count("id")).order_by()
    return {row["tier_id"]: row["partners"] for row in rows}
