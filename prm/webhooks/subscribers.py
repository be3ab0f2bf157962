"""Event subscribers of prm.webhooks (imported at start-up by prm.apps)."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from prm.events import subscribe
from prm.models import Event, WebhookDelivery, WebhookEndpoint
from prm.models.webhooks import DeliveryStatus
from prm.tenancy import current_tenant


@subscribe("*")
def create_webhook_deliveries(event: Event) -> None:
    """One delivery per active endpoint that wants the event, sent after the relay commits.

    Idempotent: a delivery is unique per (endpoint, event), so a relay repeated after a crash adds none; the
    deliveries not attempted yet are enqueued again, which is harmless (an attempt claims its row)."""
    endpoint_ids = list(
        WebhookEndpoint.objects.filter(is_active=True)
        .filter(Q(event_types=[]) | Q(event_types__contains=[event.type]))
        .values_list("pk", flat=True)
    )
    if not endpoint_ids:
        return
    now = timezone.now()
    WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(endpoint_id=pk, event=event, next_attempt_at=now) for pk in endpoint_ids],
        ignore_conflicts=True,
    )
    delivery_ids = list(
        WebhookDelivery.objects.filter(
            event=event, endpoint_id__in=endpoint_ids, status=DeliveryStatus.PENDING, attempt_count=0
        ).values_list("pk", flat=True)
    )
    tenant_id = current_tenant().pk
    from prm.webhooks.tasks import deliver_webhook

    def enqueue():
        for delivery_id in delivery_ids:
            deliver_webhook.delay(tenant_id=tenant_id, delivery_id=delivery_id)

    transaction.on_commit(enqueue)
