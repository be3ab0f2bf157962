"""Relaying events to their subscribers, a small batch of events per transaction and one subscriber per savepoint.

A relay claims the oldest pending events (up to CLAIM_BATCH) with `FOR UPDATE SKIP LOCKED`, runs each subscriber
of each event in a savepoint and marks the events relayed once every subscriber ran once on each, succeeded or
failed; then it commits and claims the next batch. No transaction or row lock outlives one batch, and concurrent
relays share the work. (One event per transaction cost a commit, a tenant setting, a claim and a failure look-up
per event: three times the queries of the subscribers' own work, for the webhook subscriber.)

A subscriber that raises is rolled back to its savepoint (its rows, and the tasks it enqueued on commit, are
gone) and recorded as an `EventHandlerFailure`: attempts, the error, the next attempt after an exponential
backoff. Due failures are retried by the relay task and the beat sweep, each in its own transaction, running only
the failed subscriber. After `PRM_EVENT_HANDLER_MAX_ATTEMPTS` the failure is dead-lettered: no more automatic
attempts, and the tenant's admins are notified; a person retries or dismisses it (prm.events.services).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy

from prm import policy
from prm.events import Subscriber, get_subscriber, subscribers_for
from prm.i18n import lazy_format
from prm.models import Event, EventHandlerFailure, Membership
from prm.notifications import notify
from prm.roles import STAFF_ROLES
from prm.tenancy import current_tenant, tenant_context

logger = logging.getLogger("prm.events")

RELAY_BATCH = 200
# Events claimed, relayed and committed together.
CLAIM_BATCH = 25
RETRY_BATCH = 100
# The wait before attempt n + 1 is RETRY_BASE * RETRY_FACTOR ** (n - 1), at most RETRY_MAX: 1, 4, 16, 64 minutes.
RETRY_BASE = timedelta(minutes=1)
RETRY_FACTOR = 4
RETRY_MAX = timedelta(hours=6)
ERROR_LENGTH = EventHandlerFailure._meta.get_field("last_error").max_length

# Failures the relay still retries by itself.
RETRYING = Q(resolved_at__isnull=True, dismissed_at__isnull=True, dead_lettered_at__isnull=True)


def max_attempts() -> int:
    return max(1, settings.PRM_EVENT_HANDLER_MAX_ATTEMPTS)


def retry_delay(attempts: int) -> timedelta:
    return min(RETRY_MAX, RETRY_BASE * RETRY_FACTOR ** max(0, attempts - 1))


def run_subscriber(subscriber: Subscriber, event: Event) -> str | None:
    """Run one subscriber on one event in a savepoint; None when it succeeded, else the error (class: message)."""
    try:
        with transaction.atomic():
            subscriber(event)
    # The one place that catches every error: a subscriber is any app's code, and whatever it raises (a bug, a
    # deleted subject, a refused state change) must stop only itself. The savepoint is rolled back, the error is
    # logged with its traceback and recorded for a retry.
    except Exception as error:  # noqa: BLE001
        logger.exception("Event subscriber %s failed on event %s (%s)", subscriber.name, event.pk, event.type)
        return Truncator(f"{type(error).__name__}: {error}").chars(ERROR_LENGTH)
    return None


def attempt(failure: EventHandlerFailure) -> EventHandlerFailure:
    """Run a failed subscriber again on its event (the failure row is locked by the caller): success resolves the
    failure, another error counts one more attempt. A subscriber the code no longer has fails as such."""
    subscriber = get_subscriber(failure.subscriber)
    if subscriber is None:
        error = f"LookupError: no event subscriber is registered as {failure.subscriber}."
    else:
        error = run_subscriber(subscriber, failure.event)
    if error is None:
        failure.resolved_at = timezone.now()
        failure.next_attempt_at = None
        failure.save(update_fields=["resolved_at", "next_attempt_at", "updated_at"])
        return failure
    return record_failure(event=failure.event, subscriber_name=failure.subscriber, error=error, failure=failure)


def record_failure(
    *, event: Event, subscriber_name: str, error: str, failure: EventHandlerFailure | None = None
) -> EventHandlerFailure:
    """Count one failed attempt. A failure still retried gets its next attempt after the backoff, or is dead-lettered
    (admins notified) once it reaches the limit; a dead-lettered or dismissed one only keeps the latest error."""
    now = timezone.now()
    if failure is None:
        failure = EventHandlerFailure(event=event, subscriber=subscriber_name, first_failed_at=now)
    failure.attempts += 1
    failure.last_error = error
    failure.last_failed_at = now
    failure.resolved_at = None
    if failure.dismissed_at is None and failure.dead_lettered_at is None:
        if failure.attempts >= max_attempts():
            failure.dead_lettered_at = now
            failure.next_attempt_at = None
            _tell_admins(failure)
        else:
            failure.next_attempt_at = now + retry_delay(failure.attempts)
    failure.save()
    return failure


def _tell_admins(failure: EventHandlerFailure) -> None:
    members = Membership.objects.select_related("user").filter(is_active=True, role__in=STAFF_ROLES)
    admins = [member.user for member in members if policy.can(member, "events.manage_failures")]
    event = failure.event
    notify(
        users=admins,
        kind="event.dead_lettered",
        # Lazy: each admin reads it in their own language (notify() renders it per reader).
        title=lazy_format(gettext_lazy("An event handler gave up on %(type)s"), type=event.type),
        body=lazy_format(
            gettext_lazy(
                "%(subscriber)s failed %(attempts)s times on the event %(type)s (%(subject)s) and is no longer retried "
                "automatically. Last error: %(error)s"
            ),
            subscriber=failure.subscriber,
            attempts=failure.attempts,
            type=event.type,
            subject=f"{event.subject_type} {event.subject_id}",
            error=Truncator(failure.last_error).chars(300),
        ),
        url=reverse("event_failures", args=[current_tenant().slug]),
    )


def relay_event(event: Event, *, earlier: dict[str, EventHandlerFailure] | None = None) -> None:
    """Run every subscriber of the (claimed) event once. A subscriber that failed on it before (the event is
    relayed again after a crash) is resolved by a success here, or counts another attempt. `earlier`: the event's
    failures by subscriber, when the caller read them already."""
    if earlier is None:
        earlier = {failure.subscriber: failure for failure in EventHandlerFailure.objects.filter(event=event)}
    for subscriber in subscribers_for(event.type):
        error = run_subscriber(subscriber, event)
        failure = earlier.get(subscriber.name)
        if error is not None:
            record_failure(event=event, subscriber_name=subscriber.name, error=error, failure=failure)
        elif failure is not None and failure.is_open():
            failure.resolved_at = timezone.now()
            failure.next_attempt_at = None
            failure.save(update_fields=["resolved_at", "next_attempt_at", "updated_at"])


def relay_pending_events(*, tenant=None, limit: int = RELAY_BATCH) -> int:
    """Relay up to `limit` of the tenant's pending events, oldest first, CLAIM_BATCH at a time, each batch in its
    own transaction (a savepoint when the caller holds one open); returns how many were relayed.

    Events are claimed with FOR UPDATE SKIP LOCKED: concurrent relays share the work and never relay one event
    at the same time, and a failing subscriber never holds an event back (its failure is recorded instead)."""
    tenant = tenant or current_tenant()
    relayed, last_id = 0, 0
    while relayed < limit:
        with tenant_context(tenant):
            events = list(
                Event.objects.select_for_update(skip_locked=True)
                .filter(relayed_at__isnull=True, pk__gt=last_id)
                .order_by("id")[: min(CLAIM_BATCH, limit - relayed)]
            )
            if not events:
                break
            earlier: dict[int, dict[str, EventHandlerFailure]] = {event.pk: {} for event in events}
            for failure in EventHandlerFailure.objects.filter(event__in=events):
                earlier[failure.event_id][failure.subscriber] = failure
            for event in events:
                relay_event(event, earlier=earlier[event.pk])
            Event.objects.filter(pk__in=earlier).update(relayed_at=timezone.now())
        last_id = events[-1].pk
        relayed += len(events)
    return relayed


def retry_due_failures(*, tenant=None, limit: int = RETRY_BATCH) -> int:
    """Run again, each in its own transaction, the failed subscribers whose next attempt is due; returns how many."""
    tenant = tenant or current_tenant()
    retried, seen = 0, []
    while retried < limit:
        with tenant_context(tenant):
            failure = (
                EventHandlerFailure.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("event")
                .filter(RETRYING, next_attempt_at__lte=timezone.now())
                .exclude(pk__in=seen)
                .order_by("next_attempt_at", "id")
                .first()
            )
            if failure is None:
                break
            attempt(failure)
        seen.append(failure.pk)
        retried += 1
    return retried


def relay_tenant(*, tenant) -> int:
    """The relay task's work: every pending event of the tenant, then the failed subscribers that are due."""
    total = 0
    while relayed := relay_pending_events(tenant=tenant):
        total += relayed
    retry_due_failures(tenant=tenant)
    # A retried subscriber may have recorded events of its own.
    while relayed := relay_pending_events(tenant=tenant):
        total += relayed
    return total
