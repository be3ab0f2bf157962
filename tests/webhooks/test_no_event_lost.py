"""No event is lost when a worker dies between the commit and the delivery: the beat sweeps find the work, and
running them again sends nothing twice."""

import pytest
from standardwebhooks import Webhook

from prm.tasks import sweep_outbox
from prm.webhooks.tasks import deliver_due_webhooks
from tests.webhooks.conftest import deliveries, the_delivery

pytestmark = pytest.mark.django_db


def test_event_whose_relay_was_lost_is_delivered_by_the_outbox_sweep_exactly_once(
    tenant, endpoint, receiver, record_partner, clock, run
):
    lost = record_partner("Contoso Defence", execute=False)  # committed; the relay message never runs
    assert len(lost) == 1
    assert receiver.requests == [] and deliveries(tenant) == []

    assert run(sweep_outbox) == 0  # too recent: its own relay normally comes within a second
    clock.advance(minutes=1)
    assert run(sweep_outbox) == 1

    assert receiver.wait_for(1)
    Webhook(endpoint.secret).verify(receiver.requests[0]["body"], receiver.requests[0]["headers"])
    assert the_delivery(tenant).status == "succeeded"

    clock.advance(minutes=10)
    assert run(sweep_outbox) == 0
    assert run(deliver_due_webhooks) == 0
    assert len(receiver.requests) == 1


def test_delivery_whose_task_was_lost_is_sent_by_the_delivery_sweep_exactly_once(
    tenant, endpoint, receiver, record_partner, clock, run, django_capture_on_commit_callbacks
):
    [relay] = record_partner("Contoso Defence", execute=False)
    # The relay runs and commits the delivery row, but the worker dies before the delivery task is sent.
    with django_capture_on_commit_callbacks(execute=False) as lost:
        relay()
    assert len(lost) == 1
    delivery = the_delivery(tenant)
    assert (delivery.status, delivery.attempt_count) == ("pending", 0)
    assert receiver.requests == []

    clock.advance(minutes=3)
    assert run(sweep_outbox) == 0  # the event was relayed
    assert run(deliver_due_webhooks) == 1
    assert receiver.wait_for(1)
    assert the_delivery(tenant).status == "succeeded"

    clock.advance(minutes=10)
    assert run(sweep_outbox) == 0
    assert run(deliver_due_webhooks) == 0
    assert len(receiver.requests) == 1


def test_a_relay_repeated_after_a_crash_creates_no_second_delivery(
    tenant, endpoint, receiver, record_partner, clock, run
):
    from prm.events import relay_pending_events
    from prm.models import Event
    from prm.tenancy import tenant_context

    record_partner("Contoso Defence")
    # As if the relay's mark were lost: the event is pending again and relayed a second time.
    with tenant_context(tenant):
        Event.objects.update(relayed_at=None)
        run(relay_pending_events)
    assert len(deliveries(tenant)) == 1
    assert len(receiver.requests) == 1
