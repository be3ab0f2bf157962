"""On-demand recalculation of one partner, debounced: one queued task per partner per few minutes."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

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
