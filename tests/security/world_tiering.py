"""The isolation world's tiering: tenant A's tier program (its name and its tier's carry tenant A's marker: tenant B's
people must never see them), recalculated so that organizations X and Y each hold a tier and have an assessment;
and tenant B's own program, named with B's marker (A's staff must never see it listed).

A partner's tier is its own: X's people read X's (`/api/v1/partner-tiers/<X>/`), Y's get 404; only channel managers
recalculate it. The programs are the vendor's: staff only."""

from prm.tenancy import tenant_context
from tiering.models import Tier, TierProgram
from tiering.services.recalculation import tiers_recalculate

# URL parameter -> the object's id, for page routes (the API's are the partner's id: `partner_id` is the world's).
OBJECT_KWARGS: dict = {}
# Router basename -> the object's id, for API detail routes.
API_OBJECTS = {
    "tier-program": lambda w: w.tiering_program_a.pk,
    "partner-tier": lambda w: w.org_x.pk,
}


def extend(world) -> None:
    """Create this area's objects (runs inside tenant A's context) and set them as attributes of the world."""
    world.tiering_program_a = TierProgram.objects.create(name="Alpha Vendor Partner Program")
    Tier.objects.create(program=world.tiering_program_a, name="Alpha Vendor Registered", rank=0)
    tiers_recalculate(partner_ids=[world.org_x.pk, world.org_y.pk])
    with tenant_context(world.tenant_b):
        world.tiering_program_b = TierProgram.objects.create(name="Beta Vendor Partner Program")
        Tier.objects.create(program=world.tiering_program_b, name="Bravo Secret Tier", rank=0)
