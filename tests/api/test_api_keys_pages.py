"""The API keys page (Settings → API keys): tenant admins list, create (shown once) and revoke keys."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from prm.models import ApiKey
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.api.conftest import key_client
from tests.conftest import login
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory, make_api_key
from tests.prm.query_counts import queries_for

pytestmark = pytest.mark.django_db

PAGE = "/t/acme/settings/api-keys/"
REVOKE = "/t/acme/settings/api-keys/revoke/"
RAW_KEY = re.compile(r"prm_[0-9a-z]+_[A-Za-z0-9_-]{43}")


@pytest.fixture
def admin_client(client, tenant_admin):
    return login(client, tenant_admin)


def keys_of(tenant):
    with tenant_context(tenant):
        return list(ApiKey.objects.order_by("id"))


def test_settings_page_links_to_the_api_keys_page(admin_client):
    assert PAGE in admin_client.get("/t/acme/settings/").content.decode()


def test_lists_keys_with_their_details_but_never_the_key(admin_client, tenant, partner_org, tenant_admin):
    api_key, raw = make_api_key(tenant, scopes=["partners:read", "events:read"], partner_organization=partner_org)
    html = admin_client.get(PAGE).content.decode()
    assert api_key.name in html and f"{api_key.prefix}…" in html
    assert "partners:read" in html and "events:read" in html and partner_org.name in html
    assert raw not in html and not RAW_KEY.search(html)


def test_creating_a_key_shows_it_once_and_it_works(admin_client, tenant, tenant_admin):
    form = {"name": "Salesforce sync", "scopes": ["partners:read", "partners:write"]}
    response = admin_client.post(PAGE, form)
    assert response.status_code == 200
    html = response.content.decode()
    raw = RAW_KEY.search(html).group(0)
    assert "you won&#x27;t see it again" in html or "you won't see it again" in html
    assert 'id="copy-api-key"' in html
    assert "no-store" in response["Cache-Control"]
    (api_key,) = keys_of(tenant)
    assert (api_key.name, api_key.scopes, api_key.created_by_id) == (
        "Salesforce sync",
        ["partners:read", "partners:write"],
        tenant_admin.user_id,
    )
    assert key_client(raw).get("/api/v1/partners/").status_code == 200
    # Never again: not on the list, not on a reload of the list.
    assert raw not in admin_client.get(PAGE).content.decode()


def test_a_key_bound_to_a_partner_with_an_expiry_date(admin_client, tenant, partner_org):
    expires_on = date.today() + timedelta(days=30)
    form = {
        "name": "Northwind portal",
        "scopes": ["partners:read"],
        "partner_organization": partner_org.pk,
        "expires_on": expires_on.isoformat(),
    }
    html = admin_client.post(PAGE, form).content.decode()
    assert "bound to Northwind Secure" in html
    (api_key,) = keys_of(tenant)
    assert api_key.partner_organization_id == partner_org.pk
    assert api_key.expires_at.date() == expires_on and api_key.expires_at.hour == 0


def test_the_form_offers_the_htmx_partner_search(admin_client):
    html = admin_client.get(PAGE).content.decode()
    assert 'hx-get="/t/acme/partners/options/"' in html and 'hx-target="#id_partner_organization"' in html


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"name": "", "scopes": ["partners:read"]}, "name", "This field is required."),
        ({"name": "CRM"}, "scopes", "Choose at least one scope."),
        ({"name": "CRM", "scopes": ["partners:admin"]}, "scopes", "Select a valid choice."),
        ({"name": "CRM", "scopes": ["partners:read"], "expires_on": "2001-01-01"}, "expires_on", "in the future"),
        ({"name": "CRM", "scopes": ["partners:read"], "partner_organization": "999999"}, "partner_organization", ""),
    ],
)
def test_invalid_input_is_shown_beside_its_field_and_creates_nothing(admin_client, tenant, form, field, message):
    response = admin_client.post(PAGE, form)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert message in " ".join(response.context["form"].errors[field])
    assert keys_of(tenant) == []


def test_a_partner_of_another_program_cannot_be_bound(admin_client, tenant, other_tenant):
    foreign = PartnerOrganizationFactory(tenant=other_tenant)
    response = admin_client.post(PAGE, {"name": "CRM", "scopes": ["partners:read"], "partner_organization": foreign.pk})
    assert response.status_code == 400 and "partner_organization" in response.context["form"].errors
    assert keys_of(tenant) == []


def test_revoking_a_key_stops_it_at_once(admin_client, tenant):
    api_key, raw = make_api_key(tenant, scopes=["partners:read"])
    response = admin_client.post(REVOKE, {"api_key": api_key.pk})
    assert response.status_code == 302 and response.url == PAGE
    (revoked,) = keys_of(tenant)
    assert revoked.status == "revoked"
    assert key_client(raw).get("/api/v1/partners/").status_code == 401
    assert "is revoked" in admin_client.get(PAGE).content.decode()


def test_revoking_with_htmx_swaps_the_row_and_asks_for_confirmation_first(admin_client, tenant):
    api_key, _ = make_api_key(tenant, scopes=["partners:read"])
    assert "hx-confirm=" in admin_client.get(PAGE).content.decode()
    response = admin_client.post(REVOKE, {"api_key": api_key.pk}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith(f'<tr id="api-key-{api_key.pk}"')
    assert ">revoked<" in html and "Revoke</button>" not in html


def test_another_programs_key_cannot_be_revoked_from_here(admin_client, other_tenant):
    foreign, raw = make_api_key(other_tenant, scopes=["partners:read"])
    assert admin_client.post(REVOKE, {"api_key": foreign.pk}).status_code == 404
    assert admin_client.post(REVOKE, {"api_key": "nonsense"}).status_code == 404
    assert key_client(raw).get("/api/v1/partners/").status_code == 200


@pytest.mark.parametrize("role", [Role.CHANNEL_MANAGER, Role.ANALYST, Role.PARTNER_ADMIN])
def test_only_tenant_admins_manage_keys(client, tenant, partner_org, role):
    api_key, _ = make_api_key(tenant, scopes=["partners:read"])
    if role == Role.PARTNER_ADMIN:
        member = PartnerUserFactory(tenant=tenant, partner_organization=partner_org)
    else:
        member = StaffFactory(tenant=tenant, role=role)
    login(client, member)
    assert client.get(PAGE).status_code == 404
    assert client.post(PAGE, {"name": "CRM", "scopes": ["partners:read"]}).status_code == 404
    assert client.post(REVOKE, {"api_key": api_key.pk}).status_code == 404
    assert [k.status for k in keys_of(tenant)] == ["active"]


def test_list_shows_last_use_expiry_and_status(admin_client, tenant):
    expires_at = timezone.now() + timedelta(days=3)
    api_key, raw = make_api_key(tenant, scopes=["partners:read"], name="Used", expires_at=expires_at)
    row = re.compile(r'<tr id="api-key-\d+".*?</tr>', re.S)
    (before,) = row.findall(admin_client.get(PAGE).content.decode())
    assert before.count("never") == 1 and date_format(expires_at, "DATETIME_FORMAT") in before and ">active<" in before
    key_client(raw).get("/api/v1/partners/")
    with tenant_context(tenant):
        used_at = ApiKey.objects.get(pk=api_key.pk).last_used_at
    (after,) = row.findall(admin_client.get(PAGE).content.decode())
    assert "never" not in after and date_format(used_at, "DATETIME_FORMAT") in after


def test_page_query_count_does_not_grow_with_keys(admin_client, tenant, partner_org):
    def add_keys(count):
        for n in range(count):
            make_api_key(tenant, scopes=["partners:read"], partner_organization=partner_org, name=f"Key {n}")

    add_keys(2)
    with_2 = queries_for(admin_client, PAGE)
    add_keys(10)
    assert queries_for(admin_client, PAGE) == with_2
