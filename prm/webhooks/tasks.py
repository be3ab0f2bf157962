"""Celery tasks of prm.webhooks (found by the Celery app's autodiscovery).

`deliver_endpoint_webhooks` sends an endpoint's new deliveries in batches (enqueued by the relay's subscriber).
`deliver_webhook` makes one attempt and, when it fails, enqueues the next with a countdown. A countdown message
can be lost (a broker restart, a purged queue): the `deliver_due_webhooks` beat sweep enqueues every delivery
that is overdue, so no delivery waits forever. Both paths may send the same delivery twice to Celery; the row
claim in prm.webhooks.delivery.attempt makes only one of them POST.
"""

from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from prm.models import WebhookDelivery
from prm.models.webhooks import DeliveryStatus
from prm.tasks import TenantTask
from prm.tenancy import all_tenants
from prm.webhooks import delivery as webhook_delivery

# The sweep leaves a delivery this long past its due time to its own (countdown) message first.
SWEEP_GRACE = timedelta(minutes=2)
SWEEP_BATCH = 1000


def _retry_later(tenant_id: int, delivery_id: int, retry_at) -> None:
    countdown = max(0.0, (retry_at - timezone.now()).total_seconds())
    transaction.on_commit(
        lambda: deliver_webhook.apply_async(
            kwargs={"tenant_id": tenant_id, "delivery_id": delivery_id}, countdown=countdown
        )
    )


@shared_task(base=TenantTask)
def deliver_webhook(*, tenant_id: int, delivery_id: int, manual: bool = False) -> str:
    result = webhook_delivery.attempt(delivery_id=delivery_id, manual=manual)
    if result.skipped:
        return f"skipped: {result.skipped}"
    if result.retry_at is not None:
        _retry_later(tenant_id, delivery_id, result.retry_at)
    elif result.delivery.endpoint.deliver_in_order and not manual:
        # The head of an in-order endpoint's line is through: the deliveries waiting behind it follow.
        endpoint_id = result.delivery.endpoint_id
        transaction.on_commit(lambda: deliver_endpoint_webhooks.delay(tenant_id=tenant_id, endpoint_id=endpoint_id))
    return result.delivery.status


@shared_task(base=TenantTask)
def deliver_endpoint_webhooks(*, tenant_id: int, endpoint_id: int) -> int:
    """Send an endpoint's due deliveries, a batch at a time (prm.webhooks.delivery.deliver_due); a long backlog
    continues in a task of its own, so no task outlives its time limit. Returns how many were sent."""
    result = webhook_delivery.deliver_due(endpoint_id=endpoint_id)
    for delivery_id, retry_at in result.retries:
        _retry_later(tenant_id, delivery_id, retry_at)
    if result.more:
        transaction.on_commit(lambda: deliver_endpoint_webhooks.delay(tenant_id=tenant_id, endpoint_id=endpoint_id))
    return result.sent


@shared_task
def deliver_due_webhooks() -> int:
    """Beat: enqueue every pending delivery of an active endpoint that is overdue (all tenants)."""
    cutoff = timezone.now() - SWEEP_GRACE
    with all_tenants():
        due = list(
            WebhookDelivery.unscoped.filter(
                status=DeliveryStatus.PENDING, next_attempt_at__lte=cutoff, endpoint__is_active=True
            )
            .order_by("next_attempt_at")
            .values_list("tenant_id", "id")[:SWEEP_BATCH]
        )
    for tenant_id, delivery_id in due:
        deliver_webhook.delay(tenant_id=tenant_id, delivery_id=delivery_id)
    return len(due)
