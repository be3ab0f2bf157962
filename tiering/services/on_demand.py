"""On-demand recalculation of one partner: debounced after the events that change its metrics (one queued task per
partner per few minutes), or at once when a channel manager asks."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

from prm import policy
from prm.policy import Actor
from prm.tenancy import current_tenant

DEBOUNCE_SECONDS = 300


def partner_recalculation_queue(*, partner_id: int) -> bool:
    """Queue a recalculation of the partner `DEBOUNCE_SECONDS` from now unless one is queued already (a cache key
    claimed with add(), which only one caller wins). Returns whether this call queued it."""
    from tiering.tasks import recalculate_partner

    tenant_id = current_tenant().pk
    if not cache.add(f"tiering:recalculate:{tenant_id}:{partner_id}", 1, timeout=DEBOUNCE_SECONDS):
        return False
    transaction.on_commit(
        lambda: recalculate_partner.apply_async(
            kwargs={"tenant_id": tenant_id, "partner_id": partner_id}, countdown=DEBOUNCE_SECONDS
        )
    )
    return True


def partner_tier_recalculate(*, actor: Actor, partner):
    """Recalculate one partner's tier now, at a channel manager's request (the "Recalculate now" button): the same
    one-partner recalculation the debounced task runs, so the program's rules apply unchanged (promotion at once,
    demotion after the grace period). Returns the run (an assessment is written only when something changed)."""
    from tiering.services.recalculation import tiers_recalculate

    policy.require(actor, "tiering.recalculate", partner)
    return tiers_recalculate(partner_ids=[partner.pk])
