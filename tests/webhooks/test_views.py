"""Webhook pages: tenant admins manage endpoints, read the delivery log and redeliver; everyone else gets 404."""

import pytest

from prm.models import Notification, WebhookAttempt, WebhookEndpoint
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.prm.helpers import ALL_ROLES, make_member
from tests.prm.query_counts import queries_for
from tests.webhooks.conftest import the_delivery

pytestmark = pytest.mark.django_db
PUBLIC_URL = "https://93.184.216.34/hooks/prm"


def endpoints(tenant):
    with tenant_context(tenant):
        return list(WebhookEndpoint.objects.order_by("id"))


def test_empty_list_says_so_and_offers_the_form(client, tenant_admin):
    login(client, tenant_admin)
    response = client.get("/t/acme/settings/webhooks/")
    assert response.status_code == 200
    assert b"No webhook endpoints yet" in response.content
    assert b"Add endpoint" in response.content


def test_settings_page_links_to_webhooks(client, tenant_admin):
    login(client, tenant_admin)
    assert b"/t/acme/settings/webhooks/" in client.get("/t/acme/settings/").content


def test_tenant_admin_adds_an_endpoint_and_sees_its_secret(client, tenant, tenant_admin):
    login(client, tenant_admin)
    response = client.post(
        "/t/acme/settings/webhooks/",
        {
            "url": PUBLIC_URL,
            "description": "CRM",
            "event_types": ["partner.created"],
            "other_event_types": "deal.approved",
        },
    )
    [endpoint] = endpoints(tenant)
    assert response.status_code == 302
    assert response["Location"] == f"/t/acme/settings/webhooks/{endpoint.pk}/?created=1"
    assert endpoint.event_types == ["deal.approved", "partner.created"]

    page = client.get(response["Location"]).content.decode()
    assert endpoint.secret in page
    assert "Nothing delivered yet" in page
    assert "deal.approved" in page
    listing = client.get("/t/acme/settings/webhooks/").content.decode()
    assert PUBLIC_URL in listing and "CRM" in listing


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://10.0.0.5/hook", "private addresses"),
        ("http://169.254.169.254/latest/meta-data/", "link-local addresses"),
        ("ftp://example.com/hook", "only to http:// or https://"),
        ("not a url", "cannot contain spaces"),
        ("example.com/hook", "starting with https://"),
    ],
)
def test_a_refused_url_is_shown_beside_the_field_and_nothing_is_written(client, tenant, tenant_admin, url, message):
    login(client, tenant_admin)
    response = client.post("/t/acme/settings/webhooks/", {"url": url})
    assert response.status_code == 400
    assert response.context["form"].errors["url"] == [response.context["form"].errors["url"][0]]
    assert message in response.context["form"].errors["url"][0]
    assert b'id="id_url-error"' in response.content
    assert endpoints(tenant) == []


def test_a_malformed_event_type_is_shown_beside_the_event_types(client, tenant, tenant_admin):
    login(client, tenant_admin)
    response = client.post("/t/acme/settings/webhooks/", {"url": PUBLIC_URL, "other_event_types": "Deal Approved"})
    assert response.status_code == 400
    assert "event_types" in response.context["form"].errors
    assert endpoints(tenant) == []


@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r != Role.TENANT_ADMIN])
def test_other_roles_get_404_on_every_webhook_page(client, tenant, partner_org, endpoint, record_partner, role):
    record_partner()
    delivery = the_delivery(tenant)
    login(client, make_member(tenant, role, organization=partner_org))
    base = "/t/acme/settings/webhooks/"
    for path in [base, f"{base}{endpoint.pk}/", f"{base}{endpoint.pk}/delete/", f"{base}deliveries/{delivery.pk}/"]:
        assert client.get(path).status_code == 404, path
    for path in [
        base,
        f"{base}{endpoint.pk}/",
        f"{base}{endpoint.pk}/rotate-secret/",
        f"{base}{endpoint.pk}/active/",
        f"{base}{endpoint.pk}/delete/",
        f"{base}deliveries/{delivery.pk}/redeliver/",
    ]:
        assert client.post(path, {"url": PUBLIC_URL, "active": "0"}).status_code == 404, path
    assert [e.secret for e in endpoints(tenant)] == [endpoint.secret]
    assert endpoints(tenant)[0].is_active


def test_endpoint_page_shows_the_delivery_log(client, tenant, tenant_admin, endpoint, receiver, record_partner):
    receiver.status = 500
    record_partner("Contoso Defence")
    delivery = the_delivery(tenant)
    login(client, tenant_admin)

    page = client.get(f"/t/acme/settings/webhooks/{endpoint.pk}/").content.decode()
    assert "partner.created" in page and "<code>500</code>" in page and "next try" in page
    assert f"/t/acme/settings/webhooks/deliveries/{delivery.pk}/redeliver/" in page
    assert (
        "No failed deliveries" in client.get(f"/t/acme/settings/webhooks/{endpoint.pk}/?status=failed").content.decode()
    )

    detail = client.get(f"/t/acme/settings/webhooks/deliveries/{delivery.pk}/").content.decode()
    assert f"msg_{delivery.pk}" in detail and "automatic" in detail and "Contoso Defence" in detail


