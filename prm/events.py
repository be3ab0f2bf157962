"""Domain events through a transactional outbox.

A use case calls `record_event()` inside its transaction: the event row commits with the change or not at all.
After the commit a Celery task relays pending events (`relay_pending_events`): to in-code subscribers
(`@subscribe("partner.activated")`), to webhook endpoints (one delivery row per endpoint and event) and to
notifications. A beat sweep relays anything a crash left behind. Relaying is idempotent: an event is claimed
with a row lock, subscribers run in the same transaction that marks it relayed, and deliveries are unique per
(endpoint, event).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from prm.models import Event
from prm.tenancy import current_tenant

logger = logging.getLogger(__name__)

_subscribers: dict[str, list[Callable[[Event], None]]] = defaultdict(list)
RELAY_BATCH = 200


def subscribe(*event_types: str):
    """Register a handler for event types ("*" for all). Handlers run in the relay's transaction and must be
    idempotent: a relay that crashes after them is repeated."""

    def register(handler):
        for event_type in event_types:
            if handler not in _subscribers[event_type]:
                _subscribers[event_type].append(handler)
        return handler

    return register


def subscribers_for(event_type: str) -> list[Callable[[Event], None]]:
    return [*_subscribers.get(event_type, []), *_subscribers.get("*", [])]


def _actor_fields(actor) -> dict:
    if actor is None:
        return {}
    api_key = getattr(actor, "api_key", None)
    if api_key is not None:
        return {"actor_api_key": api_key}
    user = getattr(actor, "user", actor)
    return {"actor_user": user if getattr(user, "pk", None) else None}


def record_event(event_type: str, *, subject, payload: dict | None = None, actor=None) -> Event:
    """Write the event to the outbox in the current transaction; relay it once the transaction commits."""
    event = Event.objects.create(
        type=event_type,
        subject_type=subject._meta.model_name,
        subject_id=str(subject.pk),
        payload=payload or {},
        **_actor_fields(actor),
    )
    tenant_id = current_tenant().pk
    from prm.tasks import relay_events

    transaction.on_commit(lambda: relay_events.delay(tenant_id=tenant_id))
    return event


def relay_pending_events(*, limit: int = RELAY_BATCH) -> int:
    """Relay the current tenant's pending events, oldest first; returns how many were relayed.

    Rows are claimed with FOR UPDATE SKIP LOCKED, so concurrent relays share the work and never relay an event
    twice."""
    relayed = 0
    with transaction.atomic():
        events = list(
            Event.objects.select_for_update(skip_locked=True).filter(relayed_at__isnull=True).order_by("id")[:limit]
        )
        for event in events:
            for handler in subscribers_for(event.type):
                handler(event)
            relayed += 1
        if events:
            Event.objects.filter(pk__in=[e.pk for e in events]).update(relayed_at=timezone.now())
    return relayed
