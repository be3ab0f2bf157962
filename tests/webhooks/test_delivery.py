"""End to end with a real HTTP receiver on 127.0.0.1: event → signed POST, retries with backoff while the receiver
is down or failing, success when it comes back, failure after the last retry, and endpoints disabled by 410 or by
sustained failures. Time is moved by the test (`clock`), never slept."""

import json
import socket
from datetime import timedelta
from unittest import mock

import pytest
from standardwebhooks import Webhook

from prm.models import Notification, WebhookAttempt, WebhookEndpoint
from prm.tenancy import tenant_context
from prm.webhooks.delivery import RETRY_JITTER, RETRY_SCHEDULE, USER_AGENT
from prm.webhooks.services import webhook_secret_rotate
from prm.webhooks.tasks import deliver_due_webhooks, deliver_webhook
from tests.webhooks.conftest import deliveries, the_delivery

pytestmark = pytest.mark.django_db


def attempts_of(tenant, delivery):
    with tenant_context(tenant):
        return list(WebhookAttempt.objects.filter(delivery=delivery).order_by("id"))


def notifications(tenant, kind):
    with tenant_context(tenant):
        return list(Notification.objects.filter(kind=kind))


def reload(tenant, obj):
    with tenant_context(tenant):
        obj.refresh_from_db()
    return obj


def test_event_is_posted_once_signed_after_standard_webhooks(tenant, endpoint, receiver, record_partner):
    record_partner("Contoso Defence")

    assert receiver.wait_for(1)
    [request] = receiver.requests
    payload = Webhook(endpoint.secret).verify(request["body"], request["headers"])
    assert payload["type"] == "partner.created"
    assert payload["data"]["type"] == "partner.created"
    assert payload["data"]["payload"]["name"] == "Contoso Defence"
    assert payload["data"]["subject_type"] == "partnerorganization"
    assert payload["timestamp"].endswith("Z")
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert headers["content-type"] == "application/json"
    assert headers["user-agent"] == USER_AGENT
    assert request["path"] == "/hooks/prm"

    delivery = the_delivery(tenant)
    assert headers["webhook-id"] == f"msg_{delivery.pk}"
    assert (delivery.status, delivery.attempt_count, delivery.last_status_code) == ("succeeded", 1, 200)
    assert delivery.delivered_at is not None and delivery.next_attempt_at is None
    [attempt] = attempts_of(tenant, delivery)
    assert (attempt.status_code, attempt.manual, attempt.error) == (200, False, "")


def test_endpoint_receives_only_the_event_types_it_chose(tenant, tenant_admin, endpoint, receiver, record_partner):
    with tenant_context(tenant):
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(event_types=["partner.updated"])
    record_partner("Not wanted")
    assert receiver.requests == []
    assert deliveries(tenant) == []

    with tenant_context(tenant):
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(event_types=["partner.created", "partner.updated"])
    record_partner("Wanted")
    [request] = receiver.requests
    assert b'"name":"Wanted"' in request["body"]


def test_during_a_rotation_both_signatures_verify(tenant, tenant_admin, endpoint, receiver, record_partner):
    old_secret = endpoint.secret
    with tenant_context(tenant):
        rotated = webhook_secret_rotate(actor=tenant_admin, endpoint=endpoint)
    record_partner()

    [request] = receiver.requests
    assert len(request["headers"]["webhook-signature"].split(" ")) == 2
    Webhook(rotated.secret).verify(request["body"], request["headers"])
    Webhook(old_secret).verify(request["body"], request["headers"])


def test_receiver_down_then_failing_is_retried_with_backoff_until_it_comes_back(
    tenant, endpoint, receiver, record_partner, clock, run
):
    receiver.down()
    record_partner()
    delivery = the_delivery(tenant)
    [first] = attempts_of(tenant, delivery)
    assert first.status_code is None and first.error.startswith("Could not connect")
    assert delivery.status == "pending"

    # Each retry is due at its offset from the first attempt, give or take the jitter.
    receiver.up()
    receiver.status = 503
    for attempt_number, offset in enumerate(RETRY_SCHEDULE[:4], start=2):
        waited = delivery.next_attempt_at - delivery.created_at
        assert offset * (1 - RETRY_JITTER) <= waited <= offset * (1 + RETRY_JITTER), (attempt_number, waited)
        # Not due yet: a task that runs early (the countdown message, a sweep) does nothing.
        clock.move_to(delivery.next_attempt_at - timedelta(seconds=1))
        assert run(deliver_webhook, tenant_id=tenant.pk, delivery_id=delivery.pk).startswith("skipped")
        clock.move_to(delivery.next_attempt_at)
        run(deliver_webhook, tenant_id=tenant.pk, delivery_id=delivery.pk)
        delivery = reload(tenant, delivery)
        assert delivery.attempt_count == attempt_number
        assert delivery.status == "pending" and delivery.last_status_code == 503
    assert [a.status_code for a in attempts_of(tenant, delivery)] == [None, 503, 503, 503, 503]

    receiver.status = 200
    clock.move_to(delivery.next_attempt_at)
    run(deliver_webhook, tenant_id=tenant.pk, delivery_id=delivery.pk)
    delivery = reload(tenant, delivery)
    assert (delivery.status, delivery.attempt_count, delivery.last_status_code) == ("succeeded", 6, 200)
    assert len(receiver.requests) == 5  # the first attempt found the port closed
    assert len({r["headers"]["webhook-id"] for r in receiver.requests}) == 1
    Webhook(endpoint.secret).verify(receiver.requests[-1]["body"], receiver.requests[-1]["headers"])


