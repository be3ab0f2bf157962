"""Contacts at a partner: pages for staff and the partner's own admin, and the /api/v1/contacts/ endpoint."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners.models import PartnerContact
from prm.models import Event
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.api.conftest import fields_of, key_client, problem_of
from tests.conftest import login
from tests.factories import PartnerOrganizationFactory, make_api_key

pytestmark = pytest.mark.django_db


def contacts_url(partner):
    return f"/t/acme/partners/{partner.pk}/contacts/"


def make_contact(tenant, partner, **fields):
    with tenant_context(tenant):
        return PartnerContact.objects.create(partner_organization=partner, **{"name": "Dana Field", **fields})


def contacts_of(tenant, partner):
    with tenant_context(tenant):
        return list(PartnerContact.objects.filter(partner_organization=partner).values_list("name", "is_primary"))


@pytest.fixture
def other_org(tenant):
    return PartnerOrganizationFactory(tenant=tenant, name="Contoso Cloud")


# Pages --------------------------------------------------------------------------------------------------------


def test_channel_manager_adds_edits_and_removes_a_contact(client, tenant, member, partner_org):
    login(client, member(Role.CHANNEL_MANAGER))
    url = contacts_url(partner_org)

    added = client.post(url, {"name": "Dana Field", "email": "Dana@Northwind.example", "job_title": "CTO"})
    with tenant_context(tenant):
        [contact_id] = PartnerContact.objects.values_list("pk", flat=True)
    edited = client.post(f"{url}{contact_id}/", {"name": "Dana Field-Smith", "email": "dana@northwind.example"})
    page = client.get(url).content.decode()
    removed = client.post(f"{url}{contact_id}/delete/")

    assert added.status_code == edited.status_code == removed.status_code == 302
    assert "Dana Field-Smith" in page and "dana@northwind.example" in page
    assert contacts_of(tenant, partner_org) == []
    with tenant_context(tenant):
        types = list(Event.objects.order_by("id").values_list("type", flat=True))
    assert types == ["contact.created", "contact.updated", "contact.deleted"]


def test_partner_admin_manages_own_contacts_but_not_another_organizations(client, tenant, partner_admin, other_org):
    login(client, partner_admin)
    theirs = make_contact(tenant, other_org, name="Olga Other")

    own = client.post(contacts_url(partner_admin.partner_organization), {"name": "Priya Primary"})

    assert own.status_code == 302
    assert client.get(contacts_url(other_org)).status_code == 404
    assert client.post(contacts_url(other_org), {"name": "Intruder"}).status_code == 404
    assert client.post(f"{contacts_url(other_org)}{theirs.pk}/", {"name": "Hijacked"}).status_code == 404
    assert client.post(f"{contacts_url(other_org)}{theirs.pk}/delete/").status_code == 404
    assert contacts_of(tenant, other_org) == [("Olga Other", False)]


def test_a_contact_is_reached_only_through_its_own_partner(client, tenant, member, partner_org, other_org):
    login(client, member(Role.CHANNEL_MANAGER))
    theirs = make_contact(tenant, other_org)

    assert client.get(f"{contacts_url(partner_org)}{theirs.pk}/").status_code == 404


@pytest.mark.parametrize("role", [Role.PARTNER_SALES, Role.PARTNER_MARKETING])
def test_partner_users_other_than_admins_get_404(client, member, partner_org, role):
    login(client, member(role))

    assert client.get(contacts_url(partner_org)).status_code == 404


def test_analyst_sees_contacts_but_cannot_change_them(client, tenant, member, partner_org):
    make_contact(tenant, partner_org)
    login(client, member(Role.ANALYST))

    page = client.get(contacts_url(partner_org))

    assert page.status_code == 200 and "Dana Field" in page.content.decode()
    assert "Add a contact" not in page.content.decode()
    assert client.post(contacts_url(partner_org), {"name": "Sneaky"}).status_code == 404


def test_a_new_primary_contact_replaces_the_previous_one(client, tenant, member, partner_org):
    make_contact(tenant, partner_org, name="Ann First", is_primary=True)
    login(client, member(Role.CHANNEL_MANAGER))

    client.post(contacts_url(partner_org), {"name": "Ben Second", "is_primary": "on"})

    assert sorted(contacts_of(tenant, partner_org)) == [("Ann First", False), ("Ben Second", True)]


def test_a_bad_email_is_refused_beside_its_field(client, tenant, member, partner_org):
    login(client, member(Role.CHANNEL_MANAGER))

    response = client.post(contacts_url(partner_org), {"name": "Dana", "email": "not-an-email"})

    assert response.status_code == 400
    assert "email" in response.context["form"].errors
    assert contacts_of(tenant, partner_org) == []


# API ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def api(tenant):
    return key_client(make_api_key(tenant, scopes=["partners:read", "partners:write"])[1])


def test_api_crud_of_contacts(api, tenant, partner_org):
    created = api.post("/api/v1/contacts/", {"partner_organization": partner_org.pk, "name": "Dana", "phone": "+44 20"})
    contact_id = created.json()["id"]
    listed = api.get("/api/v1/contacts/", {"partner_organization": partner_org.pk})
    patched = api.patch(f"/api/v1/contacts/{contact_id}/", {"job_title": "CTO"})
    fetched = api.get(f"/api/v1/contacts/{contact_id}/")
    deleted = api.delete(f"/api/v1/contacts/{contact_id}/")

    assert created.status_code == 201 and created["ETag"]
    assert [row["name"] for row in listed.json()["results"]] == ["Dana"]
    assert patched.status_code == 200 and fetched.json()["job_title"] == "CTO"
    assert deleted.status_code == 204
    assert contacts_of(tenant, partner_org) == []


def test_api_upserts_contacts_by_external_id(api, tenant, partner_org):
    body = {"partner_organization": partner_org.pk, "name": "Dana", "external_id": "crm-c-1"}

    first = api.post("/api/v1/contacts/", body)
    second = api.post("/api/v1/contacts/", {**body, "name": "Dana Field"})

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert contacts_of(tenant, partner_org) == [("Dana Field", False)]


def test_api_refuses_bad_fields_naming_them(api, partner_org):
    response = api.post("/api/v1/contacts/", {"partner_organization": partner_org.pk, "name": " ", "email": "x"})

    assert "email" in fields_of(problem_of(response, 400))


def test_api_will_not_move_a_contact_to_another_partner(api, tenant, partner_org, other_org):
    contact = make_contact(tenant, partner_org)

    response = api.patch(f"/api/v1/contacts/{contact.pk}/", {"partner_organization": other_org.pk})

    assert fields_of(problem_of(response, 400)) == ["partner_organization"]


def test_partner_bound_key_sees_and_changes_only_its_own_organizations_contacts(tenant, partner_org, other_org):
    mine = make_contact(tenant, partner_org, name="Mine")
    theirs = make_contact(tenant, other_org, name="Theirs")
    _, raw = make_api_key(tenant, scopes=["partners:read", "partners:write"], partner_organization=partner_org)
    api = key_client(raw)

    listed = api.get("/api/v1/contacts/")
    created = api.post("/api/v1/contacts/", {"partner_organization": partner_org.pk, "name": "New Mine"})
    elsewhere = api.post("/api/v1/contacts/", {"partner_organization": other_org.pk, "name": "Planted"})

    assert [row["name"] for row in listed.json()["results"]] == ["Mine"]
    assert created.status_code == 201
    assert fields_of(problem_of(elsewhere, 400)) == ["partner_organization"]
    assert api.get(f"/api/v1/contacts/{theirs.pk}/").status_code == 404
    assert api.patch(f"/api/v1/contacts/{theirs.pk}/", {"name": "Hijacked"}).status_code == 404
    assert api.delete(f"/api/v1/contacts/{theirs.pk}/").status_code == 404
    assert api.get(f"/api/v1/contacts/{mine.pk}/").status_code == 200
    assert contacts_of(tenant, other_org) == [("Theirs", False)]


def test_a_key_without_the_partners_scope_is_refused(tenant):
    _, raw = make_api_key(tenant, scopes=["events:read"])

    assert key_client(raw).get("/api/v1/contacts/").status_code == 403


def test_contacts_api_list_query_count_does_not_grow(api, tenant, partner_org):
    def count():
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/contacts/").status_code == 200
        return len(captured)

    for n in range(3):
        make_contact(tenant, partner_org, name=f"Person {n}")
    count()  # the first request of a key looks it up; later ones find it cached
    with_3 = count()
    for n in range(27):
        make_contact(tenant, partner_org, name=f"More {n}")

    assert count() == with_3
