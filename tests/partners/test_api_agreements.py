"""The agreements API: agreements with their published versions, and acceptance evidence for CRM sync."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners import services
from partners.models import PartnerType
from prm.api.keys import ALL_SCOPES
from prm.tenancy import tenant_context
from tests.api.conftest import key_client, problem_of
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, TenantFactory, make_agreement, make_api_key

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def bound(tenant, partner_org):
    return key_client(make_api_key(tenant, scopes=["agreements:read"], partner_organization=partner_org)[1])


@pytest.fixture
def world(tenant, tenant_admin, partner_org, partner_admin):
    """The program agreement (v1 accepted by our partner, then v2 published), an MSP addendum, a draft, and an
    acceptance by another partner."""
    program, v1 = make_agreement(tenant, actor=tenant_admin, body="Version one.")
    msp, msp_v1 = make_agreement(tenant, actor=tenant_admin, name="MSP addendum", partner_type=PartnerType.MSP)
    draft, _ = make_agreement(tenant, actor=tenant_admin, name="Draft terms", publish=False)
    other = PartnerUserFactory(tenant=tenant, partner_organization__name="Other Partner")
    with tenant_context(tenant):
        mine, _ = services.agreement_accept(actor=partner_admin, version=v1, ip_address="192.0.2.10")
        theirs, _ = services.agreement_accept(actor=other, version=v1, ip_address="192.0.2.99")
        v2 = services.agreement_version_create(actor=tenant_admin, agreement=program, body="Version two.")
        services.agreement_version_publish(actor=tenant_admin, version=v2, reaccept_by=NOW.date() + timedelta(days=10))
    return {
        "program": program,
        "v1": v1,
        "v2": v2,
        "msp": msp,
        "draft": draft,
        "mine": mine,
        "theirs": theirs,
        "other_org": other.partner_organization,
    }


def test_staff_key_lists_every_agreement_with_its_published_versions(api, world):
    response = api.get("/api/v1/agreements/?ordering=name")
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()["results"]}
    assert set(rows) == {"Partner program agreement", "MSP addendum", "Draft terms"}
    program = rows["Partner program agreement"]
    assert [v["number"] for v in program["versions"]] == [2, 1]
    assert program["versions"][0]["body"] == "Version two."
    assert program["versions"][0]["body_sha256"] == hashlib.sha256(b"Version two.").hexdigest()
    assert program["versions"][0]["reaccept_by"] == "2025-09-11"
    assert program["acceptance"] is None
    assert rows["Draft terms"]["versions"] == []  # drafts are never shown
    assert rows["MSP addendum"]["partner_type"] == "msp"


def test_partner_key_sees_the_agreements_that_apply_with_its_acceptance_state(bound, world, frozen):
    response = bound.get("/api/v1/agreements/")
    [program] = response.json()["results"]
    assert program["name"] == "Partner program agreement"
    assert program["acceptance"] == {
        "state": "needs_acceptance",
        "version": world["v2"].pk,
        "accepted_at": None,
        "reaccept_by": "2025-09-11",
        "last_accepted_number": 1,
        "last_accepted_at": "2025-09-01T08:00:00Z",
    }
    frozen.move_to(NOW + timedelta(days=11))
    assert bound.get("/api/v1/agreements/").json()["results"][0]["acceptance"]["state"] == "overdue"


def test_partner_key_sees_accepted_after_accepting_the_new_version(bound, world, tenant, partner_admin):
    with tenant_context(tenant):
        services.agreement_accept(actor=partner_admin, version=world["v2"])
    acceptance = bound.get(f"/api/v1/agreements/{world['program'].pk}/").json()["acceptance"]
    assert (acceptance["state"], acceptance["accepted_at"], acceptance["last_accepted_number"]) == (
        "accepted",
        "2025-09-01T08:00:00Z",
        2,
    )


def test_partner_key_gets_404_on_agreements_that_do_not_apply_or_are_drafts(bound, world):
    response = bound.get(f"/api/v1/agreements/{world['program'].pk}/")
    assert response.status_code == 200 and response["ETag"]
    problem_of(bound.get(f"/api/v1/agreements/{world['msp'].pk}/"), 404)
    problem_of(bound.get(f"/api/v1/agreements/{world['draft'].pk}/"), 404)


def test_acceptances_carry_the_evidence_and_staff_see_all(api, world, partner_org, partner_admin):
    response = api.get("/api/v1/agreement-acceptances/")
    rows = {row["id"]: row for row in response.json()["results"]}
    assert set(rows) == {world["mine"].pk, world["theirs"].pk}
    mine = rows[world["mine"].pk]
    assert mine == {
        "id": world["mine"].pk,
        "agreement": world["program"].pk,
        "agreement_name": "Partner program agreement",
        "version": world["v1"].pk,
        "number": 1,
        "partner_organization": partner_org.pk,
        "partner_organization_name": "Northwind Secure",
        "user_email": partner_admin.user.email,
        "user_name": partner_admin.user.get_full_name(),
        "accepted_at": "2025-09-01T08:00:00Z",
        "ip_address": "192.0.2.10",
        "text": "Version one.",
        "text_sha256": hashlib.sha256(b"Version one.").hexdigest(),
        "updated_at": "2025-09-01T08:00:00Z",
    }


def test_partner_key_sees_only_its_own_acceptances(bound, world):
    response = bound.get("/api/v1/agreement-acceptances/")
    assert [row["id"] for row in response.json()["results"]] == [world["mine"].pk]
    assert "Other Partner" not in response.content.decode()
    problem_of(bound.get(f"/api/v1/agreement-acceptances/{world['theirs'].pk}/"), 404)
    assert bound.get(f"/api/v1/agreement-acceptances/{world['mine'].pk}/").status_code == 200


def test_acceptances_filter_by_partner_version_agreement_and_updated_since(api, world, frozen, tenant, partner_admin):
    def ids(query):
        response = api.get(f"/api/v1/agreement-acceptances/?{query}")
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    frozen.move_to(NOW + timedelta(days=1))
    with tenant_context(tenant):
        newest, _ = services.agreement_accept(actor=partner_admin, version=world["v2"])
    assert ids(f"partner_organization={world['other_org'].pk}") == {world["theirs"].pk}
    assert ids(f"version={world['v2'].pk}") == {newest.pk}
    assert ids(f"agreement={world['program'].pk}") == {world["mine"].pk, world["theirs"].pk, newest.pk}
    assert ids(f"agreement={world['msp'].pk}") == set()
    assert ids("updated_since=2025-09-02T00:00:00Z") == {newest.pk}
    problem_of(api.get("/api/v1/agreement-acceptances/?version=abc"), 400)


def test_the_api_is_read_only_and_needs_the_agreements_scope(api, world, tenant):
    assert api.post("/api/v1/agreements/", {"name": "Mine"}, format="json").status_code == 405
    assert api.post("/api/v1/agreement-acceptances/", {}, format="json").status_code == 405
    no_scope = key_client(make_api_key(tenant, scopes=["partners:read"])[1])
    body = problem_of(no_scope.get("/api/v1/agreements/"), 403)
    assert "agreements:read" in body["detail"]


def test_another_tenants_key_sees_nothing(world):
    other_key = key_client(make_api_key(TenantFactory(slug="globex"), scopes=ALL_SCOPES)[1])
    assert other_key.get("/api/v1/agreements/").json()["results"] == []
    assert other_key.get("/api/v1/agreement-acceptances/").json()["results"] == []
    problem_of(other_key.get(f"/api/v1/agreements/{world['program'].pk}/"), 404)
    problem_of(other_key.get(f"/api/v1/agreement-acceptances/{world['mine'].pk}/"), 404)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured)


def add_rows(tenant, admin, count, start):
    for n in range(start, start + count):
        _, version = make_agreement(tenant, actor=admin, name=f"Agreement {n}")
        for partner in PartnerOrganizationFactory.create_batch(2, tenant=tenant):
            member = PartnerUserFactory(tenant=tenant, partner_organization=partner)
            with tenant_context(tenant):
                services.agreement_accept(actor=member, version=version)


@pytest.mark.parametrize("url", ["/api/v1/agreements/", "/api/v1/agreement-acceptances/"])
def test_list_query_counts_do_not_grow(tenant, tenant_admin, partner_org, partner_admin, api, url):
    partner_key = key_client(make_api_key(tenant, scopes=["agreements:read"], partner_organization=partner_org)[1])
    add_rows(tenant, tenant_admin, 2, 0)
    api.get(url), partner_key.get(url)  # a key's first use records its last-used time: not part of the count
    few = (_queries(api, url), _queries(partner_key, url))
    add_rows(tenant, tenant_admin, 6, 2)
    assert (_queries(api, url), _queries(partner_key, url)) == few
