"""Tiering's part of the demo program: the default tier program, then a recalculation, so the demo's partners land
in tiers from the deals and certifications the apps below seeded. Idempotent: a second run finds the program and
changes nothing."""

import logging

from tiering.metrics import METRICS
from tiering.models import TierCriterion
from tiering.services.programs import tier_program_ensure_default
from tiering.services.recalculation import tiers_recalculate

logger = logging.getLogger("tiering.demo")


def seed_tiers(tenant, admin) -> None:
    tier_program_ensure_default()
    missing = set(TierCriterion.objects.values_list("metric_key", flat=True)) - set(METRICS)
    if missing:
        # A code base without those metrics yet cannot evaluate the program: the demo keeps its program unevaluated.
        logger.warning("Demo tiers not recalculated: metrics %s are not registered.", ", ".join(sorted(missing)))
        return
    tiers_recalculate()
