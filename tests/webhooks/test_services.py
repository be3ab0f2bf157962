"""Webhook use cases: who may manage endpoints, what URLs and event types are accepted, rotation, redelivery."""

from datetime import timedelta

import pytest
from django.utils import timezone

from prm.errors import InvalidTransition, PermissionDenied, ValidationFailed
from prm.models import WebhookAttempt, WebhookEndpoint
from prm.roles import Role
from prm.tenancy import tenant_context
from prm.webhooks import services
from prm.webhooks.signing import signing_secrets
from tests.factories import StaffFactory
from tests.webhooks.conftest import the_delivery

pytestmark = pytest.mark.django_db
PUBLIC_URL = "https://93.184.216.34/hooks/prm"


def test_tenant_admin_creates_an_endpoint_with_a_fresh_secret(tenant, tenant_admin, in_tenant):
    endpoint = services.webhook_endpoint_create(
        actor=tenant_admin,
        url=f"  {PUBLIC_URL}  ",
        description=" CRM ",
        event_types="partner.updated, partner.created,partner.created",
    )
    assert (endpoint.url, endpoint.description) == (PUBLIC_URL, "CRM")
    assert endpoint.event_types == ["partner.created", "partner.updated"]
    assert endpoint.secret.startswith("whsec_") and endpoint.is_active
    assert endpoint.tenant_id == tenant.pk


@pytest.mark.parametrize("role", [Role.CHANNEL_MANAGER, Role.ANALYST, Role.FINANCE, Role.MARKETING])
def test_other_staff_may_not_manage_webhooks(tenant, role, in_tenant):
    actor = StaffFactory(tenant=tenant, role=role)
    with pytest.raises(PermissionDenied):
        services.webhook_endpoint_create(actor=actor, url=PUBLIC_URL)


def test_partner_admin_may_not_manage_webhooks(partner_admin, in_tenant):
    with pytest.raises(PermissionDenied):
        services.webhook_endpoint_create(actor=partner_admin, url=PUBLIC_URL)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://10.0.0.5/hook", "private"),
        ("http://127.0.0.1:8000/hook", "loopback"),
        ("ftp://example.com/hook", "http:// or https://"),
        ("example.com/hook", "starting with https://"),
        ("", "Enter the URL"),
    ],
)
def test_refused_urls_name_the_url_field_and_write_nothing(tenant_admin, in_tenant, url, message):
    with pytest.raises(ValidationFailed, match=message) as refused:
        services.webhook_endpoint_create(actor=tenant_admin, url=url)
    assert refused.value.field == "url"
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("event_types", [["Partner Created"], ["partner"], ["partner.created", "x" * 70 + ".y"]])
def test_malformed_event_types_are_refused(tenant_admin, in_tenant, event_types):
    with pytest.raises(ValidationFailed) as refused:
        services.webhook_endpoint_create(actor=tenant_admin, url=PUBLIC_URL, event_types=event_types)
    assert refused.value.field == "event_types"


def test_a_too_long_description_is_refused(tenant_admin, in_tenant):
    with pytest.raises(ValidationFailed) as refused:
        services.webhook_endpoint_create(actor=tenant_admin, url=PUBLIC_URL, description="x" * 201)
    assert refused.value.field == "description"


def test_update_checks_a_changed_url_again(tenant_admin, in_tenant):
    endpoint = services.webhook_endpoint_create(actor=tenant_admin, url=PUBLIC_URL)
    with pytest.raises(ValidationFailed) as refused:
        services.webhook_endpoint_update(actor=tenant_admin, endpoint=endpoint, url="http://192.168.0.1/")
    assert refused.value.field == "url"
    endpoint.refresh_from_db()
    assert endpoint.url == PUBLIC_URL


