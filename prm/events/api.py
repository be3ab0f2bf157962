"""/api/v1/events/failed/: event subscribers that failed, and the two steps a person takes on them.

Tenant keys with `events:read` list them, `events:write` retries or dismisses (and tenant admins' sessions).
Partner-bound keys see none. A step the failure's state does not allow (dismissing twice, retrying a dismissed
one) is a 409 problem.
"""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from prm.api import serializers
from prm.api.viewsets import IDEMPOTENCY_PARAMETER, TenantReadOnlyViewSet, UpdatedSinceFilterSet
from prm.events import selectors, services
from prm.models import EventHandlerFailure
from prm.models.events import FailureStatus

TAGS = ["events"]


class EventHandlerFailureSerializer(serializers.ModelSerializer):
    event_type = serializers.CharField(source="event.type", read_only=True)
    subject_type = serializers.CharField(source="event.subject_type", read_only=True)
    subject_id = serializers.CharField(source="event.subject_id", read_only=True)
    status = serializers.ChoiceField(
        choices=FailureStatus.choices,
        read_only=True,
        help_text="`retrying` (attempts to come), `dead_lettered` (waits for a person), `dismissed` or `resolved`.",
    )
    dismissed_by = serializers.SerializerMethodField(help_text="`user:<id>` of who dismissed it, if anyone did.")

    class Meta:
        model = EventHandlerFailure
        fields = [
            "id",
            "event",
            "event_type",
            "subject_type",
            "subject_id",
            "subscriber",
            "status",
            "attempts",
            "last_error",
            "first_failed_at",
            "last_failed_at",
            "next_attempt_at",
            "dead_lettered_at",
            "dismissed_at",
            "dismissed_by",
            "resolved_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "subscriber": {"help_text": "The handler's name in the code (module and function)."},
            "last_error": {"help_text": "The exception's class and message, shortened."},
            "next_attempt_at": {"help_text": "When it is retried automatically; empty once it no longer is."},
        }

    def get_dismissed_by(self, failure) -> str | None:
        return f"user:{failure.dismissed_by_id}" if failure.dismissed_by_id else None


class EventHandlerFailureFilterSet(UpdatedSinceFilterSet):
    status = django_filters.ChoiceFilter(choices=FailureStatus.choices, method="filter_status")
    event_type = django_filters.CharFilter(field_name="event__type", help_text="An event type, e.g. `deal.approved`.")
    subscriber = django_filters.CharFilter(help_text="A handler's name.")

    class Meta:
        model = EventHandlerFailure
        fields = ["status", "event_type", "subscriber", "updated_since"]

    def filter_status(self, queryset, name, value):
        return queryset.filter(selectors.STATUS_FILTERS[value])


@extend_schema_view(
    list=extend_schema(summary="Event handlers that failed, latest failure first", tags=TAGS),
    retrieve=extend_schema(summary="One failed event handler", tags=TAGS),
)
class EventHandlerFailureViewSet(TenantReadOnlyViewSet):
    scope = "events"
    read_permission = "events.view_failures"
    write_permission = "events.manage_failures"
    partner_field = None
    serializer_class = EventHandlerFailureSerializer
    filterset_class = EventHandlerFailureFilterSet
    ordering_fields = ["id", "last_failed_at", "updated_at"]

    def get_base_queryset(self):
        return selectors.failure_list()

    @extend_schema(
        summary="Run the failed handler again now",
        description="The handler runs on its event at once: success resolves the failure, another error counts one "
        "more attempt (see `status` and `last_error` in the answer). 409 if the failure was dismissed or is "
        "resolved.",
        tags=TAGS,
        request=None,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: EventHandlerFailureSerializer},
    )
    @action(detail=True, methods=["post"], takes_body=False)
    def retry(self, request, pk=None):
        failure = services.event_failure_retry(actor=self.actor, failure=self.get_object())
        return Response(self.get_serializer(failure).data)

    @extend_schema(
        summary="Dismiss a failed handler",
        description="It is kept, with who dismissed it and when, and never retried again. 409 if it was dismissed "
        "already or is resolved.",
        tags=TAGS,
        request=None,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: EventHandlerFailureSerializer},
    )
    @action(detail=True, methods=["post"], takes_body=False)
    def dismiss(self, request, pk=None):
        failure = services.event_failure_dismiss(actor=self.actor, failure=self.get_object())
        return Response(self.get_serializer(failure).data)
