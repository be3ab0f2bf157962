"""A key bound to a partner organization sees and does only what that partner's admin could."""

import pytest

from partners.models import PartnerOrganization
from prm.api.keys import ALL_SCOPES
from prm.models import Invitation
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.api.conftest import key_client, problem_of
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, make_api_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_org(tenant):
    return PartnerOrganizationFactory(tenant=tenant, name="Other Partner")


@pytest.fixture
def bound(tenant, partner_org):
    return key_client(make_api_key(tenant, scopes=ALL_SCOPES, partner_organization=partner_org)[1])


def test_lists_only_its_own_organization(bound, partner_org, other_org):
    response = bound.get("/api/v1/partners/")
    assert [p["id"] for p in response.json()["results"]] == [partner_org.pk]


def test_reads_its_own_organization_and_gets_404_on_others(bound, partner_org, other_org):
    assert bound.get(f"/api/v1/partners/{partner_org.pk}/").status_code == 200
    problem_of(bound.get(f"/api/v1/partners/{other_org.pk}/"), 404)


def test_cannot_create_partners(bound, tenant):
    body = problem_of(bound.post("/api/v1/partners/", {"name": "Sneaky"}, format="json"), 403)
    assert "may read these objects but not change them" in body["detail"]
    with tenant_context(tenant):
        assert not PartnerOrganization.objects.filter(name="Sneaky").exists()


def test_cannot_change_even_its_own_organization(bound, partner_org, tenant):
    problem_of(bound.patch(f"/api/v1/partners/{partner_org.pk}/", {"name": "Renamed"}, format="json"), 404)
    with tenant_context(tenant):
        partner_org.refresh_from_db()
    assert partner_org.name == "Northwind Secure"


def test_sees_only_its_organizations_people(bound, tenant, partner_org, other_org, tenant_admin):
    own = PartnerUserFactory(tenant=tenant, partner_organization=partner_org, role=Role.PARTNER_SALES)
    PartnerUserFactory(tenant=tenant, partner_organization=other_org)
    response = bound.get("/api/v1/members/")
    assert response.status_code == 200
    assert {m["id"] for m in response.json()["results"]} == {own.pk}
    problem_of(bound.get(f"/api/v1/members/{tenant_admin.pk}/"), 404)


def test_invites_only_into_its_own_organization(bound, tenant, partner_org, other_org):
    body = {"email": "colleague@northwind.example", "role": Role.PARTNER_SALES, "partner_organization": other_org.pk}
    response = bound.post("/api/v1/invitations/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["partner_organization"] == partner_org.pk
    staff = {"email": "boss@northwind.example", "role": Role.TENANT_ADMIN}
    problem_of(bound.post("/api/v1/invitations/", staff, format="json"), 404)
    with tenant_context(tenant):
        assert list(Invitation.objects.values_list("email", flat=True)) == ["colleague@northwind.example"]


def test_gets_404_on_the_events_log(bound):
    problem_of(bound.get("/api/v1/events/"), 404)
