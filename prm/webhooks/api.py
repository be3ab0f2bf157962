"""/api/v1/webhooks/ and /api/v1/webhook-deliveries/: endpoints, secret rotation, the delivery log, redelivery.

Tenant keys with `webhooks:read` / `webhooks:write` (and tenant admins' sessions). Partner-bound keys see none.
The signing secret is returned only when an endpoint is created and by `rotate-secret`.
"""

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from prm.api import serializers
from prm.api.viewsets import (
    IDEMPOTENCY_PARAMETER,
    TenantModelViewSet,
    TenantReadOnlyViewSet,
    UpdatedSinceFilterSet,
    etag_for,
)
from prm.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from prm.models.webhooks import DeliveryStatus
from prm.webhooks import selectors, services
from prm.webhooks.delivery import message_id

TAGS = ["webhooks"]

# Endpoints ------------------------------------------------------------------------------------------------------


class WebhookEndpointSerializer(serializers.ModelSerializer):
    url = serializers.CharField(
        max_length=500, help_text="An http(s) URL on the public internet; private addresses are refused."
    )
    event_types = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        max_length=50,
        help_text="Event types to receive, such as `partner.created`; empty: every event.",
    )
    is_active = serializers.BooleanField(
        required=False, help_text="false stops deliveries; true resumes them (and clears the failure count)."
    )

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "event_types",
            "is_active",
            "deliver_in_order",
            "disabled_reason",
            "consecutive_failures",
            "previous_secret_expires_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "disabled_reason",
            "consecutive_failures",
            "previous_secret_expires_at",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "disabled_reason": {"help_text": "Why deliveries stopped (410 Gone, sustained failures, deactivated)."},
            "consecutive_failures": {"help_text": "Deliveries in a row that failed after 24 hours of retries."},
            "previous_secret_expires_at": {"help_text": "Until then, deliveries are signed with the old secret too."},
        }


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(read_only=True, help_text="The signing secret (`whsec_…`). Shown only now.")

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class WebhookSecretSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookEndpoint
        fields = ["id", "secret", "previous_secret_expires_at"]
        read_only_fields = fields
        extra_kwargs = {"secret": {"help_text": "The new signing secret (`whsec_…`)."}}


class WebhookEndpointFilterSet(UpdatedSinceFilterSet):
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = WebhookEndpoint
        fields = ["is_active", "updated_since"]


@extend_schema_view(
    list=extend_schema(summary="Webhook endpoints of the program", tags=TAGS),
    retrieve=extend_schema(summary="One webhook endpoint, with its ETag", tags=TAGS),
    update=extend_schema(summary="Replace an endpoint's settings", tags=TAGS),
    partial_update=extend_schema(summary="Change some of an endpoint's settings", tags=TAGS),
    destroy=extend_schema(summary="Delete an endpoint and its delivery log", tags=TAGS),
)
class WebhookViewSet(TenantModelViewSet):
    scope = "webhooks"
    read_permission = "webhooks.view"
    write_permission = "webhooks.manage"
    partner_field = None
    serializer_class = WebhookEndpointSerializer
    filterset_class = WebhookEndpointFilterSet
    ordering_fields = ["id", "created_at", "updated_at"]

    def get_base_queryset(self):
        return WebhookEndpoint.objects.all()

    @extend_schema(
        summary="Subscribe a URL to the program's events",
        tags=TAGS,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: WebhookEndpointCreatedSerializer},
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_create(actor=self.actor, **serializer.validated_data)
        return Response(
            WebhookEndpointCreatedSerializer(endpoint).data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": etag_for(endpoint)},
        )

    def perform_update(self, serializer):
        return services.webhook_endpoint_update(
            actor=self.actor, endpoint=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.webhook_endpoint_delete(actor=self.actor, endpoint=instance)

    @extend_schema(
        summary="Rotate the signing secret",
        description="Returns the new secret. The previous one keeps signing for 24 hours: deliveries carry both "
        "signatures meanwhile, so the receiver can switch at any moment.",
        tags=TAGS,
        request=None,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: WebhookSecretSerializer},
    )
    @action(detail=True, methods=["post"], takes_body=False, url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        endpoint = services.webhook_secret_rotate(actor=self.actor, endpoint=self.get_object())
        return Response(WebhookSecretSerializer(endpoint).data, headers={"ETag": etag_for(endpoint)})


# Deliveries -----------------------------------------------------------------------------------------------------


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["id", "attempted_at", "status_code", "duration_ms", "error", "manual"]
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer):
    event_type = serializers.CharField(source="event.type", read_only=True)
    webhook_id = serializers.SerializerMethodField(help_text="The `webhook-id` header of every attempt.")
    # A plain string in the schema: another `status` enum (partners) would collide with this one's name until
    # SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] names them.
    status = serializers.CharField(read_only=True, help_text="`pending` (retries to come), `succeeded` or `failed`.")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "endpoint",
            "event",
            "event_type",
            "webhook_id",
            "status",
            "attempt_count",
            "next_attempt_at",
            "last_status_code",
            "last_duration_ms",
            "last_error",
            "created_at",
            "delivered_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_webhook_id(self, delivery) -> str:
        return message_id(delivery)


class WebhookDeliveryDetailSerializer(WebhookDeliverySerializer):
    attempts = WebhookAttemptSerializer(many=True, read_only=True, help_text="The log, newest first.")

    class Meta(WebhookDeliverySerializer.Meta):
        fields = [*WebhookDeliverySerializer.Meta.fields, "attempts"]
        read_only_fields = fields


class WebhookDeliveryFilterSet(UpdatedSinceFilterSet):
    endpoint = django_filters.NumberFilter()
    status = django_filters.ChoiceFilter(choices=DeliveryStatus.choices)
    event_type = django_filters.CharFilter(field_name="event__type")

    class Meta:
        model = WebhookDelivery
        fields = ["endpoint", "status", "event_type", "updated_since"]


@extend_schema_view(
    list=extend_schema(summary="Webhook deliveries, newest first", tags=TAGS),
    retrieve=extend_schema(summary="One delivery with its attempts", tags=TAGS),
)
class WebhookDeliveryViewSet(TenantReadOnlyViewSet):
    scope = "webhooks"
    read_permission = "webhooks.view"
    write_permission = "webhooks.manage"
    partner_field = None
    serializer_class = WebhookDeliverySerializer
    filterset_class = WebhookDeliveryFilterSet
    ordering_fields = ["id", "created_at", "updated_at"]

    def get_base_queryset(self):
        queryset = selectors.delivery_list()
        if self.action == "retrieve":
            attempts = Prefetch("attempts", queryset=WebhookAttempt.objects.order_by("-id"))
            queryset = queryset.prefetch_related(attempts)
        return queryset

    def get_serializer_class(self):
        return WebhookDeliveryDetailSerializer if self.action == "retrieve" else WebhookDeliverySerializer

    @extend_schema(
        summary="Send a delivery again now",
        description="One more attempt, whatever the delivery's state, with the same `webhook-id`; it shows in "
        "the log as manual. 409 if the endpoint is disabled.",
        tags=TAGS,
        request=None,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={202: WebhookDeliverySerializer},
    )
    @action(detail=True, methods=["post"], takes_body=False)
    def redeliver(self, request, pk=None):
        delivery = services.webhook_redeliver(actor=self.actor, delivery=self.get_object())
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
