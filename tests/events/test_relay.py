"""A subscriber that fails stops only itself: other subscribers of the event and the tenant's next events go on,
the failure is retried with backoff (only that subscriber), and after too many attempts it is dead-lettered and the
tenant's admins are told."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from prm.api.keys import api_key_create
from prm.models import Event, Notification
from prm.notifications import notify
from prm.roles import Role
from prm.tasks import relay_events, sweep_outbox
from prm.tenancy import all_tenants, tenant_context
from tests.events.conftest import failures
from tests.prm.helpers import make_member
from tests.webhooks.conftest import deliveries

pytestmark = pytest.mark.django_db


def notifications(tenant, **filters):
    with tenant_context(tenant):
        return list(Notification.objects.filter(**filters).order_by("id"))


def test_a_poison_event_does_not_block_the_next_event_of_its_tenant(
    tenant, tenant_admin, endpoint, receiver, controlled, record_partner, run, mailoutbox
):
    controlled.poison = {"Poison Ltd"}
    # Both events wait in the outbox (their relays were lost); the poison one is older, so it is relayed first.
    record_partner("Poison Ltd", execute=False)
    with tenant_context(tenant):
        api_key_create(actor=tenant_admin, name="CRM", scopes=["partners:read"])

    assert run(relay_events.delay, tenant_id=tenant.pk).get() == 2

    with tenant_context(tenant):
        assert not Event.objects.filter(relayed_at__isnull=True).exists()
    # The next event's webhook and notification arrived (email included)…
    assert receiver.wait_for(2)
    assert sorted(d.event.type for d in deliveries(tenant)) == ["api_key.created", "partner.created"]
    assert all(d.status == "succeeded" for d in deliveries(tenant))
    [notice] = notifications(tenant, kind="api_key.created")
    assert notice.user_id == tenant_admin.user_id
    assert any("API key" in message.subject for message in mailoutbox)
    # …and the poison event's one failure is on record, to be retried.
    [failure] = failures(tenant)
    assert (failure.event.type, failure.subscriber, failure.attempts) == ("partner.created", controlled.name, 1)
    assert failure.last_error.startswith("DataError: division by zero")
    assert failure.status == "retrying" and failure.next_attempt_at > timezone.now()


def test_a_failing_subscriber_does_not_stop_the_other_subscribers_of_the_same_event(
    tenant, endpoint, receiver, controlled, record_partner
):
    seen = []
    controlled.failures_left = 1
    # The controlled subscriber runs before the webhooks' ("*"), and it aborts its SQL transaction.
    from prm.events import subscribe, unsubscribe

    def also_listening(event):
        seen.append(event.type)

    subscribe("partner.created")(also_listening)
    try:
        record_partner("Contoso Defence")
    finally:
        unsubscribe(also_listening)

    assert len(controlled.calls) == 1
    assert seen == ["partner.created"]
    assert receiver.wait_for(1)
    assert [d.status for d in deliveries(tenant)] == ["succeeded"]
    [failure] = failures(tenant)
    assert failure.attempts == 1


def test_a_subscriber_that_fails_twice_then_succeeds_runs_its_effect_once(
    tenant, tenant_admin, controlled, record_partner, run
):
    def effect(event):
        notify(users=[tenant_admin.user], kind="webhook.delivery_failed", title=f"Effect of {event.pk}")

    controlled.effect = effect
    controlled.failures_left = 2
    with time_machine.travel(timezone.now(), tick=False) as clock:
        record_partner("Contoso Defence")
        [failure] = failures(tenant)
        assert failure.next_attempt_at == timezone.now() + timedelta(minutes=1)

        clock.shift(timedelta(seconds=45))
        run(sweep_outbox)
        assert len(controlled.calls) == 1  # not due yet

        clock.shift(timedelta(seconds=30))
        run(sweep_outbox)
        assert len(controlled.calls) == 2  # failed again: the next attempt 4 minutes later
        [failure] = failures(tenant)
        assert (failure.attempts, failure.next_attempt_at) == (2, timezone.now() + timedelta(minutes=4))

        clock.shift(timedelta(minutes=4))
        run(sweep_outbox)
        assert len(controlled.calls) == 3

        clock.shift(timedelta(hours=1))
        run(sweep_outbox)
    assert len(controlled.calls) == 3
    [failure] = failures(tenant)
    assert failure.status == "resolved" and failure.attempts == 2
    assert [n.title for n in notifications(tenant, kind="webhook.delivery_failed")] == [f"Effect of {failure.event_id}"]


def test_after_the_last_attempt_the_failure_is_dead_lettered_and_admins_are_notified(
    tenant, tenant_admin, controlled, partner_admin, record_partner, run, settings, mailoutbox
):
    settings.PRM_EVENT_HANDLER_MAX_ATTEMPTS = 3
    manager = make_member(tenant, Role.CHANNEL_MANAGER)
    controlled.failures_left = 99
    with time_machine.travel(timezone.now(), tick=False) as clock:
        record_partner("Contoso Defence")
        for _ in range(5):
            clock.shift(timedelta(hours=2))
            run(sweep_outbox)

    assert len(controlled.calls) == 3  # never again after the third
    [failure] = failures(tenant)
    assert failure.status == "dead_lettered" and failure.next_attempt_at is None and failure.attempts == 3
    [notice] = notifications(tenant, kind="event.dead_lettered")
    assert notice.user_id == tenant_admin.user_id  # not the channel manager, not the partner
    assert notice.title == "An event handler gave up on partner.created"
    assert controlled.name in notice.body and "division by zero" in notice.body
    assert notice.url == "/t/acme/settings/events/failed/"
    assert [m.to for m in mailoutbox if "gave up" in m.subject] == [[tenant_admin.user.email]]
    assert not notifications(tenant, user=manager.user) and not notifications(tenant, user=partner_admin.user)


def test_the_sweep_retries_only_due_failures_of_each_tenant(tenant, other_tenant, controlled, make_failure, run):
    due = make_failure()
    make_failure(tenant_=other_tenant, name="Globex Partner")
    with all_tenants(), time_machine.travel(timezone.now() + timedelta(seconds=30), tick=False):
        assert run(sweep_outbox) == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        controlled.failures_left = 0
        assert run(sweep_outbox) == 2
    assert sorted(controlled.calls) == sorted([due.event_id, failures(other_tenant)[0].event_id])
    assert [f.status for f in failures(tenant)] == ["resolved"]


def test_a_transaction_that_records_several_events_enqueues_one_relay(tenant, django_capture_on_commit_callbacks):
    from unittest import mock

    from prm.events import record_event, record_events

    with mock.patch.object(relay_events, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=True), tenant_context(tenant):
            for n in range(3):
                record_event("bench.ping", subject=tenant, payload={"n": n})
            record_events([("bench.ping", tenant, {"n": 3}), ("bench.ping", tenant, {"n": 4})])
    delay.assert_called_once_with(tenant_id=tenant.pk)
    with tenant_context(tenant):
        assert Event.objects.filter(type="bench.ping", relayed_at__isnull=True).count() == 5
