"""Read queries of failed event subscribers, scoped to the current tenant."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from prm.models import EventHandlerFailure
from prm.models.events import FailureStatus

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
