"""Read queries of prm.webhooks, scoped to the current tenant."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from prm.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from prm.models.webhooks import DeliveryStatus


def endpoint_list() -> QuerySet[WebhookEndpoint]:
    """Endpoints, newest first, each with its number of deliveries waiting to be (re)tried."""
    pending = (
        WebhookDelivery.objects.filter(endpoint=OuterRef("pk"), status=DeliveryStatus.PENDING)
        .order_by()
        .values("endpoint")
        .annotate(n=Count("id"))
        .values("n")
    )
    return WebhookEndpoint.objects.annotate(
        pending_count=Coalesce(Subquery(pending, output_field=IntegerField()), 0)
    ).order_by("-created_at", "-id")


def endpoint_get(*, endpoint_id) -> WebhookEndpoint | None:
    return WebhookEndpoint.objects.filter(pk=endpoint_id).first()


def delivery_list(*, endpoint_id: int | None = None) -> QuerySet[WebhookDelivery]:
    """Deliveries, newest first, with their endpoint and event (one query for any number)."""
    # Newest first by id (the order of creation), which the primary key's index serves.
    queryset = WebhookDelivery.objects.select_related("endpoint", "event").order_by("-id")
    if endpoint_id is not None:
        queryset = queryset.filter(endpoint_id=endpoint_id)
    return queryset


def delivery_get(*, delivery_id) -> WebhookDelivery | None:
    return delivery_list().filter(pk=delivery_id).first()


def attempt_list(*, delivery_id: int) -> QuerySet[WebhookAttempt]:
    return WebhookAttempt.objects.filter(delivery_id=delivery_id).order_by("-id")
