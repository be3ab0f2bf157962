"""The deal registration pages: the partner's list and form (with the live conflict check), a registration's page
and the partner's steps on it, the staff list and decision screen, rules of engagement and the public rules page."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from dealreg import services
from dealreg.models import DealRegistration, DealStatus, EngagementRules
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.dealreg.helpers import in_days, refreshed

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "customer_name": "Initech GmbH",
        "customer_website": "initech.de",
        "customer_country": "DE",
        "amount": "48000",
        "currency": "USD",
        "expected_close_date": in_days(30).isoformat(),
        "stage": "qualified",
        "deal_type": "new",
    }
    data.update(overrides)
    return data


def test_partner_registers_a_deal_from_the_form(client, tenant, partner_admin):
    login(client, partner_admin)
    page = client.get("/t/acme/deals/new/")
    assert page.status_code == 200
    assert b"Register a deal" in page.content and b"hx-post" in page.content

    response = client.post("/t/acme/deals/new/", form_data())

    with tenant_context(tenant):
        registration = DealRegistration.objects.get()
    assert response.status_code == 302 and response.url == f"/t/acme/deals/{registration.pk}/"
    assert registration.status == DealStatus.SUBMITTED
    detail = client.get(response.url)
    assert b"Initech GmbH is submitted" in detail.content
    assert b"A channel manager decides by" in detail.content


def test_partner_saves_a_draft_and_submits_it_from_its_page(client, tenant, partner_admin):
    login(client, partner_admin)
    response = client.post("/t/acme/deals/new/", form_data(save_draft="1"))
    with tenant_context(tenant):
        registration = DealRegistration.objects.get()
    assert registration.status == DealStatus.DRAFT
    assert b"Submit for review" in client.get(response.url).content
    client.post(f"/t/acme/deals/{registration.pk}/submit/")
    assert refreshed(tenant, registration).status == DealStatus.SUBMITTED


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount": "0"}, "amount", b"greater than zero"),
        ({"amount": "-10"}, "amount", b"greater than zero"),
        ({"currency": "XYZ"}, "currency", b"Select a valid choice"),
        ({"expected_close_date": "2001-01-01"}, "expected_close_date", b"in the past"),
        ({"customer_name": ""}, "customer_name", b"This field is required"),
        ({"customer_website": "no such domain"}, "customer_website", b"website or domain"),
    ],
)
def test_bad_input_on_the_form_is_a_400_beside_the_field_and_nothing_is_saved(
    client, tenant, partner_admin, overrides, field, message
):
    login(client, partner_admin)
    response = client.post("/t/acme/deals/new/", form_data(**overrides))
    assert response.status_code == 400
    assert message in response.content
    assert f'id="id_{field}-error"'.encode() in response.content
    with tenant_context(tenant):
        assert DealRegistration.objects.count() == 0


def test_the_live_check_warns_a_partner_without_saying_who(
    client, tenant, partner_admin, other_partner, crm_opportunity, register
):
    other = register(actor=other_partner, customer_name="Initech GmbH", customer_website="initech.de")
    opportunity = crm_opportunity("Initech AG", "initech.de", external_id="SF-OPP-42")
    login(client, partner_admin)
    response = client.post(
        "/t/acme/deals/check-conflicts/",
        {"customer_name": "Initech", "customer_website": "https://www.initech.de"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "This customer is already registered by another partner." in body
    assert "already being worked by the vendor&#x27;s sales team" in body
    assert other_partner.partner_organization.name not in body
    assert f"#{other.pk}" not in body and "SF-OPP-42" not in body and f"#{opportunity.pk}" not in body
    # Nothing typed yet, or nothing matching: no warning.
    quiet = client.post("/t/acme/deals/check-conflicts/", {"customer_name": "Zzyzx Unique Ltd"})
    assert b"Possible conflict" not in quiet.content


def test_the_live_check_shows_staff_every_conflict(client, tenant, channel_manager, other_partner, register):
    other = register(actor=other_partner)
    login(client, channel_manager)
    response = client.post(
        "/t/acme/deals/check-conflicts/", {"customer_name": "Initech", "customer_website": "initech.de"}
    )
    assert f"Registration #{other.pk}".encode() in response.content


def test_a_partner_sees_its_registrations_and_what_is_expected_of_it(
    client, tenant, partner_admin, other_partner, channel_manager, register
):
    question = register(customer_name="Hooli", customer_website="hooli.com")
    approved = register()
    register(actor=other_partner, customer_name="Xylophone Other Partner Deal", customer_website="xop-partner.com")
    with tenant_context(tenant):
        services.deal_request_info(actor=channel_manager, registration=question, question="Budget?")
        services.deal_approve(actor=channel_manager, registration=approved)
    login(client, partner_admin)
    response = client.get("/t/acme/deals/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "My registrations" in body
    assert "Answer the channel manager&#x27;s question" in body
    assert f"Protected until <strong>{date_format(refreshed(tenant, approved).protected_until)}</strong>" in body
    assert "Xylophone Other Partner Deal" not in body


def test_another_partners_registration_is_a_404(client, tenant, partner_admin, other_partner, register):
    theirs = register(actor=other_partner)
    login(client, partner_admin)
    for url in (f"/t/acme/deals/{theirs.pk}/", f"/t/acme/deals/{theirs.pk}/edit/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/t/acme/deals/{theirs.pk}/withdraw/").status_code == 404
    assert refreshed(tenant, theirs).status == DealStatus.SUBMITTED


def test_the_partner_answers_the_question_on_the_registrations_page(
    client, tenant, partner_admin, channel_manager, register
):
    registration = register()
    with tenant_context(tenant):
        services.deal_request_info(actor=channel_manager, registration=registration, question="Who signs?")
    login(client, partner_admin)
    page = client.get(f"/t/acme/deals/{registration.pk}/")
    assert b"Who signs?" in page.content and b"Send the answer" in page.content
    assert client.post(f"/t/acme/deals/{registration.pk}/answer/", {"answer": ""}).status_code == 400
    client.post(f"/t/acme/deals/{registration.pk}/answer/", {"answer": "The CFO"})
    assert refreshed(tenant, registration).status == DealStatus.SUBMITTED


def test_the_partner_edits_before_review(client, tenant, partner_admin, register):
    registration = register()
    login(client, partner_admin)
    assert client.get(f"/t/acme/deals/{registration.pk}/edit/").status_code == 200
    response = client.post(f"/t/acme/deals/{registration.pk}/edit/", form_data(amount="52000"))
    assert response.status_code == 302
    assert refreshed(tenant, registration).amount == Decimal("52000.00")


def test_an_illegal_step_is_a_400_naming_the_states(client, tenant, partner_admin, register):
    registration = register()
    login(client, partner_admin)
    response = client.post(f"/t/acme/deals/{registration.pk}/close/", {"outcome": "won", "closed_amount": "100"})
    assert response.status_code == 400
    assert b"cannot go from Submitted to Won" in response.content


def test_the_decision_screen_shows_conflicts_beside_the_registration_and_approves(
    client, tenant, channel_manager, partner_admin, other_partner, crm_account, register
):
    first = register(actor=other_partner)
    crm_account("Initech Deutschland", "initech.de", owner_name="Dana Direct")
    registration = register()
    login(client, channel_manager)
    page = client.get(f"/t/acme/deals/{registration.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Conflicts (2)" in body
    assert other_partner.partner_organization.name in body
    assert f"/t/acme/deals/{first.pk}/" in body and "Dana Direct" in body
    expected = timezone.localdate() + datetime.timedelta(days=90)
    assert f"Protected until <strong>{date_format(expected)}</strong>" in body

    response = client.post(f"/t/acme/deals/{registration.pk}/decide/", {"decision": "approve", "note": "Yours"})
    assert response.status_code == 302
    assert refreshed(tenant, registration).protected_until == expected
    # The second click (or a second manager) learns who decided.
    again = client.post(f"/t/acme/deals/{registration.pk}/decide/", {"decision": "reject", "reason": "duplicate"})
    assert again.status_code == 400
    assert b"Already approved by Casey Manager" in again.content


def test_reject_from_the_page_needs_a_reason(client, tenant, channel_manager, register):
    registration = register()
    login(client, channel_manager)
    response = client.post(f"/t/acme/deals/{registration.pk}/decide/", {"decision": "reject", "reason": ""})
    assert response.status_code == 400
    assert b"Choose the reason from the list" in response.content
    assert refreshed(tenant, registration).status == DealStatus.SUBMITTED


def test_attribution_from_the_page_refuses_shares_that_count_a_dollar_twice(
    client, tenant, channel_manager, partner_org, other_org, register
):
    registration = register()
    login(client, channel_manager)
    data = {
        "partner_organization": [partner_org.pk, other_org.pk],
        "role": ["sourced", "sourced"],
        "share": ["70", "40"],
    }
    response = client.post(f"/t/acme/deals/{registration.pk}/participants/", data)
    assert response.status_code == 400
    assert b"The sourced shares add up to 110%" in response.content
    data["role"] = ["sourced", "influenced"]
    assert client.post(f"/t/acme/deals/{registration.pk}/participants/", data).status_code == 302


def test_the_partner_requests_an_extension_and_closes_the_deal_won(
    client, tenant, partner_admin, channel_manager, partner_org, register, django_capture_on_commit_callbacks
):
    registration = register()
    with tenant_context(tenant):
        services.deal_approve(actor=channel_manager, registration=registration)
    login(client, partner_admin)
    client.post(f"/t/acme/deals/{registration.pk}/extension/", {"days": "30", "reason": "Procurement is slow"})
    with tenant_context(tenant):
        assert registration.extension_requests.get().days == 30
    with django_capture_on_commit_callbacks(execute=True):  # deal.won is relayed: partners stamp the first win
        response = client.post(
            f"/t/acme/deals/{registration.pk}/close/",
            {"outcome": "won", "closed_amount": "51000", "closed_date": timezone.localdate().isoformat()},
        )
    assert response.status_code == 302
    registration = refreshed(tenant, registration)
    assert (registration.status, registration.closed_amount) == (DealStatus.WON, Decimal("51000.00"))
    assert refreshed(tenant, partner_org).first_deal_won_at is not None


def test_staff_decide_an_extension_from_the_page(client, tenant, partner_admin, channel_manager, register):
    registration = register()
    with tenant_context(tenant):
        approved = services.deal_approve(actor=channel_manager, registration=registration)
        extension = services.deal_request_extension(actor=partner_admin, registration=registration, days=20, reason="A")
    login(client, channel_manager)
    assert b"asks <strong>20 more days</strong>" in client.get(f"/t/acme/deals/{registration.pk}/").content
    client.post(f"/t/acme/deals/{registration.pk}/extensions/{extension.pk}/", {"decision": "approve"})
    assert refreshed(tenant, registration).protected_until == approved.protected_until + datetime.timedelta(days=20)


def test_staff_list_filters_and_the_queue_sorts_oldest_first(client, tenant, channel_manager, other_partner, register):
    first = register(customer_name="Aardvark Inc", customer_website="aardvark.com", amount=Decimal("1000"))
    second = register(actor=other_partner, customer_name="Zebra Ltd", customer_website="zebra.com")
    login(client, channel_manager)
    listing = client.get("/t/acme/deals/", {"min_amount": "5000"}).content.decode()
    assert "Zebra Ltd" in listing and "Aardvark Inc" not in listing
    queue = client.get("/t/acme/deals/review/").content.decode()
    assert queue.index("Aardvark Inc") < queue.index("Zebra Ltd")
    only_conflicts = client.get("/t/acme/deals/review/", {"has_conflicts": "true"}).content.decode()
    assert "Aardvark Inc" not in only_conflicts
    overdue = client.get("/t/acme/deals/review/", {"sla": "overdue"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Nothing waits for review" in overdue or "No registration matches" in overdue
    assert first.pk != second.pk


def test_bulk_approve_from_the_queue(client, tenant, channel_manager, other_partner, register):
    first = register()
    second = register(actor=other_partner, customer_name="Zebra Ltd", customer_website="zebra.com")
    login(client, channel_manager)
    response = client.post(
        "/t/acme/deals/review/bulk/", {"registrations": [first.pk, second.pk], "decision": "approve"}, follow=True
    )
    assert b"2 registrations approved." in response.content
    assert refreshed(tenant, first).status == refreshed(tenant, second).status == DealStatus.APPROVED


def test_partners_and_analysts_have_no_queue(client, tenant, partner_admin):
    from tests.factories import StaffFactory

    login(client, partner_admin)
    assert client.get("/t/acme/deals/review/").status_code == 404
    login(client, StaffFactory(tenant=tenant, role="analyst"))
    assert client.get("/t/acme/deals/review/").status_code == 404
    assert client.get("/t/acme/deals/").status_code == 200


def test_tenant_admins_set_the_rules_of_engagement(client, tenant, tenant_admin, channel_manager):
    login(client, channel_manager)
    assert client.get("/t/acme/deals/rules/").status_code == 404
    login(client, tenant_admin)
    data = {
        "protection_days": "120",
        "max_extensions": "1",
        "extension_days": "30",
        "extension_approver": "tenant_admin",
        "conflict_policy": "first_come",
        "minimum_amount": "5000",
        "review_sla_business_days": "3",
        "expiry_warning_days": "14",
        "auto_approve": "on",
        "auto_approve_max_amount": "",
        "notes": "Questions? partners@acme.example",
    }
    bad = client.post("/t/acme/deals/rules/", {**data, "protection_days": "0"})
    assert bad.status_code == 400 and b'id="id_protection_days-error"' in bad.content
    assert client.post("/t/acme/deals/rules/", data).status_code == 302
    with tenant_context(tenant):
        rules = EngagementRules.objects.get()
    assert (rules.protection_days, rules.conflict_policy, rules.auto_approve_max_amount) == (120, "first_come", None)


def test_the_public_rules_page_states_the_rules_in_plain_words(client, tenant, rules):
    rules(protection_days=120, minimum_amount=Decimal("5000"), review_sla_business_days=3, notes="Call us.")
    response = client.get("/t/acme/rules/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "protected for 120 days from approval" in body
    assert "at least 5,000.00 USD" in body
    assert "within 3 business days" in body
    assert "Call us." in body
    assert client.post("/t/acme/rules/").status_code == 405


def test_export_streams_csv_with_the_filters_and_neutralises_formulas(client, tenant, channel_manager, register):
    register(customer_name='=HYPERLINK("http://evil")', customer_website="evil-corp.com")
    register(customer_name="Small Deal Co", customer_website="small.com", amount=Decimal("10"))
    login(client, channel_manager)
    response = client.get("/t/acme/deals/export.csv", {"min_amount": "100"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("id,status,partner,partner_id,customer_name")
    assert len(lines) == 2
    assert "'=HYPERLINK" in lines[1]
    assert "Small Deal Co" not in text


def test_partners_cannot_export(client, tenant, partner_admin):
    login(client, partner_admin)
    assert client.get("/t/acme/deals/export.csv").status_code == 404


def test_a_partners_registration_page_tells_of_conflicts_without_saying_who(
    client, tenant, partner_admin, other_partner, crm_account, register
):
    theirs = register(actor=other_partner)
    account = crm_account("Initech Deutschland", "initech.de", external_id="SF-ACC-SECRET", owner_name="Dana Direct")
    mine = register()
    assert len(mine.conflicts) == 2
    login(client, partner_admin)
    body = client.get(f"/t/acme/deals/{mine.pk}/").content.decode()
    assert "This customer is already registered by another partner." in body
    assert "already being worked by the vendor&#x27;s sales team" in body
    for secret in (other_partner.partner_organization.name, "SF-ACC-SECRET", "Dana Direct", f"/deals/{theirs.pk}/"):
        assert secret not in body
    assert account.pk


def test_contoso_pharma_meets_contoso_pharmaceuticals_and_a_partner_reads_the_sales_team_line_once(
    client, tenant, partner_admin, channel_manager, crm_account, crm_opportunity, register
):
    """Issue 16, 4.3: the abbreviated name on another domain finds the vendor's account and its open opportunity;
    the partner is told once that the vendor's sales team works the customer, staff see both records once each."""
    account = crm_account("Contoso Pharmaceuticals", "contoso-pharma.example")
    opportunity = crm_opportunity("Contoso Pharmaceuticals", "contoso-pharma.example")
    typed = {"customer_name": "Contoso Pharma", "customer_website": "https://www.contoso-pharma.com/"}
    sales_team_line = "already being worked by the vendor&#x27;s sales team"

    login(client, partner_admin)
    body = client.post("/t/acme/deals/check-conflicts/", typed, HTTP_HX_REQUEST="true").content.decode()
    assert body.count(sales_team_line) == 1
    mine = register(customer_name="Contoso Pharma", customer_website="https://www.contoso-pharma.com/")
    assert {(c["kind"], c["id"]) for c in mine.conflicts} == {
        ("crm_account", account.pk),
        ("crm_opportunity", opportunity.pk),
    }
    assert client.get(f"/t/acme/deals/{mine.pk}/").content.decode().count(sales_team_line) == 1

    login(client, channel_manager)
    staff_body = client.post("/t/acme/deals/check-conflicts/", typed, HTTP_HX_REQUEST="true").content.decode()
    assert staff_body.count("Crmaccount #") == 1 and staff_body.count("Crmopportunity #") == 1


def test_the_decision_screen_lists_a_record_once_however_often_it_was_stored(
    client, tenant, partner_admin, channel_manager, crm_account, register
):
    account = crm_account("Initech Deutschland", "initech.de", owner_name="Dana Direct")
    mine = register()
    with tenant_context(tenant):
        DealRegistration.objects.filter(pk=mine.pk).update(conflicts=mine.conflicts * 2)
    login(client, channel_manager)
    body = client.get(f"/t/acme/deals/{mine.pk}/").content.decode()
    assert body.count("CRM account · owner Dana Direct") == 1
    assert account.pk
