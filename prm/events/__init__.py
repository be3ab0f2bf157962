"""Domain events through a transactional outbox, relayed to subscribers that fail one at a time.

A use case calls `record_event()` inside its transaction: the event row commits with the change or not at all.
After the commit a Celery task relays pending events (`prm.events.relay`): to in-code subscribers
(`@subscribe("partner.activated")`), to webhook endpoints (one delivery row per endpoint and event) and to
notifications. A beat sweep relays anything a crash left behind.

Events are claimed (`FOR UPDATE SKIP LOCKED`) and relayed a small batch per transaction, and each subscriber of
each event runs in its own savepoint: one that raises is rolled back alone, recorded as an `EventHandlerFailure`
and retried with backoff, while the event's other subscribers and the tenant's next events go on. Delivery is at
least once, so subscribers are idempotent (unique constraints, state checks).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from prm.models import Event
from prm.tenancy import current_tenant

logger = logging.getLogger(__name__)

Handler = Callable[[Event], None]


@dataclass(frozen=True)
class Subscriber:
    """A registered handler with its stable name (module + qualified name), under which its failures are kept."""

    name: str
    handler: Handler

    def __call__(self, event: Event) -> None:
        self.handler(event)


_subscribers: dict[str, list[Subscriber]] = defaultdict(list)
_by_name: dict[str, Subscriber] = {}


def subscriber_name(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


def subscribe(*event_types: str):
    """Register a handler for event types ("*" for all). Handlers must be idempotent: a relay repeated after a
    crash, or a retry after a failure, runs them again. A handler runs in its own savepoint: what it wrote is rolled
    back when it raises, and it is retried later on its own."""

    def register(handler: Handler) -> Handler:
        name = subscriber_name(handler)
        known = _by_name.get(name)
        if known is not None and known.handler is not handler:
            raise ValueError(f"Another event subscriber is already registered as {name!r}.")
        subscriber = known or Subscriber(name, handler)
        _by_name[name] = subscriber
        for event_type in event_types:
            if subscriber not in _subscribers[event_type]:
                _subscribers[event_type].append(subscriber)
        return handler

    return register


def unsubscribe(handler: Handler) -> None:
    """Remove a handler from every event type (tests register handlers of their own and remove them after)."""
    subscriber = _by_name.pop(subscriber_name(handler), None)
    for subscribers in _subscribers.values():
        if subscriber in subscribers:
            subscribers.remove(subscriber)


def subscribers_for(event_type: str) -> list[Subscriber]:
    return [*_subscribers.get(event_type, []), *_subscribers.get("*", [])]


def get_subscriber(name: str) -> Subscriber | None:
    """The subscriber registered under `name`, or None when the code no longer has it."""
    return _by_name.get(name)


def _actor_fields(actor) -> dict:
    if actor is None:
        return {}
    api_key = getattr(actor, "api_key", None)
    if api_key is not None:
        return {"actor_api_key": api_key}
    user = getattr(actor, "user", actor)
    return {"actor_user": user if getattr(user, "pk", None) else None}


def _event(event_type: str, *, subject, payload: dict | None, actor) -> Event:
    return Event(
        type=event_type,
        subject_type=subject._meta.model_name,
        subject_id=str(subject.pk),
        payload=payload or {},
        **_actor_fields(actor),
    )


class _RelayAfterCommit:
    """The on-commit callback that enqueues the tenant's relay; recognisable, so a transaction enqueues one."""

    def __init__(self, tenant_id: int):
        self.tenant_id = tenant_id
        self.done = False

    def __call__(self) -> None:
        from prm.tasks import relay_events

        self.done = True
        relay_events.delay(tenant_id=self.tenant_id)

    def covers(self, tenant_id: int) -> bool:
        # One already run (tests run captured callbacks and leave them in the list) covers nothing new.
        return self.tenant_id == tenant_id and not self.done


def _relay_after_commit() -> None:
    """Enqueue the tenant's relay once the transaction commits, once per transaction: a relay takes every pending
    event, so a use case (or a batch) that records several needs one. A callback of a savepoint rolled back is gone
    from the list, so the next event asks again. Only a callback of the same savepoint counts: one registered in an
    enclosing block (a test's transaction, which never commits) may never run for this one."""
    tenant_id = current_tenant().pk
    connection = transaction.get_connection()
    here = set(connection.savepoint_ids)
    if any(
        isinstance(callback, _RelayAfterCommit) and callback.covers(tenant_id) and savepoints == here
        for savepoints, callback, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(_RelayAfterCommit(tenant_id))


def record_event(event_type: str, *, subject, payload: dict | None = None, actor=None) -> Event:
    """Write the event to the outbox in the current transaction; relay it once the transaction commits."""
    event = _event(event_type, subject=subject, payload=payload, actor=actor)
    event.save(force_insert=True)
    _relay_after_commit()
    return event


def record_events(events: list[tuple[str, object, dict | None]], *, actor=None) -> list[Event]:
    """Several events of one use case, as (type, subject, payload), written in this order with one INSERT (a use
    case that takes two steps at once, such as registering and submitting a deal); relayed once after commit."""
    if not events:
        return []
    written = Event.objects.bulk_create(
        [_event(event_type, subject=subject, payload=payload, actor=actor) for event_type, subject, payload in events]
    )
    _relay_after_commit()
    return written


def relay_pending_events(*, tenant=None, limit: int | None = None) -> int:
    """Relay the tenant's pending events (see prm.events.relay); returns how many were relayed."""
    from prm.events import relay

    return relay.relay_pending_events(tenant=tenant, limit=limit or relay.RELAY_BATCH)


__all__ = [
    "Subscriber",
    "get_subscriber",
    "record_event",
    "record_events",
    "relay_pending_events",
    "subscribe",
    "subscriber_name",
    "subscribers_for",
    "unsubscribe",
]
