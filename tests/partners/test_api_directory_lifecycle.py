"""The lifecycle over the API: POST /api/v1/partners/{id}/<step>/ with a reason; 409 problem for a step the
status does not allow; offboarding revokes the partner's keys at once, even one cached a moment before."""

import pytest
from rest_framework.test import APIClient

from partners.models import PartnerOrganization, PartnerStatus
from prm.api.keys import ALL_SCOPES
from prm.models import Event
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.api.conftest import fields_of, key_client, problem_of
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory, make_api_key

pytestmark = pytest.mark.django_db

# Where each step may start (the rest of the table is the recruitment's: approve, mark as applied).
SOURCES = {
    "activate": {"onboarding"},
    "suspend": {"onboarding", "active"},
    "offboard": {"onboarding", "active", "suspended"},
    "reactivate": {"suspended", "offboarded"},
    "reject": {"prospect", "applied"},
}
ILLEGAL = [
    (status, step) for step, sources in SOURCES.items() for status in PartnerStatus.values if status not in sources
]
LEGAL = [(status, step) for step, sources in SOURCES.items() for status in sorted(sources)]
REASON = "Contract ended."


@pytest.fixture
def api(tenant):
    return key_client(make_api_key(tenant, scopes=["partners:write"], name="CRM")[1])


def url(partner, step):
    return f"/api/v1/partners/{partner.pk}/{step}/"


def status_of(tenant, partner):
    with tenant_context(tenant):
        return PartnerOrganization.objects.get(pk=partner.pk).status


@pytest.mark.parametrize(("status", "step"), ILLEGAL)
def test_step_the_status_does_not_allow_is_a_409_problem(api, tenant, status, step):
    partner = PartnerOrganizationFactory(tenant=tenant, status=status)
    body = problem_of(api.post(url(partner, step), {"reason": REASON}, format="json"), 409)
    assert partner.name in body["detail"]
    assert status_of(tenant, partner) == status


@pytest.mark.parametrize(("status", "step"), LEGAL)
def test_allowed_step_answers_the_partner_and_records_the_event(api, tenant, status, step):
    partner = PartnerOrganizationFactory(tenant=tenant, status=status)
    response = api.post(url(partner, step), {"reason": REASON}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == status_of(tenant, partner) != status
    assert response.json()["status_reason"] == REASON and response["ETag"]
    with tenant_context(tenant):
        event = Event.objects.get(type__startswith="partner.")
    assert event.payload["from"] == status and event.actor_api_key_id is not None


@pytest.mark.parametrize("step", ["suspend", "offboard", "reject"])
def test_steps_that_take_access_away_need_a_reason(api, tenant, step):
    partner = PartnerOrganizationFactory(tenant=tenant, status=sorted(SOURCES[step])[0])
    body = problem_of(api.post(url(partner, step), {}, format="json"), 400)
    assert fields_of(body) == ["reason"]
    body = problem_of(api.post(url(partner, step), {"reason": "  "}, format="json"), 400)
    assert fields_of(body) == ["reason"]


def test_read_only_key_is_refused_with_the_scope_named(tenant, partner_org):
    reader = key_client(make_api_key(tenant, scopes=["partners:read"])[1])
    body = problem_of(reader.post(url(partner_org, "suspend"), {"reason": REASON}, format="json"), 403)
    assert "partners:write" in body["detail"]


def test_partner_bound_key_cannot_change_its_own_status(tenant, partner_org):
    bound = key_client(make_api_key(tenant, scopes=ALL_SCOPES, partner_organization=partner_org)[1])
    problem_of(bound.post(url(partner_org, "reactivate"), {}, format="json"), 404)
    problem_of(bound.post(url(partner_org, "suspend"), {"reason": REASON}, format="json"), 404)
    assert status_of(tenant, partner_org) == PartnerStatus.ACTIVE


def test_other_tenants_partner_is_not_found(api, other_tenant):
    theirs = PartnerOrganizationFactory(tenant=other_tenant, name="Initech")
    problem_of(api.post(url(theirs, "suspend"), {"reason": REASON}, format="json"), 404)
    assert status_of(other_tenant, theirs) == PartnerStatus.ACTIVE


@pytest.mark.parametrize("role", [Role.ANALYST, Role.PARTNER_ADMIN])
def test_signed_in_users_without_the_right_get_404(tenant, partner_org, role):
    if role == Role.PARTNER_ADMIN:
        member = PartnerUserFactory(tenant=tenant, partner_organization=partner_org)
    else:
        member = StaffFactory(tenant=tenant, role=role)
    client = APIClient()
    client.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(url(partner_org, "suspend"), {"reason": REASON}, format="json", HTTP_X_TENANT=tenant.slug)
    problem_of(response, 404)


def test_offboarding_revokes_a_partner_key_at_once_even_when_cached(api, tenant, partner_org):
    bound = key_client(make_api_key(tenant, scopes=["partners:read"], partner_organization=partner_org)[1])
    assert bound.get(f"/api/v1/partners/{partner_org.pk}/").status_code == 200  # the key is now cached
    assert api.post(url(partner_org, "offboard"), {"reason": REASON}, format="json").status_code == 200
    problem_of(bound.get(f"/api/v1/partners/{partner_org.pk}/"), 401)


def test_offboarding_signs_out_a_partner_users_api_session(api, tenant, partner_org):
    person = PartnerUserFactory(tenant=tenant, partner_organization=partner_org)
    client = APIClient()
    client.force_login(person.user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(f"/api/v1/partners/{partner_org.pk}/", HTTP_X_TENANT=tenant.slug).status_code == 200
    api.post(url(partner_org, "offboard"), {"reason": REASON}, format="json")
    problem_of(client.get(f"/api/v1/partners/{partner_org.pk}/", HTTP_X_TENANT=tenant.slug), 401)


def test_offboarded_partner_comes_back_through_onboarding(api, tenant, partner_org):
    api.post(url(partner_org, "offboard"), {"reason": REASON}, format="json")
    response = api.post(url(partner_org, "reactivate"), {}, format="json")
    assert response.json()["status"] == PartnerStatus.ONBOARDING
    assert api.post(url(partner_org, "activate"), {}, format="json").json()["status"] == PartnerStatus.ACTIVE