def test_redeliver_in_place_with_htmx(client, tenant, tenant_admin, endpoint, receiver, record_partner, run):
    record_partner()
    delivery = the_delivery(tenant)
    login(client, tenant_admin)

    response = run(
        client.post, f"/t/acme/settings/webhooks/deliveries/{delivery.pk}/redeliver/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.content.decode().strip().startswith(f'<tr id="delivery-{delivery.pk}">')
    assert b"Redelivery queued" in response.content
    assert len(receiver.requests) == 2
    with tenant_context(tenant):
        assert WebhookAttempt.objects.filter(delivery=delivery, manual=True).count() == 1


def test_redeliver_without_htmx_returns_to_the_endpoint(client, tenant, tenant_admin, endpoint, record_partner, run):
    record_partner()
    delivery = the_delivery(tenant)
    login(client, tenant_admin)
    response = run(client.post, f"/t/acme/settings/webhooks/deliveries/{delivery.pk}/redeliver/")
    assert response.status_code == 302 and response["Location"] == f"/t/acme/settings/webhooks/{endpoint.pk}/"


def test_rotate_secret_in_place_with_htmx(client, tenant, tenant_admin, endpoint):
    login(client, tenant_admin)
    response = client.post(f"/t/acme/settings/webhooks/{endpoint.pk}/rotate-secret/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    [rotated] = endpoints(tenant)
    assert rotated.previous_secret == endpoint.secret and rotated.secret != endpoint.secret
    body = response.content.decode()
    assert body.strip().startswith('<div class="card mb-3" id="webhook-secret">')
    assert rotated.secret in body and "previous secret also signs until" in body


def test_deactivate_activate_and_delete(client, tenant, tenant_admin, endpoint):
    login(client, tenant_admin)
    base = f"/t/acme/settings/webhooks/{endpoint.pk}/"
    client.post(f"{base}active/", {"active": "0"})
    assert not endpoints(tenant)[0].is_active
    assert b"This endpoint is disabled" in client.get(base).content
    client.post(f"{base}active/", {"active": "1"})
    assert endpoints(tenant)[0].is_active

    assert b"Delete this endpoint?" in client.get(f"{base}delete/").content
    response = client.post(f"{base}delete/")
    assert response.status_code == 302 and response["Location"] == "/t/acme/settings/webhooks/"
    assert endpoints(tenant) == []


def test_edit_refuses_a_private_url_beside_the_field(client, tenant, tenant_admin, endpoint, settings):
    settings.PRM_WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    login(client, tenant_admin)
    response = client.post(f"/t/acme/settings/webhooks/{endpoint.pk}/", {"url": "http://[fd00::1]/x"})
    assert response.status_code == 400
    assert "private" in response.context["form"].errors["url"][0]
    assert endpoints(tenant)[0].url == endpoint.url


def test_failed_and_disabled_endpoints_are_noticed_on_the_list(
    client, tenant, tenant_admin, endpoint, receiver, record_partner
):
    receiver.status = 410
    record_partner()
    login(client, tenant_admin)
    page = client.get("/t/acme/settings/webhooks/").content.decode()
    assert "disabled. The receiver answered 410 Gone" in page
    with tenant_context(tenant):
        [notice] = Notification.objects.filter(kind="webhook.endpoint_disabled")
    assert notice.url == f"/t/acme/settings/webhooks/{endpoint.pk}/"


def test_list_page_query_count_does_not_grow_with_endpoints(client, tenant, tenant_admin, receiver, allow_private):
    from prm.webhooks.services import webhook_endpoint_create

    login(client, tenant_admin)

    def add(count):
        with tenant_context(tenant):
            for n in range(count):
                webhook_endpoint_create(actor=tenant_admin, url=f"{receiver.url}/{n}", event_types=["partner.created"])

    add(2)
    with_2 = queries_for(client, "/t/acme/settings/webhooks/")
    add(10)
    assert queries_for(client, "/t/acme/settings/webhooks/") == with_2


def test_endpoint_page_query_count_does_not_grow_with_deliveries(
    client, tenant, tenant_admin, endpoint, record_partner
):
    login(client, tenant_admin)
    url = f"/t/acme/settings/webhooks/{endpoint.pk}/"
    for n in range(2):
        record_partner(f"Partner {n}")
    with_2 = queries_for(client, url)
    for n in range(2, 12):
        record_partner(f"Partner {n}")
    assert queries_for(client, url) == with_2
