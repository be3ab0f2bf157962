"""Tiering's part of the demo program: the default tier program, then a recalculation, so the demo's partners land
in different tiers (Registered, Silver, Gold, Platinum) from the deals and certifications the apps below seeded.
Idempotent: a second run finds the program and changes nothing."""

from tiering.services.programs import tier_program_ensure_default
from tiering.services.recalculation import tiers_recalculate


def seed_tiers(tenant, admin) -> None:
    tier_program_ensure_default()
    tiers_recalculate()