def test_activating_again_clears_the_failures_and_the_reason(tenant_admin, in_tenant):
    endpoint = services.webhook_endpoint_create(actor=tenant_admin, url=PUBLIC_URL)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        is_active=False, disabled_reason="The receiver answered 410 Gone.", consecutive_failures=20
    )
    endpoint = services.webhook_endpoint_update(actor=tenant_admin, endpoint=endpoint, is_active=True)
    assert (endpoint.is_active, endpoint.disabled_reason, endpoint.consecutive_failures) == (True, "", 0)

    endpoint = services.webhook_endpoint_update(actor=tenant_admin, endpoint=endpoint, is_active=False)
    assert not endpoint.is_active and endpoint.disabled_reason.startswith("Deactivated by")


def test_rotation_keeps_the_old_secret_signing_for_24_hours(tenant_admin, in_tenant):
    endpoint = services.webhook_endpoint_create(actor=tenant_admin, url=PUBLIC_URL)
    old = endpoint.secret
    rotated = services.webhook_secret_rotate(actor=tenant_admin, endpoint=endpoint)

    assert rotated.secret != old and rotated.previous_secret == old
    expected = timezone.now() + timedelta(hours=24)
    assert abs(rotated.previous_secret_expires_at - expected) < timedelta(minutes=1)
    assert signing_secrets(rotated) == [rotated.secret, old]
    assert signing_secrets(rotated, now=timezone.now() + timedelta(hours=25)) == [rotated.secret]


def test_delete_removes_the_endpoint_and_its_log(tenant, tenant_admin, endpoint, record_partner):
    record_partner()
    with tenant_context(tenant):
        services.webhook_endpoint_delete(actor=tenant_admin, endpoint=endpoint)
        assert not WebhookEndpoint.objects.exists()
        assert not WebhookAttempt.objects.exists()


def test_redelivery_makes_one_more_attempt_even_after_success(
    tenant, tenant_admin, endpoint, receiver, record_partner, run
):
    record_partner()
    delivery = the_delivery(tenant)
    with tenant_context(tenant):
        run(services.webhook_redeliver, actor=tenant_admin, delivery=delivery)
        attempts = list(WebhookAttempt.objects.filter(delivery=delivery).order_by("id"))
    assert [a.manual for a in attempts] == [False, True]
    assert len(receiver.requests) == 2
    assert receiver.requests[0]["headers"]["webhook-id"] == receiver.requests[1]["headers"]["webhook-id"]
    assert the_delivery(tenant).attempt_count == 2


def test_a_failed_redelivery_leaves_a_delivered_delivery_delivered(
    tenant, tenant_admin, endpoint, receiver, record_partner, run
):
    record_partner()
    receiver.status = 500
    with tenant_context(tenant):
        run(services.webhook_redeliver, actor=tenant_admin, delivery=the_delivery(tenant))
    delivery = the_delivery(tenant)
    assert (delivery.status, delivery.last_status_code, delivery.next_attempt_at) == ("succeeded", 500, None)


def test_redelivery_succeeding_ends_the_retries_of_a_failed_delivery(
    tenant, tenant_admin, endpoint, receiver, record_partner, run, settings
):
    settings.PRM_WEBHOOK_RETRY_SCHEDULE = []
    receiver.status = 500
    record_partner()
    assert the_delivery(tenant).status == "failed"
    receiver.status = 200
    with tenant_context(tenant):
        run(services.webhook_redeliver, actor=tenant_admin, delivery=the_delivery(tenant))
    delivery = the_delivery(tenant)
    assert (delivery.status, delivery.attempt_count) == ("succeeded", 2)
    with tenant_context(tenant):
        assert WebhookEndpoint.objects.get(pk=endpoint.pk).consecutive_failures == 0


def test_redelivery_to_a_disabled_endpoint_is_refused(tenant, tenant_admin, endpoint, receiver, record_partner):
    record_partner()
    with tenant_context(tenant):
        services.webhook_endpoint_update(actor=tenant_admin, endpoint=endpoint, is_active=False)
        with pytest.raises(InvalidTransition):
            services.webhook_redeliver(actor=tenant_admin, delivery=the_delivery(tenant))
