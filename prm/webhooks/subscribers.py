"""Event subscribers of prm.webhooks (imported at start-up by prm.apps)."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from prm.events import subscribe
from prm.models import Event, WebhookDelivery, WebhookEndpoint
from prm.tenancy import current_tenant


class _DeliverAfterCommit:
    """The on-commit callback that enqueues the sending of endpoints' new deliveries. The callbacks registered in
    one transaction share the set of endpoints already enqueued: a relay that commits a batch of events enqueues
    each endpoint's sending once, not once per event (a message to the broker costs about as much as the rest of
    relaying an event). Each callback still runs on its own terms: one of a savepoint rolled back is gone, and the
    others enqueue their endpoints themselves."""

    def __init__(self, tenant_id: int, endpoint_ids: list[int], enqueued: set[int]):
        self.tenant_id = tenant_id
        self.endpoint_ids = endpoint_ids
        self.enqueued = enqueued
        self.done = False

    def __call__(self) -> None:
        from prm.webhooks.tasks import deliver_endpoint_webhooks

        self.done = True
        for endpoint_id in self.endpoint_ids:
            if endpoint_id not in self.enqueued:
                self.enqueued.add(endpoint_id)
                deliver_endpoint_webhooks.delay(tenant_id=self.tenant_id, endpoint_id=endpoint_id)


def _deliver_after_commit(tenant_id: int, endpoint_ids: list[int]) -> None:
    connection = transaction.get_connection()
    pending = next(
        (
            callback
            for _savepoints, callback, _robust in connection.run_on_commit
            if isinstance(callback, _DeliverAfterCommit) and callback.tenant_id == tenant_id and not callback.done
        ),
        None,
    )
    transaction.on_commit(_DeliverAfterCommit(tenant_id, endpoint_ids, pending.enqueued if pending else set()))


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
    _deliver_after_commit(current_tenant().pk, endpoint_ids)
