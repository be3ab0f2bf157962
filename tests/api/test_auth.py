"""Authentication: API keys as `Authorization: Bearer`, and the portal's session with `X-Tenant` and CSRF."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from prm.api.keys import api_key_revoke, hash_key
from prm.models import ApiKey
from prm.tenancy import tenant_context
from tests.api.conftest import key_client, problem_of
from tests.conftest import login
from tests.factories import PartnerOrganizationFactory, TenantFactory, make_api_key

pytestmark = pytest.mark.django_db


def base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    return (base36(number // 36) if number >= 36 else "") + digits[number % 36]


UNAUTHENTICATED = "The API key is missing, malformed, unknown, revoked or expired."


def assert_refused_key(response):
    body = problem_of(response, 401)
    assert body["detail"] == UNAUTHENTICATED
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_valid_key_lists_partners(tenant, api):
    PartnerOrganizationFactory(tenant=tenant, name="Northwind Secure")
    response = api.get("/api/v1/partners/")
    assert response.status_code == 200
    assert [p["name"] for p in response.json()["results"]] == ["Northwind Secure"]


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer prm_1_" + "x" * 43,  # well-formed, but no such key
        "Bearer nonsense",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "prm_1_" + "x" * 43,  # no scheme
    ],
)
def test_unknown_or_malformed_key_gets_401_problem(tenant, admin_key, authorization):
    response = APIClient().get("/api/v1/partners/", HTTP_AUTHORIZATION=authorization)
    assert_refused_key(response)


def test_key_with_a_wrong_secret_gets_401(tenant, admin_key):
    _, raw = admin_key
    tampered = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    assert_refused_key(key_client(tampered).get("/api/v1/partners/"))


def test_key_naming_another_tenant_gets_401(tenant, admin_key):
    other = TenantFactory()
    _, raw = admin_key
    # The tenant part of the key says where to look: another tenant has no key with this prefix.
    moved = raw.replace(f"prm_{raw.split('_')[1]}_", f"prm_{base36(other.pk)}_", 1)
    assert moved != raw
    assert_refused_key(key_client(moved).get("/api/v1/partners/"))


def test_revoked_key_gets_401(tenant, tenant_admin, admin_key):
    api_key, raw = admin_key
    client = key_client(raw)
    assert client.get("/api/v1/partners/").status_code == 200
    with tenant_context(tenant):
        api_key_revoke(actor=tenant_admin, api_key=api_key)
    assert_refused_key(client.get("/api/v1/partners/"))


def test_expired_key_gets_401(tenant):
    api_key, raw = make_api_key(tenant, scopes=["partners:read"], expires_at=timezone.now() + timedelta(days=1))
    client = key_client(raw)
    assert client.get("/api/v1/partners/").status_code == 200
    # A day and a second later (the key is cached meanwhile: expiry is still checked on every use).
    later = timezone.now() + timedelta(days=1, seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert_refused_key(client.get("/api/v1/partners/"))


def test_key_of_a_deactivated_program_gets_401(tenant, admin_key):
    tenant.is_active = False
    tenant.save(update_fields=["is_active"])
    assert_refused_key(key_client(admin_key[1]).get("/api/v1/partners/"))


def test_no_credentials_get_401_naming_both_ways_in():
    body = problem_of(APIClient().get("/api/v1/partners/"), 401)
    assert "Authorization: Bearer" in body["detail"] and "sign in" in body["detail"]


def test_key_is_stored_only_as_a_hash_and_a_visible_prefix(tenant, admin_key):
    api_key, raw = admin_key
    with tenant_context(tenant):
        stored = ApiKey.objects.get(pk=api_key.pk)
        row = ApiKey.objects.filter(pk=api_key.pk).values().get()
    assert stored.key_hash == hash_key(raw) and len(stored.key_hash) == 64
    assert raw.startswith(stored.prefix) and len(stored.prefix) < len(raw) - 30
    assert not [column for column, value in row.items() if raw in str(value)]


def test_last_used_time_is_recorded_at_most_once_a_minute(tenant, admin_key):
    api_key, raw = admin_key
    assert api_key.last_used_at is None

    def last_used():
        with tenant_context(tenant):
            return ApiKey.objects.get(pk=api_key.pk).last_used_at

    start = timezone.now()
    key_client(raw).get("/api/v1/partners/")
    first = last_used()
    assert first is not None and first - start < timedelta(seconds=30)
    with mock.patch("django.utils.timezone.now", return_value=first + timedelta(seconds=30)):
        key_client(raw).get("/api/v1/partners/")
    assert last_used() == first
    with mock.patch("django.utils.timezone.now", return_value=first + timedelta(minutes=2)):
        key_client(raw).get("/api/v1/partners/")
    assert last_used() == first + timedelta(minutes=2)


# The portal's own use: session + X-Tenant ----------------------------------------------------------------------


def test_signed_in_member_uses_the_api_with_x_tenant(tenant, tenant_admin):
    PartnerOrganizationFactory(tenant=tenant, name="Northwind Secure")
    client = login(APIClient(), tenant_admin)
    response = client.get("/api/v1/partners/", HTTP_X_TENANT=tenant.slug)
    assert response.status_code == 200
    assert [p["name"] for p in response.json()["results"]] == ["Northwind Secure"]


def test_session_without_x_tenant_gets_a_problem_naming_the_header(tenant, tenant_admin):
    client = login(APIClient(), tenant_admin)
    body = problem_of(client.get("/api/v1/partners/"), 404)
    assert "X-Tenant" in body["detail"]


def test_session_of_a_partner_user_sees_only_its_organization(tenant, partner_admin, partner_org):
    PartnerOrganizationFactory(tenant=tenant, name="Other Partner")
    client = login(APIClient(), partner_admin)
    response = client.get("/api/v1/partners/", HTTP_X_TENANT=tenant.slug)
    assert [p["id"] for p in response.json()["results"]] == [partner_org.pk]


def test_csrf_is_enforced_for_session_writes(tenant, tenant_admin):
    client = login(APIClient(enforce_csrf_checks=True), tenant_admin)
    body = {"name": "Contoso"}
    refused = client.post("/api/v1/partners/", body, format="json", HTTP_X_TENANT=tenant.slug)
    assert "CSRF" in problem_of(refused, 403)["detail"]
    secret = "k" * 32
    client.cookies["csrftoken"] = secret
    accepted = client.post("/api/v1/partners/", body, format="json", HTTP_X_TENANT=tenant.slug, HTTP_X_CSRFTOKEN=secret)
    assert accepted.status_code == 201, accepted.content


def test_csrf_is_not_asked_of_api_keys(tenant, admin_key):
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {admin_key[1]}")
    assert client.post("/api/v1/partners/", {"name": "Contoso"}, format="json").status_code == 201
