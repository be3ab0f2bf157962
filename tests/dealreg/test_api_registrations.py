"""The deals API: create (draft or submitted), update before review, upsert by external_id, Idempotency-Key,
updated_since, the workflow actions, won/lost from the CRM, the dry-run conflict check, and partner-bound keys
that see only their own organization's deals and never who holds a conflicting customer."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from dealreg import services
from dealreg.models import DealRegistration, DealStatus
from prm.api.keys import ALL_SCOPES
from prm.tenancy import tenant_context
from tests.api.conftest import fields_of, key_client, problem_of
from tests.dealreg.helpers import events_of, in_days, refreshed
from tests.factories import make_api_key

pytestmark = pytest.mark.django_db


def body(**overrides):
    data = {
        "customer_name": "Initech GmbH",
        "customer_website": "initech.de",
        "customer_country": "DE",
        "amount": "48000.00",
        "currency": "USD",
        "expected_close_date": in_days(30).isoformat(),
    }
    data.update(overrides)
    return data


@pytest.fixture
def crm(tenant):
    """A tenant key for the CRM integration (acts as the program)."""
    return key_client(make_api_key(tenant, scopes=["deals:write", "crm:write"], name="Salesforce")[1])


@pytest.fixture
def partner_key(tenant, partner_org):
    return key_client(make_api_key(tenant, scopes=["deals:write"], partner_organization=partner_org, name="P")[1])


@pytest.fixture
def other_partner_key(tenant, other_org):
    return key_client(make_api_key(tenant, scopes=ALL_SCOPES, partner_organization=other_org, name="O")[1])


def test_a_partner_key_registers_and_submits_a_deal_for_its_own_organization(tenant, partner_org, partner_key):
    response = partner_key.post("/api/v1/deals/", body(submit=True), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "submitted"
    assert data["partner_organization"] == partner_org.pk
    assert data["customer_domain"] == "initech.de"
    assert data["participants"] == [{"partner_organization": partner_org.pk, "role": "sourced", "share": "100.00"}]
    assert data["review_due_at"] and data["conflicts"] == []
    assert response["ETag"]
    assert "submit" not in data


def test_a_draft_is_created_updated_and_submitted(tenant, partner_key):
    created = partner_key.post("/api/v1/deals/", body(), format="json").json()
    assert created["status"] == "draft"
    url = f"/api/v1/deals/{created['id']}/"
    updated = partner_key.patch(url, {"amount": "52000.50", "stage": "proposal"}, format="json")
    assert updated.status_code == 200 and updated.json()["amount"] == "52000.50"
    submitted = partner_key.post(f"{url}submit/", {}, format="json")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-1"}, "amount"),
        ({"currency": "XYZ"}, "currency"),
        ({"currency": "usdollar"}, "currency"),
        ({"expected_close_date": "2001-01-01"}, "expected_close_date"),
        ({"customer_name": ""}, "customer_name"),
        ({"customer_website": "this is not a domain"}, "customer_website"),
        ({"customer_country": "DEU"}, "customer_country"),
        ({"line_items": [{"product": 999999, "quantity": 1}]}, "line_items[0].product"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_saved(tenant, partner_key, overrides, field):
    response = partner_key.post("/api/v1/deals/", body(**overrides), format="json")
    assert fields_of(problem_of(response, 400)) == [field]
    with tenant_context(tenant):
        assert DealRegistration.objects.count() == 0


def test_missing_required_fields_are_named(partner_key):
    response = partner_key.post("/api/v1/deals/", {"customer_name": "Initech"}, format="json")
    assert set(fields_of(problem_of(response, 400))) >= {"currency", "expected_close_date"}


def test_the_crm_upserts_by_external_id_and_replays_with_an_idempotency_key(tenant, partner_org, crm):
    first = crm.post(
        "/api/v1/deals/",
        body(partner_organization=partner_org.pk, external_id="SF-REG-1"),
        format="json",
        HTTP_IDEMPOTENCY_KEY="reg-1",
    )
    assert first.status_code == 201
    replay = crm.post(
        "/api/v1/deals/",
        body(partner_organization=partner_org.pk, external_id="SF-REG-1"),
        format="json",
        HTTP_IDEMPOTENCY_KEY="reg-1",
    )
    assert replay.status_code == 201 and replay.json()["id"] == first.json()["id"]
    again = crm.post("/api/v1/deals/", body(external_id="SF-REG-1", amount="50000"), format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert again.json()["amount"] == "50000.00"
    with tenant_context(tenant):
        assert DealRegistration.objects.count() == 1


def test_staff_keys_must_name_the_partner(crm):
    assert fields_of(problem_of(crm.post("/api/v1/deals/", body(), format="json"), 400)) == ["partner_organization"]


def test_updated_since_and_filters(tenant, partner_key, register, other_partner):
    mine = register()
    register(actor=other_partner, customer_name="Globex", customer_website="globex.com")
    with tenant_context(tenant):
        DealRegistration.objects.filter(pk=mine.pk).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    listed = partner_key.get("/api/v1/deals/").json()["results"]
    assert [row["id"] for row in listed] == [mine.pk]  # only its own organization's
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert partner_key.get("/api/v1/deals/", {"updated_since": since}).json()["results"] == []
    assert len(partner_key.get("/api/v1/deals/", {"status": "submitted"}).json()["results"]) == 1


def test_partner_keys_never_see_another_organizations_deal(tenant, partner_key, register, other_partner):
    theirs = register(actor=other_partner)
    for method, url in [
        ("get", f"/api/v1/deals/{theirs.pk}/"),
        ("patch", f"/api/v1/deals/{theirs.pk}/"),
        ("post", f"/api/v1/deals/{theirs.pk}/withdraw/"),
        ("post", f"/api/v1/deals/{theirs.pk}/won/"),
    ]:
        problem_of(getattr(partner_key, method)(url, {}, format="json"), 404)
    assert refreshed(tenant, theirs).status == DealStatus.SUBMITTED


def test_partner_keys_cannot_decide(partner_key, register):
    registration = register()
    problem_of(partner_key.post(f"/api/v1/deals/{registration.pk}/approve/", {}, format="json"), 404)


def test_the_crm_approves_rejects_asks_and_closes(tenant, crm, register, partner_admin):
    registration = register()
    url = f"/api/v1/deals/{registration.pk}/"
    asked = crm.post(f"{url}request-info/", {"question": "Budget?"}, format="json")
    assert asked.status_code == 200 and asked.json()["status"] == "info_requested"
    # The partner answers through `submit`.
    with tenant_context(tenant):
        services.deal_answer(actor=partner_admin, registration=registration, answer="1M")
    approved = crm.post(f"{url}approve/", {"note": "Go"}, format="json").json()
    assert approved["status"] == "approved"
    assert approved["protected_until"] == (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    won = crm.post(
        f"{url}won/", {"closed_amount": "47500.00", "closed_date": timezone.localdate().isoformat()}, format="json"
    )
    assert won.status_code == 200, won.content
    assert (won.json()["status"], won.json()["closed_amount"]) == ("won", "47500.00")
    [event] = events_of(tenant, "deal.won")
    assert event.payload["closed_amount"] == "47500.00"
    assert event.actor_api_key_id is not None


def test_won_links_the_crm_opportunity_by_its_external_id(tenant, crm, channel_manager, crm_opportunity, register):
    opportunity = crm_opportunity("Initech", "initech.de", external_id="SF-OPP-7", is_closed=True)
    registration = register()
    with tenant_context(tenant):
        services.deal_approve(actor=channel_manager, registration=registration)
    url = f"/api/v1/deals/{registration.pk}/won/"
    unknown = crm.post(url, {"closed_amount": "100", "crm_opportunity": "SF-NOPE"}, format="json")
    assert fields_of(problem_of(unknown, 400)) == ["crm_opportunity"]
    won = crm.post(url, {"closed_amount": "100", "crm_opportunity": "SF-OPP-7"}, format="json")
    assert won.json()["crm_opportunity"] == "SF-OPP-7"
    assert refreshed(tenant, registration).crm_opportunity_id == opportunity.pk


def test_lost_needs_a_reason(tenant, crm, channel_manager, register):
    registration = register()
    with tenant_context(tenant):
        services.deal_approve(actor=channel_manager, registration=registration)
    url = f"/api/v1/deals/{registration.pk}/lost/"
    assert fields_of(problem_of(crm.post(url, {}, format="json"), 400)) == ["reason"]
    lost = crm.post(url, {"reason": "Chose a competitor"}, format="json").json()
    assert (lost["status"], lost["lost_reason"]) == ("lost", "Chose a competitor")
    assert len(events_of(tenant, "deal.lost")) == 1


@pytest.mark.parametrize(
    ("action", "data", "before", "after"),
    [
        ("won", {"closed_amount": "100"}, "Submitted", "Won"),
        ("lost", {"reason": "x"}, "Submitted", "Lost"),
        ("start-review", {}, "Approved", "Under review"),
        ("approve", {}, "Approved", "Approved"),
        ("reject", {"reason": "duplicate"}, "Approved", "Rejected"),
        ("request-info", {"question": "?"}, "Approved", "Information requested"),
        ("submit", {}, "Approved", "Submitted"),
    ],
)
def test_an_illegal_transition_is_a_409_naming_both_states(
    tenant, crm, channel_manager, register, action, data, before, after
):
    registration = register()
    if before == "Approved":
        with tenant_context(tenant):
            services.deal_approve(actor=channel_manager, registration=registration)
    response = crm.post(f"/api/v1/deals/{registration.pk}/{action}/", data, format="json")
    problem = problem_of(response, 409)
    assert f"from {before} to {after}" in problem["detail"]


def test_extension_through_the_api(tenant, partner_key, crm, channel_manager, register):
    registration = register()
    with tenant_context(tenant):
        approved = services.deal_approve(actor=channel_manager, registration=registration)
    requested = partner_key.post(
        f"/api/v1/deals/{registration.pk}/extend/", {"days": 15, "reason": "Legal review"}, format="json"
    )
    assert requested.status_code == 201 and requested.json()["status"] == "pending"
    decided = crm.post(f"/api/v1/deals/{registration.pk}/decide-extension/", {"approve": True}, format="json")
    assert decided.json()["protected_until"] == (approved.protected_until + datetime.timedelta(days=15)).isoformat()
    problem_of(crm.post(f"/api/v1/deals/{registration.pk}/decide-extension/", {"approve": True}, format="json"), 409)


def test_participants_through_the_api(tenant, crm, partner_org, other_org, register):
    registration = register()
    url = f"/api/v1/deals/{registration.pk}/participants/"
    # Two partners sourcing 80% and 30%: 110% of the deal counted as sourced.
    bad = crm.post(
        url,
        {
            "participants": [
                {"partner_organization": partner_org.pk, "role": "sourced", "share": "80"},
                {"partner_organization": other_org.pk, "role": "sourced", "share": "30"},
            ]
        },
        format="json",
    )
    assert fields_of(problem_of(bad, 400)) == ["participants"]
    good = crm.post(
        url,
        {
            "participants": [
                {"partner_organization": partner_org.pk, "role": "sourced", "share": "80"},
                {"partner_organization": other_org.pk, "role": "influenced", "share": "20"},
            ]
        },
        format="json",
    )
    assert len(good.json()["participants"]) == 2


# The dry-run conflict check ------------------------------------------------------------------------------------


def test_check_conflicts_shows_staff_every_match_with_ids_best_first_and_changes_nothing(
    tenant, crm, other_partner, crm_account, register
):
    registration = register(actor=other_partner)
    account = crm_account("Initech Deutschland", "initech.de")
    with tenant_context(tenant):
        before = DealRegistration.objects.count()
    response = crm.post(
        "/api/v1/deals/check-conflicts/",
        {"customer_name": "Initech GmbH", "customer_domain": "https://www.initech.de/", "customer_country": "DE"},
        format="json",
    )
    assert response.status_code == 200, response.content
    conflicts = response.json()["conflicts"]
    assert {(c["kind"], c["id"]) for c in conflicts} == {("registration", registration.pk), ("crm_account", account.pk)}
    assert [c["score"] for c in conflicts] == sorted((c["score"] for c in conflicts), reverse=True)
    assert all(set(c) == {"kind", "id", "score", "reason"} for c in conflicts)
    assert conflicts[0]["reason"] == "same domain"
    with tenant_context(tenant):
        assert DealRegistration.objects.count() == before


def test_check_conflicts_never_tells_a_partner_who_holds_the_customer(
    tenant, partner_key, other_partner, crm_opportunity, register
):
    theirs = register(actor=other_partner)
    crm_opportunity("Initech AG", "initech.de", external_id="SF-OPP-SECRET")
    response = partner_key.post(
        "/api/v1/deals/check-conflicts/", {"customer_name": "Initech", "customer_domain": "initech.de"}, format="json"
    )
    text = response.content.decode()
    conflicts = response.json()["conflicts"]
    assert {c["kind"] for c in conflicts} == {"registration", "crm_opportunity"}
    assert all(c["id"] is None for c in conflicts)
    assert {c["reason"] for c in conflicts} == {
        "This customer is already registered by another partner.",
        "This customer is already being worked by the vendor's sales team.",
    }
    assert other_partner.partner_organization.name not in text and "SF-OPP-SECRET" not in text
    assert str(theirs.pk) not in text.replace('"score"', "")


def test_a_partner_reading_its_registration_sees_conflicts_without_ids(
    tenant, partner_key, other_partner, register, crm_opportunity
):
    theirs = register(actor=other_partner)
    opportunity = crm_opportunity("Initech AG", "initech.de")
    mine = register(actor=None)
    data = partner_key.get(f"/api/v1/deals/{mine.pk}/").json()
    assert sorted(c["kind"] for c in data["conflicts"]) == ["crm_opportunity", "registration"]
    assert all(c["id"] is None for c in data["conflicts"])
    assert other_partner.partner_organization.name not in str(data)
    assert theirs.pk and opportunity.pk
    assert data["crm_opportunity"] is None


def test_check_conflicts_refuses_a_domain_that_is_not_one(crm):
    response = crm.post(
        "/api/v1/deals/check-conflicts/", {"customer_name": "Initech", "customer_domain": "not a domain"}, format="json"
    )
    assert fields_of(problem_of(response, 400)) == ["customer_domain"]


def test_check_conflicts_needs_write_scope_on_deals(tenant):
    reader = key_client(make_api_key(tenant, scopes=["deals:read"], name="Reader")[1])
    response = reader.post("/api/v1/deals/check-conflicts/", {"customer_name": "Initech"}, format="json")
    problem_of(response, 403)


def test_amounts_are_decimal_strings(tenant, partner_key):
    created = partner_key.post("/api/v1/deals/", body(amount="1234.5"), format="json").json()
    assert created["amount"] == "1234.50"
    with tenant_context(tenant):
        assert DealRegistration.objects.get().amount == Decimal("1234.50")
