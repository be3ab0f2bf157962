"""What a webhook costs in queries (issue 16 §5): relaying a block of events and sending an endpoint's batch cost
the same few queries whatever their size, and a block of events enqueues one sending per endpoint."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from prm.events import relay
from prm.models import Event, WebhookDelivery
from prm.tenancy import tenant_context
from prm.webhooks import delivery as webhook_delivery
from tests.webhooks.conftest import deliveries

pytestmark = pytest.mark.django_db


def outbox(tenant, endpoint, count):
    """`count` pending events about the endpoint (outbox rows only: nothing relays them yet)."""
    with tenant_context(tenant):
        return [
            Event.objects.create(
                type="webhook_endpoint.tested", subject_type="webhookendpoint", subject_id=str(endpoint.pk)
            )
            for _ in range(count)
        ]


def pending_deliveries(tenant, endpoint, count):
    events = outbox(tenant, endpoint, count)
    with tenant_context(tenant):
        WebhookDelivery.objects.bulk_create(
            [WebhookDelivery(endpoint=endpoint, event=event, next_attempt_at=timezone.now()) for event in events]
        )


def queries_to_send(tenant, endpoint):
    with tenant_context(tenant), CaptureQueriesContext(connection) as captured:
        result = webhook_delivery.deliver_due(endpoint_id=endpoint.pk)
    return result.sent, len(captured)


@pytest.mark.parametrize("count", [3, 20])
def test_sending_a_batch_costs_four_queries_whatever_its_size(tenant, endpoint, receiver, count):
    pending_deliveries(tenant, endpoint, count)

    # The endpoint, the claim, the attempts (one INSERT), the deliveries (one UPDATE).
    assert queries_to_send(tenant, endpoint) == (count, 4)

    assert receiver.wait_for(count)
    sent = deliveries(tenant)
    assert {(d.status, d.attempt_count, d.last_status_code, d.last_error) for d in sent} == {("succeeded", 1, 200, "")}
    assert all(d.delivered_at is not None and d.next_attempt_at is None for d in sent)
    with tenant_context(tenant):
        assert all(d.attempts.count() == 1 for d in sent)


def test_a_success_after_failures_resets_the_endpoints_count_with_one_more_query(tenant, endpoint, receiver):
    with tenant_context(tenant):
        type(endpoint).objects.filter(pk=endpoint.pk).update(consecutive_failures=3)
    pending_deliveries(tenant, endpoint, 2)

    assert queries_to_send(tenant, endpoint) == (2, 5)

    with tenant_context(tenant):
        endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0


def relay_counting(tenant, django_capture_on_commit_callbacks):
    with (
        mock.patch("prm.webhooks.tasks.deliver_endpoint_webhooks.delay") as enqueued,
        django_capture_on_commit_callbacks(execute=True),
        CaptureQueriesContext(connection) as captured,
    ):
        relayed = relay.relay_pending_events(tenant=tenant)
    return relayed, len(captured), enqueued


def test_a_block_of_events_is_relayed_with_six_queries_per_event_and_enqueues_one_sending(
    tenant, endpoint, django_capture_on_commit_callbacks
):
    outbox(tenant, endpoint, 5)
    relayed, few, enqueued = relay_counting(tenant, django_capture_on_commit_callbacks)
    assert relayed == 5
    enqueued.assert_called_once_with(tenant_id=tenant.pk, endpoint_id=endpoint.pk)

    outbox(tenant, endpoint, 15)
    relayed, more, enqueued = relay_counting(tenant, django_capture_on_commit_callbacks)
    assert relayed == 15 <= relay.CLAIM_BATCH
    enqueued.assert_called_once_with(tenant_id=tenant.pk, endpoint_id=endpoint.pk)

    # The batch's own queries (tenant setting, claim, earlier failures, marking them relayed) are paid once; per
    # event, the webhook subscriber's two (endpoints, delivery) and a savepoint per subscriber (two statements).
    subscribers = len(relay.subscribers_for("webhook_endpoint.tested"))
    assert more - few == 10 * (2 + 2 * subscribers)
    with tenant_context(tenant):
        assert WebhookDelivery.objects.count() == 20


def test_a_sending_enqueued_in_a_rolled_back_savepoint_does_not_stop_the_next_events_own(
    tenant, endpoint, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from prm.webhooks.subscribers import create_webhook_deliveries

    first, second = outbox(tenant, endpoint, 2)
    with (
        mock.patch("prm.webhooks.tasks.deliver_endpoint_webhooks.delay") as enqueued,
        django_capture_on_commit_callbacks(execute=True),
        tenant_context(tenant),
    ):
        try:
            with transaction.atomic():
                create_webhook_deliveries(first)
                raise RuntimeError("the first event's subscriber fails after creating its delivery")
        except RuntimeError:
            pass
        with transaction.atomic():
            create_webhook_deliveries(second)

    enqueued.assert_called_once_with(tenant_id=tenant.pk, endpoint_id=endpoint.pk)
    assert [d.event_id for d in deliveries(tenant)] == [second.pk]