def test_the_sweep_sends_a_retry_whose_countdown_message_was_lost(
    tenant, endpoint, receiver, record_partner, clock, run
):
    receiver.status = 500
    record_partner()
    delivery = the_delivery(tenant)
    receiver.status = 200

    clock.move_to(delivery.next_attempt_at + timedelta(seconds=30))
    assert run(deliver_due_webhooks) == 0  # its own countdown message comes first
    clock.advance(minutes=3)
    assert run(deliver_due_webhooks) == 1
    assert reload(tenant, delivery).status == "succeeded"
    assert run(deliver_due_webhooks) == 0
    assert len(receiver.requests) == 2


def test_after_the_last_retry_the_delivery_fails_and_tenant_admins_are_told(
    tenant, tenant_admin, endpoint, receiver, record_partner, clock, run
):
    receiver.status = 500
    record_partner()
    delivery = the_delivery(tenant)
    while delivery.status == "pending":
        clock.move_to(delivery.next_attempt_at)
        run(deliver_webhook, tenant_id=tenant.pk, delivery_id=delivery.pk)
        delivery = reload(tenant, delivery)

    assert delivery.status == "failed"
    assert delivery.attempt_count == len(RETRY_SCHEDULE) + 1
    assert clock.now - delivery.created_at <= RETRY_SCHEDULE[-1]
    assert len(receiver.requests) == len(RETRY_SCHEDULE) + 1
    [notice] = notifications(tenant, "webhook.delivery_failed")
    assert notice.user_id == tenant_admin.user_id
    assert endpoint.url in notice.title
    assert notice.url == f"/t/{tenant.slug}/settings/webhooks/{endpoint.pk}/"
    assert reload(tenant, endpoint).consecutive_failures == 1 and endpoint.is_active
    # Nothing more is attempted.
    clock.advance(days=2)
    assert run(deliver_due_webhooks) == 0


def test_a_retry_moment_that_passed_while_workers_were_down_is_skipped_not_burst(
    tenant, endpoint, receiver, record_partner, clock, run
):
    receiver.status = 500
    record_partner()
    delivery = the_delivery(tenant)
    clock.move_to(delivery.created_at + timedelta(hours=3))  # 5 s, 5 min, 30 min and 2 h have all passed
    run(deliver_due_webhooks)
    delivery = reload(tenant, delivery)
    assert delivery.attempt_count == 2
    waited = delivery.next_attempt_at - delivery.created_at
    assert timedelta(hours=5) * (1 - RETRY_JITTER) <= waited <= timedelta(hours=5) * (1 + RETRY_JITTER)


def test_410_gone_disables_the_endpoint_at_once(tenant, tenant_admin, endpoint, receiver, record_partner):
    receiver.status = 410
    record_partner()

    endpoint = reload(tenant, endpoint)
    assert not endpoint.is_active and "410" in endpoint.disabled_reason
    assert the_delivery(tenant).status == "failed"
    [notice] = notifications(tenant, "webhook.endpoint_disabled")
    assert notice.user_id == tenant_admin.user_id

    record_partner("Later partner")
    assert len(receiver.requests) == 1
    assert len(deliveries(tenant)) == 1


