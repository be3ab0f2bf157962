"""A key acts inside its own program only: another program's objects are 404 and never appear in lists."""

import pytest

from partners.models import PartnerOrganization
from prm.api.keys import ALL_SCOPES
from prm.tenancy import tenant_context
from tests.api.conftest import fields_of, key_client, problem_of
from tests.factories import PartnerOrganizationFactory, make_api_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def a_partner(tenant):
    return PartnerOrganizationFactory(tenant=tenant, name="Alpha Partner", external_id="crm-1")


@pytest.fixture
def b_client(other_tenant):
    return key_client(make_api_key(other_tenant, scopes=ALL_SCOPES)[1])


def test_key_of_tenant_b_gets_404_on_tenant_a_partner(a_partner, b_client):
    problem_of(b_client.get(f"/api/v1/partners/{a_partner.pk}/"), 404)


def test_key_of_tenant_b_cannot_change_tenant_a_partner(a_partner, b_client, tenant):
    for method in ("patch", "put"):
        response = getattr(b_client, method)(f"/api/v1/partners/{a_partner.pk}/", {"name": "Hijacked"}, format="json")
        problem_of(response, 404)
    with tenant_context(tenant):
        assert PartnerOrganization.objects.get(pk=a_partner.pk).name == "Alpha Partner"


def test_key_of_tenant_b_lists_only_its_own_partners(a_partner, b_client, other_tenant):
    PartnerOrganizationFactory(tenant=other_tenant, name="Beta Partner")
    response = b_client.get("/api/v1/partners/")
    assert [p["name"] for p in response.json()["results"]] == ["Beta Partner"]
    assert b_client.get("/api/v1/partners/", {"external_id": "crm-1"}).json()["results"] == []


def test_upsert_never_reaches_another_tenants_external_id(a_partner, b_client, tenant, other_tenant):
    response = b_client.post("/api/v1/partners/", {"name": "Beta copy", "external_id": "crm-1"}, format="json")
    assert response.status_code == 201
    with tenant_context(tenant):
        assert PartnerOrganization.objects.get(pk=a_partner.pk).name == "Alpha Partner"
    with tenant_context(other_tenant):
        assert PartnerOrganization.objects.get(external_id="crm-1").name == "Beta copy"


def test_naming_another_tenants_organization_in_a_body_is_400(a_partner, b_client):
    body = {"email": "new@beta.example", "role": "partner_admin", "partner_organization": a_partner.pk}
    response = b_client.post("/api/v1/invitations/", body, format="json")
    assert fields_of(problem_of(response, 400)) == ["partner_organization"]
