"""Tier programs: the default one every tenant starts with, and overrides of a partner's tier."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prm import policy
from prm.cleaning import clean_text
from prm.errors import ValidationFailed
from prm.policy import Actor
from tiering.models import EvaluationModel, Tier, TierCriterion, TierOverride, TierProgram

# Each tier asks about 2–5× the one below in won revenue (sourced), plus certified people (DOMAIN.md's defaults).
DEFAULT_TIERS = [
    {
        "name": "Registered",
        "benefits": {"deal_protection_days": 60, "discount_percent": Decimal("0"), "content_access": ["basics"]},
        "criteria": [],
    },
    {
        "name": "Silver",
        "benefits": {
            "deal_protection_days": 90,
            "deal_auto_approve_limit": Decimal("25000"),
            "mdf_allocation": Decimal("5000"),
            "discount_percent": Decimal("5"),
            "content_access": ["basics", "sales-playbooks"],
        },
        "criteria": [("won_revenue_sourced", "25000"), ("certified_people", "1")],
    },
    {
        "name": "Gold",
        "benefits": {
            "deal_protection_days": 120,
            "deal_auto_approve_limit": Decimal("100000"),
            "mdf_allocation": Decimal("20000"),
            "discount_percent": Decimal("10"),
            "content_access": ["basics", "sales-playbooks", "roadmap"],
        },
        "criteria": [("won_revenue_sourced", "100000"), ("certified_people", "2"), ("won_deals", "3")],
    },
    {
        "name": "Platinum",
        "benefits": {
            "deal_protection_days": 180,
            "deal_auto_approve_limit": Decimal("250000"),
            "mdf_allocation": Decimal("50000"),
            "discount_percent": Decimal("15"),
            "content_access": ["basics", "sales-playbooks", "roadmap", "beta-programs"],
            "dedicated_channel_manager": True,
        },
        "criteria": [("won_revenue_sourced", "500000"), ("certified_people", "4"), ("won_deals", "8")],
    },
]


def tier_program_create_default(*, tiers=DEFAULT_TIERS) -> TierProgram:
    """The program a tenant starts with (all conditions of a tier must hold; 90 days' grace; 12 months' window)."""
    program = TierProgram.objects.create(name=_("Partner program tiers"), evaluation_model=EvaluationModel.ALL)
    for rank, spec in enumerate(tiers):
        tier = Tier.objects.create(program=program, name=spec["name"], rank=rank, **spec["benefits"])
        TierCriterion.objects.bulk_create(
            [
                TierCriterion(program=program, tier=tier, metric_key=key, threshold=Decimal(threshold), position=index)
                for index, (key, threshold) in enumerate(spec["criteria"])
            ]
        )
    return program


def tier_program_ensure_default() -> TierProgram | None:
    """A tenant has no "tenant created" seam apps react to: its default program is seeded on its first
    recalculation (or by the demo), once; a tenant that has any program keeps its own."""
    if TierProgram.objects.exists():
        return None
    try:
        with transaction.atomic():
            return tier_program_create_default()
    except IntegrityError:  # seeded meanwhile by a concurrent recalculation
        return None


@transaction.atomic
def tier_override_create(
    *, actor: Actor, partner, tier: Tier, reason: str, ends_on: date, starts_on: date | None = None
) -> TierOverride:
    """Hold `partner` at `tier` until `ends_on` whatever its metrics say, with a reason; the partner's standing
    follows at once (a recalculation of that partner)."""
    policy.require(actor, "tiering.override", partner)
    reason = clean_text(reason, field="reason", max_length=500, required=_("Say why the tier is set by hand."))
    if tier.program_id is None or not TierProgram.objects.filter(pk=tier.program_id).exists():
        raise ValidationFailed(_("Choose a tier of the program."), field="tier")
    starts_on = starts_on or timezone.localdate()
    if ends_on is None or ends_on < starts_on:
        raise ValidationFailed(_("The end date must be on or after the start date."), field="ends_on")
    override = TierOverride.objects.create(
        partner_organization=partner,
        tier=tier,
        reason=reason,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=getattr(actor, "user", None),
    )
    from tiering.services.recalculation import tiers_recalculate

    tiers_recalculate(partner_ids=[partner.pk])
    return override


@transaction.atomic
def tier_override_end(*, actor: Actor, override: TierOverride) -> TierOverride:
    """End an override now: the partner's tier follows its metrics again (recalculated at once), with the grace
    period if it qualifies for less than the tier the override held."""
    policy.require(actor, "tiering.override", override.partner_organization)
    today = timezone.localdate()
    if override.ends_on < today or override.ended_early_on:
        raise ValidationFailed(_("This override has ended already."), field="ends_on")
    override.ended_early_on = today
    override.save(update_fields=["ended_early_on", "updated_at"])
    from tiering.services.recalculation import tiers_recalculate

    tiers_recalculate(partner_ids=[override.partner_organization_id])
    return override
