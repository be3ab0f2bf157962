"""The certifications API: definitions and awards (who is certified), read-only, scoped like every endpoint."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from enablement.models import CertificationAward
from prm.tenancy import tenant_context
from tests.api.conftest import key_client, problem_of
from tests.enablement.certifications_support import certify, program, revoke
from tests.enablement.factories import CertificationFactory, CourseFactory
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, make_api_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    p = program()
    colleague = PartnerUserFactory(
        tenant=p.tenant, partner_organization=p.partner, role="partner_sales", user__email="colleague@northwind.example"
    )
    other_org = PartnerOrganizationFactory(tenant=p.tenant, name="Other Partner")
    outsider = PartnerUserFactory(tenant=p.tenant, partner_organization=other_org, role="partner_sales")
    mine = certify(p)
    theirs = certify(p, colleague)
    outside = certify(p, outsider)
    retired = CertificationFactory(tenant=p.tenant, courses=[CourseFactory(tenant=p.tenant)], name="Retired")
    with tenant_context(p.tenant):
        retired.active = False
        retired.save()
    return {
        "p": p,
        "colleague": colleague,
        "other_org": other_org,
        "mine": mine,
        "theirs": theirs,
        "outside": outside,
        "retired": retired,
    }


def client_for(tenant, **kwargs):
    return key_client(make_api_key(tenant, scopes=["certifications:read"], **kwargs)[1])


def ids(response):
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


def test_a_crm_lists_who_is_certified_with_filters(world):
    p = world["p"]
    api = client_for(p.tenant)
    assert ids(api.get("/api/v1/certification-awards/")) == sorted(
        a.pk for a in (world["mine"], world["theirs"], world["outside"])
    )
    assert ids(api.get(f"/api/v1/certification-awards/?partner_organization={p.partner.pk}")) == sorted(
        [world["mine"].pk, world["theirs"].pk]
    )
    assert ids(api.get(f"/api/v1/certification-awards/?user={p.learner.user_id}")) == [world["mine"].pk]
    assert ids(api.get(f"/api/v1/certification-awards/?certification={p.certification.pk}")) != []
    revoke(p, world["theirs"])
    with tenant_context(p.tenant):
        CertificationAward.objects.filter(pk=world["outside"].pk).update(expires_at=timezone.now() - timedelta(days=1))
    assert ids(api.get("/api/v1/certification-awards/?active=true")) == [world["mine"].pk]
    assert ids(api.get("/api/v1/certification-awards/?active=false")) == sorted(
        [world["theirs"].pk, world["outside"].pk]
    )
    assert ids(api.get("/api/v1/certification-awards/?state=revoked")) == [world["theirs"].pk]
    row = api.get(f"/api/v1/certification-awards/{world['mine'].pk}/").json()
    assert row["certification_name"] == "Certified Seller" and row["recipient_name"] == "Ada Byron"
    assert row["partner_organization"] == p.partner.pk and row["state"] == "valid" and row["is_valid"] is True
    assert row["verification_url"].endswith(f"/verify/{world['mine'].verification_code}/")


def test_certifications_list_their_requirements(world):
    p = world["p"]
    api = client_for(p.tenant)
    rows = {row["name"]: row for row in api.get("/api/v1/certifications/").json()["results"]}
    assert rows["Certified Seller"]["required_courses"] == sorted(c.pk for c in p.courses)
    assert rows["Certified Seller"]["validity_months"] == 12 and rows["Retired"]["active"] is False


def test_a_partner_bound_key_sees_its_own_people_and_active_certifications_only(world):
    p = world["p"]
    api = client_for(p.tenant, partner_organization=p.partner)
    assert ids(api.get("/api/v1/certification-awards/")) == sorted([world["mine"].pk, world["theirs"].pk])
    response = api.get(f"/api/v1/certification-awards/{world['outside'].pk}/")
    problem_of(response, 404)
    names = [row["name"] for row in api.get("/api/v1/certifications/").json()["results"]]
    assert "Retired" not in names and "Certified Seller" in names
    problem_of(api.get(f"/api/v1/certifications/{world['retired'].pk}/"), 404)


def test_a_partner_seller_signed_in_sees_only_their_own_awards(world):
    p = world["p"]
    client = APIClient()
    client.force_login(world["colleague"].user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/api/v1/certification-awards/", HTTP_X_TENANT=p.tenant.slug)
    assert ids(response) == [world["theirs"].pk]
    problem_of(client.get(f"/api/v1/certification-awards/{world['mine'].pk}/", HTTP_X_TENANT=p.tenant.slug), 404)


def test_another_tenants_key_gets_404_on_awards_and_a_key_without_the_scope_403(world):
    p = world["p"]
    other = program("otherco")
    problem_of(client_for(other.tenant).get(f"/api/v1/certification-awards/{world['mine'].pk}/"), 404)
    assert ids(client_for(other.tenant).get("/api/v1/certification-awards/")) == []
    no_scope = key_client(make_api_key(p.tenant, scopes=["deals:read"])[1])
    problem = problem_of(no_scope.get("/api/v1/certification-awards/"), 403)
    assert "certifications:read" in problem["detail"]


def test_the_awards_are_read_only(world):
    api = key_client(make_api_key(world["p"].tenant, scopes=["certifications:write"])[1])
    assert api.post("/api/v1/certification-awards/", {}, format="json").status_code == 405
    assert api.delete(f"/api/v1/certification-awards/{world['mine'].pk}/").status_code == 405


def test_the_award_list_runs_a_constant_number_of_queries(world):
    p = world["p"]
    api = client_for(p.tenant)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/certification-awards/").status_code == 200
            assert api.get("/api/v1/certifications/").status_code == 200
        return len(captured)

    count()  # the key's first use is stamped once
    before = count()
    for _n in range(3):
        certify(p, PartnerUserFactory(tenant=p.tenant))
        CertificationFactory(tenant=p.tenant, courses=[CourseFactory(tenant=p.tenant)])
    assert count() == before
