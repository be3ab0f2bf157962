"""The isolation world's tiering: tenant A's tier program (its name and its tier's carry tenant A's marker: tenant B's
people must never see them), recalculated so that organizations X and Y each hold a tier and have an assessment;
and tenant B's own program, named with B's marker (A's staff must never see it listed).

A partner's tier is its own: X's people read X's (`/api/v1/partner-tiers/<X>/`), Y's get 404; only channel managers
recalculate it. The programs are the vendor's: staff only.

The staff's tier pages (overview, what-if, a partner's tier history) are staff only; a partner's history is reached
with the world's `partner_id` (X). X holds an override (its reason carries X's marker) that managers may end; the
override form's tier is an `Id("tier")`: tenant B's tier for A's staff, which is no tier of A's program."""

from datetime import timedelta

from django.utils import timezone

from prm.tenancy import tenant_context
from tiering.models import Tier, TierOverride, TierProgram
from tiering.services.recalculation import tiers_recalculate

# URL parameter -> the object's id, for page routes (the API's are the partner's id: `partner_id` is the world's).
OBJECT_KWARGS: dict = {"override_id": lambda w: w.tiering_override_x.pk}
# Router basename -> the object's id, for API detail routes.
API_OBJECTS = {
    "tier-program": lambda w: w.tiering_program_a.pk,
    "partner-tier": lambda w: w.org_x.pk,
}


def extend(world) -> None:
    """Create this area's objects (runs inside tenant A's context) and set them as attributes of the world."""
    world.tiering_program_a = TierProgram.objects.create(name="Alpha Vendor Partner Program")
    world.tiering_tier_a = Tier.objects.create(program=world.tiering_program_a, name="Alpha Vendor Registered", rank=0)
    tiers_recalculate(partner_ids=[world.org_x.pk, world.org_y.pk])
    today = timezone.localdate()
    world.tiering_override_x = TierOverride.objects.create(
        partner_organization=world.org_x,
        tier=world.tiering_tier_a,
        reason="Xylophone Secure launch",
        starts_on=today,
        ends_on=today + timedelta(days=30),
    )
    with tenant_context(world.tenant_b):
        world.tiering_program_b = TierProgram.objects.create(name="Beta Vendor Partner Program")
        world.tiering_tier_b = Tier.objects.create(program=world.tiering_program_b, name="Bravo Secret Tier", rank=0)
