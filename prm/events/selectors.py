"""Read queries of the outbox (what happened, for a partner) and of failed event subscribers, scoped to the current
tenant."""

from __future__ import annotations

from collections.abc import Hashable, Mapping

from django.db.models import IntegerField, Q, QuerySet, Value

from prm.models import Event, EventHandlerFailure
from prm.models.events import FailureStatus, event_partner_key

STATUS_FILTERS = {
    FailureStatus.RETRYING: Q(resolved_at__isnull=True, dismissed_at__isnull=True, dead_lettered_at__isnull=True),
    FailureStatus.DEAD_LETTERED: Q(resolved_at__isnull=True, dismissed_at__isnull=True, dead_lettered_at__isnull=False),
    FailureStatus.DISMISSED: Q(resolved_at__isnull=True, dismissed_at__isnull=False),
    FailureStatus.RESOLVED: Q(resolved_at__isnull=False),
}
# What wants attention: retried automatically, or set aside for a person.
OPEN = Q(resolved_at__isnull=True, dismissed_at__isnull=True)


def failure_list(*, status: str | None = None, open_only: bool = False) -> QuerySet[EventHandlerFailure]:
    """Failures, latest failure first, with their event and who dismissed them (one query for any number)."""
    queryset = EventHandlerFailure.objects.select_related("event", "dismissed_by").order_by("-last_failed_at", "-id")
    if status:
        queryset = queryset.filter(STATUS_FILTERS[status])
    if open_only:
        queryset = queryset.filter(OPEN)
    return queryset


def failure_get(*, failure_id) -> EventHandlerFailure | None:
    return failure_list().filter(pk=failure_id).first()


def open_failure_count() -> int:
    return EventHandlerFailure.objects.filter(OPEN).count()


def partner_first_events(*, partner_id: int, wanted: Mapping[Hashable, Q]) -> dict[Hashable, Event]:
    """For each wanted kind of event (a filter on the outbox naming its `type`, plus whatever else must hold), the
    first event of that kind that concerns the partner (its subject is the partner organization, or its payload names
    it: `event_partner_key`). Kinds that never happened are left out. One query whatever the partner's history: a
    `LIMIT 1` per kind along the `event_tenant_type_partner` index, joined in one UNION ALL."""
    if not wanted:
        return {}
    partner_events = Event.objects.alias(partner_key=event_partner_key()).filter(partner_key=str(partner_id))
    keys = list(wanted)
    firsts = [
        partner_events.filter(condition)
        .annotate(wanted_index=Value(index, output_field=IntegerField()))
        .order_by("occurred_at", "id")[:1]
        for index, condition in enumerate(wanted.values())
    ]
    query = firsts[0].union(*firsts[1:], all=True) if len(firsts) > 1 else firsts[0]
    return {keys[event.wanted_index]: event for event in query}
