"""Event subscribers of prm.webhooks (imported at start-up by prm.apps)."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from prm.events import subscribe
from prm.models import Event, WebhookDelivery, WebhookEndpoint
from prm.tenancy import current_tenant


@subscribe("*")
def create_webhook_deliveries(event: Event) -> None:
    """One delivery per active endpoint that wants the event, sent after the relay commits (by endpoint, in batches).

    Idempotent: a delivery is unique per (endpoint, event), so a relay repeated after a crash adds none; sending is
    enqueued again, which is harmless (a batch claims its rows, and sends only what is still due)."""
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
    tenant_id = current_tenant().pk
    from prm.webhooks.tasks import deliver_endpoint_webhooks

    def enqueue():
        for endpoint_id in endpoint_ids:
            deliver_endpoint_webhooks.delay(tenant_id=tenant_id, endpoint_id=endpoint_id)

    transaction.on_commit(enqueue)