def test_sustained_failures_disable_the_endpoint_and_tell_the_admins(
    tenant, tenant_admin, endpoint, receiver, record_partner, settings
):
    settings.PRM_WEBHOOK_RETRY_SCHEDULE = []  # every failed attempt is a failed delivery
    settings.PRM_WEBHOOK_DISABLE_AFTER = 3
    receiver.status = 502

    record_partner("One")
    record_partner("Two")
    assert reload(tenant, endpoint).consecutive_failures == 2 and endpoint.is_active
    # One "deliveries are failing" notice, not one per failed delivery.
    assert len(notifications(tenant, "webhook.delivery_failed")) == 1

    record_partner("Three")
    endpoint = reload(tenant, endpoint)
    assert not endpoint.is_active
    assert endpoint.disabled_reason == "Disabled after 3 deliveries in a row failed for 24 hours."
    assert len(notifications(tenant, "webhook.endpoint_disabled")) == 1
    record_partner("Four")
    assert len(receiver.requests) == 3


def test_a_success_resets_the_failure_count(tenant, endpoint, receiver, record_partner, settings):
    settings.PRM_WEBHOOK_RETRY_SCHEDULE = []
    receiver.status = 500
    record_partner("One")
    assert reload(tenant, endpoint).consecutive_failures == 1
    receiver.status = 204
    record_partner("Two")
    assert reload(tenant, endpoint).consecutive_failures == 0


def test_redirects_are_not_followed_and_count_as_failures(tenant, endpoint, receiver, record_partner):
    receiver.status = 302
    record_partner()
    delivery = the_delivery(tenant)
    assert (delivery.status, delivery.last_status_code) == ("pending", 302)


def test_the_address_is_checked_again_at_delivery_time(tenant, tenant_admin, receiver, record_partner, settings):
    """The host answered with a public address when the endpoint was saved, with loopback later (DNS rebinding):
    nothing is sent, and the attempt says why."""
    real_getaddrinfo = socket.getaddrinfo
    answers = {"hooks.rebind.example": "93.184.216.34"}

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]
        return real_getaddrinfo(host, port, *args, **kwargs)

    from prm.webhooks.services import webhook_endpoint_create

    with mock.patch("socket.getaddrinfo", side_effect=getaddrinfo):
        with tenant_context(tenant):
            webhook_endpoint_create(actor=tenant_admin, url=f"http://hooks.rebind.example:{receiver.port}/hook")
        answers["hooks.rebind.example"] = "127.0.0.1"
        record_partner()

    delivery = the_delivery(tenant)
    assert receiver.requests == []
    assert delivery.status == "pending" and delivery.last_status_code is None
    assert "loopback" in delivery.last_error


def test_delivery_connects_to_the_checked_address_and_names_the_host(
    tenant, tenant_admin, receiver, record_partner, allow_private
):
    """The name is resolved once, by the guard; the connection goes to that address with the Host header kept."""
    real_getaddrinfo = socket.getaddrinfo
    looked_up = []

    def getaddrinfo(host, port, *args, **kwargs):
        looked_up.append(host)
        if host == "receiver.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real_getaddrinfo(host, port, *args, **kwargs)

    from prm.webhooks.services import webhook_endpoint_create

    with tenant_context(tenant), mock.patch("socket.getaddrinfo", side_effect=getaddrinfo):
        webhook_endpoint_create(actor=tenant_admin, url=f"http://receiver.test:{receiver.port}/hook")
    with mock.patch("socket.getaddrinfo", side_effect=getaddrinfo):
        looked_up.clear()
        record_partner()

    [request] = receiver.requests
    assert request["headers"]["Host"] == f"receiver.test:{receiver.port}"
    assert looked_up.count("receiver.test") == 1


def test_body_is_the_event_as_the_events_api_shows_it(tenant, endpoint, receiver, record_partner, client):
    record_partner("Zoë Networks")
    body = json.loads(receiver.requests[0]["body"])
    assert set(body) == {"type", "timestamp", "data"}
    assert set(body["data"]) == {"id", "type", "subject_type", "subject_id", "payload", "actor", "occurred_at"}
    assert body["data"]["actor"].startswith("user:")
    assert receiver.requests[0]["body"].decode().count("Zoë") == 1


def test_the_documented_verification_without_a_library_accepts_a_real_delivery(
    tenant, endpoint, receiver, record_partner
):
    import re
    from pathlib import Path

    from django.conf import settings

    doc = (Path(settings.BASE_DIR) / "docs" / "webhooks.md").read_text()
    [snippet] = re.findall(r"### Without a library\n\n```python\n(.*?)```", doc, re.S)
    namespace = {}
    exec(snippet, namespace)  # noqa: S102 - our own documentation
    record_partner()
    [request] = receiver.requests
    assert namespace["verify"](endpoint.secret, request["body"], request["headers"])
    assert not namespace["verify"](endpoint.secret, request["body"] + b" ", request["headers"])
