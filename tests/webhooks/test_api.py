"""/api/v1/webhooks/ and /api/v1/webhook-deliveries/: CRUD, rotation, the log, redelivery, scopes."""

import pytest
from rest_framework.test import APIClient

from prm.models import WebhookAttempt, WebhookEndpoint
from prm.tenancy import tenant_context
from tests.factories import make_api_key
from tests.webhooks.conftest import the_delivery

pytestmark = pytest.mark.django_db
PUBLIC_URL = "https://93.184.216.34/hooks/prm"


def key_client(tenant, scopes=("webhooks:write",), **kwargs):
    _, raw = make_api_key(tenant, scopes=scopes, **kwargs)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_create_returns_the_secret_once_and_reads_never_show_it(tenant):
    client = key_client(tenant)
    response = client.post(
        "/api/v1/webhooks/", {"url": PUBLIC_URL, "description": "CRM", "event_types": ["partner.created"]}
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["secret"].startswith("whsec_")
    assert created["event_types"] == ["partner.created"] and created["is_active"] is True

    listed = client.get("/api/v1/webhooks/").json()["results"]
    assert [e["id"] for e in listed] == [created["id"]]
    one = client.get(f"/api/v1/webhooks/{created['id']}/")
    assert one.status_code == 200 and "ETag" in one
    assert created["secret"] not in one.content.decode() and created["secret"] not in str(listed)


def test_update_and_delete(tenant):
    client = key_client(tenant)
    created = client.post("/api/v1/webhooks/", {"url": PUBLIC_URL}).json()
    response = client.patch(
        f"/api/v1/webhooks/{created['id']}/", {"event_types": ["partner.updated"], "is_active": False}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["event_types"] == ["partner.updated"] and body["is_active"] is False
    assert body["disabled_reason"].startswith("Deactivated by")

    assert client.delete(f"/api/v1/webhooks/{created['id']}/").status_code == 204
    with tenant_context(tenant):
        assert not WebhookEndpoint.objects.exists()


def test_rotate_secret_returns_the_new_secret(tenant):
    client = key_client(tenant)
    created = client.post("/api/v1/webhooks/", {"url": PUBLIC_URL}).json()
    response = client.post(f"/api/v1/webhooks/{created['id']}/rotate-secret/")
    assert response.status_code == 200, response.content
    rotated = response.json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != created["secret"]
    assert rotated["previous_secret_expires_at"]
    with tenant_context(tenant):
        assert WebhookEndpoint.objects.get().previous_secret == created["secret"]


@pytest.mark.parametrize(
    ("url", "message"), [("http://127.0.0.1/x", "loopback"), ("ftp://example.com/", "http://"), ("", "blank")]
)
def test_a_refused_url_is_a_400_naming_url(tenant, url, message):
    response = key_client(tenant).post("/api/v1/webhooks/", {"url": url})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    [error] = response.json()["errors"]
    assert error["field"] == "url" and message in error["message"]
    with tenant_context(tenant):
        assert not WebhookEndpoint.objects.exists()


def test_delivery_log_filters_and_redeliver(tenant, endpoint, receiver, record_partner, run):
    receiver.status = 500
    record_partner("One")
    receiver.status = 200
    record_partner("Two")
    client = key_client(tenant)

    listed = client.get("/api/v1/webhook-deliveries/", {"endpoint": endpoint.pk}).json()["results"]
    assert [d["status"] for d in listed] == ["succeeded", "pending"]
    failing = client.get("/api/v1/webhook-deliveries/", {"status": "pending"}).json()["results"]
    assert len(failing) == 1 and failing[0]["last_status_code"] == 500
    assert failing[0]["webhook_id"] == f"msg_{failing[0]['id']}"
    assert client.get("/api/v1/webhook-deliveries/", {"endpoint": endpoint.pk + 1000}).json()["results"] == []

    detail = client.get(f"/api/v1/webhook-deliveries/{failing[0]['id']}/").json()
    assert [a["status_code"] for a in detail["attempts"]] == [500]

    response = run(client.post, f"/api/v1/webhook-deliveries/{failing[0]['id']}/redeliver/")
    assert response.status_code == 202, response.content
    with tenant_context(tenant):
        assert WebhookAttempt.objects.filter(manual=True).count() == 1
    assert client.get(f"/api/v1/webhook-deliveries/{failing[0]['id']}/").json()["status"] == "succeeded"


def test_redeliver_to_a_disabled_endpoint_is_a_409(tenant, tenant_admin, endpoint, record_partner):
    record_partner()
    delivery = the_delivery(tenant)
    client = key_client(tenant)
    client.patch(f"/api/v1/webhooks/{endpoint.pk}/", {"is_active": False})
    response = client.post(f"/api/v1/webhook-deliveries/{delivery.pk}/redeliver/")
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"


def test_a_key_without_webhooks_write_may_read_but_not_write(tenant, endpoint, record_partner):
    record_partner()
    client = key_client(tenant, scopes=["webhooks:read"])
    assert client.get("/api/v1/webhooks/").status_code == 200
    for path in [
        "/api/v1/webhooks/",
        f"/api/v1/webhooks/{endpoint.pk}/rotate-secret/",
        f"/api/v1/webhook-deliveries/{the_delivery(tenant).pk}/redeliver/",
    ]:
        response = client.post(path, {"url": PUBLIC_URL})
        assert response.status_code == 403, path
        assert "webhooks:write" in response.json()["detail"]


def test_a_key_without_webhooks_scopes_gets_403(tenant):
    assert key_client(tenant, scopes=["partners:write"]).get("/api/v1/webhooks/").status_code == 403


def test_a_partner_bound_key_sees_no_webhooks(tenant, partner_org, endpoint, record_partner):
    record_partner()
    client = key_client(tenant, scopes=["webhooks:write"], partner_organization=partner_org)
    for path in ["/api/v1/webhooks/", "/api/v1/webhook-deliveries/", f"/api/v1/webhooks/{endpoint.pk}/"]:
        assert client.get(path).status_code == 404, path
    assert client.post("/api/v1/webhooks/", {"url": PUBLIC_URL}).status_code == 404


def test_a_key_of_another_tenant_sees_none_of_them(tenant, other_tenant, endpoint, record_partner):
    record_partner()
    client = key_client(other_tenant, scopes=["webhooks:write"])
    assert client.get("/api/v1/webhooks/").json()["results"] == []
    assert client.get("/api/v1/webhook-deliveries/").json()["results"] == []
    assert client.get(f"/api/v1/webhooks/{endpoint.pk}/").status_code == 404
    assert client.post(f"/api/v1/webhooks/{endpoint.pk}/rotate-secret/").status_code == 404


def test_idempotency_key_replays_the_create(tenant):
    client = key_client(tenant)
    first = client.post("/api/v1/webhooks/", {"url": PUBLIC_URL}, HTTP_IDEMPOTENCY_KEY="k1")
    again = client.post("/api/v1/webhooks/", {"url": PUBLIC_URL}, HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    with tenant_context(tenant):
        assert WebhookEndpoint.objects.count() == 1


def test_delivery_list_query_count_does_not_grow(tenant, endpoint, record_partner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = key_client(tenant)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/webhook-deliveries/").status_code == 200
        return len(captured)

    record_partner("One")
    count()  # the key's first use of the minute records it (one write)
    with_1 = count()
    for n in range(8):
        record_partner(f"More {n}")
    assert count() == with_1
