"""Tiering's part of the demo program: the default tier program, then a recalculation, so the demo's partners land
in tiers from the deals and certifications the apps below seeded. The program is seeded as if it had run for a while:
first recalculated as of some weeks ago, so a partner that qualified then and no longer does (Harbourline, whose
certified people lapsed since) is at risk today. Idempotent: a second run finds the program and changes nothing."""

import logging
from datetime import timedelta

from django.utils import timezone

from prm.models import Event
from tiering.declarations import EVENT_TYPES
from tiering.metrics import METRICS
from tiering.models import TierCriterion
from tiering.services.programs import tier_program_ensure_default
from tiering.services.recalculation import tiers_recalculate

logger = logging.getLogger("tiering.demo")


# How long ago the demo program first ran: after the 35 days since Harbourline's certification expired.
FIRST_RUN_DAYS_AGO = 45


def seed_tiers(tenant, admin) -> None:
    created = tier_program_ensure_default()
    missing = set(TierCriterion.objects.values_list("metric_key", flat=True)) - set(METRICS)
    if missing:
        # A code base without those metrics yet cannot evaluate the program: the demo keeps its program unevaluated.
        logger.warning("Demo tiers not recalculated: metrics %s are not registered.", ", ".join(sorted(missing)))
        return
    if created is not None:
        tiers_recalculate(as_of=timezone.localdate() - timedelta(days=FIRST_RUN_DAYS_AGO))
    tiers_recalculate()
    # The demo's tiers are history, like the rest of the demo: its tier events are kept but count as relayed, so the
    # first `make run` does not notify and e-mail every partner admin about tiers it "reached" weeks ago.
    Event.objects.filter(type__in=EVENT_TYPES, relayed_at__isnull=True).update(relayed_at=timezone.now())
