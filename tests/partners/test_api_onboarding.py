"""GET /api/v1/onboarding/: every onboarding with its status, progress and steps; partner-bound keys see their own."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners.models import PartnerStatus
from prm.api.keys import ALL_SCOPES
from tests.api.conftest import key_client, problem_of
from tests.factories import PartnerOrganizationFactory, make_api_key
from tests.partners.onboarding_support import emit, make_plan, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(tenant):
    return make_plan(tenant)


@pytest.fixture
def running(tenant, partner_org, plan):
    onboarding = start(tenant, partner_org)
    emit(tenant, "agreement.accepted", subject=partner_org, payload={"partner_organization_id": partner_org.pk})
    return onboarding


@pytest.fixture
def other(tenant, plan):
    partner = PartnerOrganizationFactory(tenant=tenant, name="Contoso Networks", status=PartnerStatus.ONBOARDING)
    return start(tenant, partner)


def test_an_onboarding_with_its_progress_and_steps(api, running, partner_org):
    response = api.get(f"/api/v1/onboarding/{running.pk}/")
    assert response.status_code == 200 and response["ETag"]
    body = response.json()
    assert body["partner_organization"] == partner_org.pk and body["status"] == "in_progress"
    assert body["plan_name"] == "Reseller onboarding"
    assert body["progress"] == {"required": 2, "required_done": 1, "total": 3, "done": 1, "percent": 50}
    agreement, course, deal = body["steps"]
    assert (agreement["title"], agreement["status"], agreement["kind"]) == (
        "Accept the agreement",
        "done",
        "accept_agreement",
    )
    assert agreement["completed_by_event"] and agreement["completed_at"]
    assert (course["status"], course["condition"], course["completion_event"]) == (
        "open",
        {"course_id": 12},
        "course.completed",
    )
    assert deal["required"] is False


def test_filters_by_partner_and_status(api, running, other, partner_org):
    ids = lambda response: [o["id"] for o in response.json()["results"]]  # noqa: E731
    assert sorted(ids(api.get("/api/v1/onboarding/"))) == sorted([running.pk, other.pk])
    assert ids(api.get(f"/api/v1/onboarding/?partner_organization={partner_org.pk}")) == [running.pk]
    assert ids(api.get("/api/v1/onboarding/?status=completed")) == []
    problem_of(api.get("/api/v1/onboarding/?status=finished"), 400)


def test_a_partner_bound_key_sees_only_its_organizations_onboarding(tenant, partner_org, running, other):
    bound = key_client(make_api_key(tenant, scopes=["onboarding:read"], partner_organization=partner_org)[1])
    assert [o["id"] for o in bound.get("/api/v1/onboarding/").json()["results"]] == [running.pk]
    assert bound.get(f"/api/v1/onboarding/{running.pk}/").status_code == 200
    problem_of(bound.get(f"/api/v1/onboarding/{other.pk}/"), 404)


def test_a_key_without_the_onboarding_scope_is_refused(tenant, running):
    client = key_client(make_api_key(tenant, scopes=["partners:read"])[1])
    body = problem_of(client.get("/api/v1/onboarding/"), 403)
    assert "onboarding:read" in body["detail"]


def test_another_tenants_key_gets_404(other_tenant, running):
    client = key_client(make_api_key(other_tenant, scopes=ALL_SCOPES)[1])
    problem_of(client.get(f"/api/v1/onboarding/{running.pk}/"), 404)
    assert client.get("/api/v1/onboarding/").json()["results"] == []


def test_the_api_is_read_only(api, running):
    assert api.post("/api/v1/onboarding/", {}, format="json").status_code == 405
    assert api.patch(f"/api/v1/onboarding/{running.pk}/", {"status": "completed"}, format="json").status_code == 405


def test_the_list_runs_the_same_queries_for_3_or_30_onboardings(tenant, api, plan):
    def count():
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/onboarding/").status_code == 200
        return len(captured)

    for partner in PartnerOrganizationFactory.create_batch(3, tenant=tenant, status=PartnerStatus.ONBOARDING):
        start(tenant, partner)
    api.get("/api/v1/onboarding/")  # the key's first use records its last-used time: not part of the count
    with_3 = count()
    for partner in PartnerOrganizationFactory.create_batch(27, tenant=tenant, status=PartnerStatus.ONBOARDING):
        start(tenant, partner)
    assert count() == with_3
