"""The MDF pages through the Django test client: the partner's "Funds" (balances, requests, claims, next steps),
asking for funds (errors named by field, nothing written), edit and resubmit after changes were asked, cancel, the
claim form with an invoice PDF and a leads CSV (row-numbered errors), proof files served only to their partner and
to staff, the staff's funds, queues and decisions (segregation of duties shown), payouts and batches, and a fixed
number of queries on the list pages."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mdf import services
from mdf.models import Claim, ClaimStatus, FundRequest, RequestStatus
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory
from tests.mdf.factories import PDF, allocate, leads_csv, make_claim, make_request, today

pytestmark = pytest.mark.django_db


def url(tenant, name, *args):
    return reverse(name, args=[tenant.slug, *args])


def form_data(fund, **overrides):
    start = today() + timedelta(days=10)
    return {
        "fund": str(fund.pk),
        "activity_type": "webinar",
        "title": "Zero-trust webinar",
        "description": "",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=1)).isoformat(),
        "planned_cost": "4000",
        "requested_amount": "2000",
        "expected_leads": "40",
        "expected_pipeline": "120000",
        "campaign_code": "",
        **overrides,
    }


def count(model, tenant, **filters):
    with tenant_context(tenant):
        return model.objects.filter(**filters).count()


def test_partner_funds_page_shows_balances_requests_and_next_steps(client, tenant, fund, allocation, partner_admin):
    make_request(tenant, fund, allocation.partner_organization, actor=partner_admin, title="Roadshow Lisbon")
    response = login(client, partner_admin).get(url(tenant, "mdf_funds"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "10,000.00 USD" in page
    assert "Roadshow Lisbon" in page
    assert "Waiting for marketing&#x27;s decision." in page or "Waiting for marketing's decision." in page


def test_staff_have_no_partner_funds_page(client, tenant, tenant_admin):
    assert login(client, tenant_admin).get(url(tenant, "mdf_funds")).status_code == 404


def test_partner_asks_for_funds_and_it_is_submitted(client, tenant, fund, allocation, partner_admin):
    response = login(client, partner_admin).post(url(tenant, "mdf_request_create"), form_data(fund))
    assert response.status_code == 302
    with tenant_context(tenant):
        fund_request = FundRequest.objects.get()
    assert fund_request.status == RequestStatus.SUBMITTED
    assert fund_request.campaign_code.startswith("MDF-")
    assert response.url == url(tenant, "mdf_request", fund_request.pk)


def test_bad_request_is_refused_by_field_and_nothing_written(client, tenant, fund, allocation, partner_admin):
    login(client, partner_admin)
    response = client.post(url(tenant, "mdf_request_create"), form_data(fund, requested_amount="3000"))
    assert response.status_code == 400
    assert 'id="id_requested_amount-error"' in response.content.decode()
    response = client.post(url(tenant, "mdf_request_create"), form_data(fund, planned_cost="lots"))
    assert response.status_code == 400
    assert 'id="id_planned_cost-error"' in response.content.decode()
    assert count(FundRequest, tenant) == 0


def test_partner_edits_and_resubmits_after_changes_requested(
    client, tenant, fund, allocation, partner_admin, marketing
):
    fund_request = make_request(tenant, fund, allocation.partner_organization, actor=partner_admin)
    with tenant_context(tenant):
        services.fund_request_request_changes(actor=marketing, fund_request=fund_request, note="Name the speakers.")
    login(client, partner_admin)
    page = client.get(url(tenant, "mdf_request_edit", fund_request.pk)).content.decode()
    assert "Name the speakers." in page
    data = form_data(fund, title="Zero-trust webinar with Ana Ruiz")
    data.pop("fund")
    response = client.post(url(tenant, "mdf_request_edit", fund_request.pk), data)
    assert response.status_code == 302
    with tenant_context(tenant):
        fund_request.refresh_from_db()
    assert fund_request.status == RequestStatus.SUBMITTED and "Ana Ruiz" in fund_request.title


def test_partner_cancels_a_request(client, tenant, fund, allocation, partner_admin):
    fund_request = make_request(tenant, fund, allocation.partner_organization, actor=partner_admin)
    response = login(client, partner_admin).post(url(tenant, "mdf_request_cancel", fund_request.pk))
    assert response.status_code == 302
    with tenant_context(tenant):
        fund_request.refresh_from_db()
    assert fund_request.status == RequestStatus.CANCELLED


def claim_data(**overrides):
    return {
        "actual_cost": "4000",
        "claimed_amount": "2000",
        "invoice_number": "INV-2027-001",
        "invoice": SimpleUploadedFile("invoice.pdf", PDF, content_type="application/pdf"),
        "leads_csv": SimpleUploadedFile("leads.csv", leads_csv(), content_type="text/csv"),
        "is_final": "on",
        **overrides,
    }


def test_partner_claims_with_invoice_and_leads(client, tenant, fund, allocation, partner_admin, marketing):
    fund_request = make_request(
        tenant, fund, allocation.partner_organization, actor=partner_admin, approve_by=marketing
    )
    login(client, partner_admin)
    assert client.get(url(tenant, "mdf_claim_create", fund_request.pk)).status_code == 200
    response = client.post(url(tenant, "mdf_claim_create", fund_request.pk), claim_data())
    assert response.status_code == 302
    with tenant_context(tenant):
        claim = Claim.objects.get()
    assert claim.status == ClaimStatus.SUBMITTED and claim.leads_count == 2
    page = client.get(url(tenant, "mdf_request", fund_request.pk)).content.decode()
    assert "INV-2027-001" in page and "invoice.pdf" in page


def test_bad_leads_csv_names_row_and_column_and_nothing_written(
    client, tenant, fund, allocation, partner_admin, marketing
):
    fund_request = make_request(
        tenant, fund, allocation.partner_organization, actor=partner_admin, approve_by=marketing
    )
    bad = SimpleUploadedFile("leads.csv", leads_csv(["ana@contoso.example,Ana,Ruiz,Contoso,ES", "nope,Li,Wei,F,"]))
    response = login(client, partner_admin).post(
        url(tenant, "mdf_claim_create", fund_request.pk), claim_data(leads_csv=bad)
    )
    assert response.status_code == 400
    assert "Row 3" in response.content.decode()
    assert count(Claim, tenant) == 0


def test_claim_above_the_limit_is_refused_on_the_field(client, tenant, fund, allocation, partner_admin, marketing):
    fund_request = make_request(
        tenant, fund, allocation.partner_organization, actor=partner_admin, approve_by=marketing
    )
    response = login(client, partner_admin).post(
        url(tenant, "mdf_claim_create", fund_request.pk), claim_data(claimed_amount="2500")
    )
    assert response.status_code == 400
    assert 'id="id_claimed_amount-error"' in response.content.decode()
    assert count(Claim, tenant) == 0


def test_proof_files_only_for_own_partner_and_staff(
    client, tenant, fund, allocation, partner_admin, marketing, other_partner, finance
):
    fund_request = make_request(
        tenant, fund, allocation.partner_organization, actor=partner_admin, approve_by=marketing
    )
    claim = make_claim(tenant, fund_request, actor=partner_admin)
    with tenant_context(tenant):
        proof = claim.files.get()
    address = url(tenant, "mdf_proof_file", proof.pk)
    response = login(client, partner_admin).get(address)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment")
    assert login(client, finance).get(address).status_code == 200
    assert login(client, other_partner).get(address).status_code == 404
    assert login(client, other_partner).get(url(tenant, "mdf_request", fund_request.pk)).status_code == 404


def test_reviewer_approves_a_lower_amount(client, tenant, fund, allocation, partner_admin, marketing):
    fund_request = make_request(tenant, fund, allocation.partner_organization, actor=partner_admin)
    login(client, marketing)
    queue = client.get(url(tenant, "mdf_request_queue")).content.decode()
    assert fund_request.title in queue
    response = client.post(
        url(tenant, "mdf_request_decide", fund_request.pk), {"decision": "approve", "amount": "1500", "note": ""}
    )
    assert response.status_code == 302
    with tenant_context(tenant):
        fund_request.refresh_from_db()
    assert fund_request.status == RequestStatus.APPROVED and fund_request.approved_amount == Decimal("1500")


def test_reject_needs_a_reason(client, tenant, fund, allocation, partner_admin, marketing):
    fund_request = make_request(tenant, fund, allocation.partner_organization, actor=partner_admin)
    response = login(client, marketing).post(
        url(tenant, "mdf_request_decide", fund_request.pk), {"decision": "reject", "note": ""}
    )
    assert response.status_code == 400
    assert 'id="id_note-error"' in response.content.decode()
    with tenant_context(tenant):
        fund_request.refresh_from_db()
    assert fund_request.status == RequestStatus.SUBMITTED


def test_segregation_of_duties_is_shown(client, tenant, fund, allocation, marketing):
    fund_request = make_request(tenant, fund, allocation.partner_organization, actor=marketing)
    response = login(client, marketing).post(
        url(tenant, "mdf_request_decide", fund_request.pk), {"decision": "approve", "amount": "", "note": ""}
    )
    assert response.status_code == 400
    assert "someone else must decide" in response.content.decode()


def test_bulk_approve(client, tenant, fund, allocation, partner_admin, marketing):
    first = make_request(tenant, fund, allocation.partner_organization, actor=partner_admin)
    second = make_request(tenant, fund, allocation.partner_organization, actor=partner_admin, title="Second")
    response = login(client, marketing).post(
        url(tenant, "mdf_request_bulk"), {"decision": "approve", "fund_request": [first.pk, second.pk]}
    )
    assert response.status_code == 302
    assert count(FundRequest, tenant, status=RequestStatus.APPROVED) == 2


def test_claim_partly_approved_then_paid_in_a_confirmed_batch(
    client, tenant, fund, allocation, partner_admin, marketing, finance
):
    fund_request = make_request(
        tenant, fund, allocation.partner_organization, actor=partner_admin, approve_by=marketing
    )
    claim = make_claim(tenant, fund_request, actor=partner_admin)
    login(client, marketing)
    assert "INV-" in client.get(url(tenant, "mdf_claim_queue")).content.decode()
    prefix = f"claim{claim.pk}"
    response = client.post(
        url(tenant, "mdf_claim_decide", claim.pk),
        {f"{prefix}-decision": "approve", f"{prefix}-amount": "1500", f"{prefix}-note": ""},
    )
    assert response.status_code == 302
    login(client, finance)
    assert client.get(url(tenant, "mdf_payout_queue")).status_code == 200
    response = client.post(url(tenant, "mdf_batch_create"), {"fund": fund.pk, "reference": "PAY-1"})
    assert response.status_code == 302
    with tenant_context(tenant):
        batch = fund.payout_batches.get()
    export = client.get(url(tenant, "mdf_batch_export", batch.pk))
    body = b"".join(export.streaming_content).decode()
    assert body.splitlines()[0].startswith("batch_reference,claim_id") and "PAY-1" in body and "1500.00" in body
    assert client.post(url(tenant, "mdf_batch_confirm", batch.pk)).status_code == 302
    with tenant_context(tenant):
        claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    page = login(client, partner_admin).get(url(tenant, "mdf_funds")).content.decode()
    assert "Paid" in page


def test_marketing_cannot_pay(client, tenant, marketing):
    assert login(client, marketing).get(url(tenant, "mdf_payout_queue")).status_code == 404


def test_manual_and_csv_allocation_with_dry_run(client, tenant, fund, tenant_admin):
    org = PartnerOrganizationFactory(tenant=tenant, name="Fabrikam", external_id="FAB-1")
    login(client, tenant_admin)
    response = client.post(
        url(tenant, "mdf_fund_allocate", fund.pk), {"partner_organization": org.pk, "amount": "500", "note": ""}
    )
    assert response.status_code == 302
    csv_file = SimpleUploadedFile("a.csv", b"partner_external_id,amount\nFAB-1,250\nNOPE,10\n")
    response = client.post(url(tenant, "mdf_fund_import", fund.pk), {"file": csv_file, "dry_run": "on"})
    assert response.status_code == 400
    assert "Row 3" in response.content.decode()
    csv_file = SimpleUploadedFile("a.csv", b"partner_external_id,amount\nFAB-1,250\n")
    response = client.post(url(tenant, "mdf_fund_import", fund.pk), {"file": csv_file, "dry_run": "on"})
    assert response.status_code == 200 and "It would allocate" in response.content.decode()
    csv_file = SimpleUploadedFile("a.csv", b"partner_external_id,amount\nFAB-1,250\n")
    assert client.post(url(tenant, "mdf_fund_import", fund.pk), {"file": csv_file}).status_code == 302
    with tenant_context(tenant):
        from mdf import selectors

        balance = selectors.fund_balance(fund=fund)
    assert balance.unallocated == Decimal("99250.00")


def test_list_pages_take_a_fixed_number_of_queries(
    client, tenant, fund, allocation, partner_admin, marketing, finance, tenant_admin
):
    def make(n):
        for i in range(n):
            org = PartnerOrganizationFactory(tenant=tenant)
            person = PartnerUserFactory(tenant=tenant, partner_organization=org)
            allocate(tenant, fund, org, "5000")
            fund_request = make_request(tenant, fund, org, actor=person, approve_by=marketing, title=f"R{i}")
            make_request(tenant, fund, org, actor=person, title=f"Waiting {i}")
            claim = make_claim(tenant, fund_request, actor=person)
            if i % 2:
                with tenant_context(tenant):
                    services.claim_approve(actor=marketing, claim=claim)
        # The partner's own page grows too.
        own = make_request(tenant, fund, allocation.partner_organization, actor=partner_admin, approve_by=marketing)
        make_claim(tenant, own, actor=partner_admin)

    pages = [
        (tenant_admin, "mdf_fund_list", ()),
        (tenant_admin, "mdf_fund", (fund.pk,)),
        (marketing, "mdf_request_queue", ()),
        (marketing, "mdf_claim_queue", ()),
        (finance, "mdf_payout_queue", ()),
        (partner_admin, "mdf_funds", ()),
    ]

    def counts():
        result = []
        for who, name, args in pages:
            login(client, who)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url(tenant, name, *args)).status_code == 200
            result.append(len(queries))
        return result

    make(2)
    before = counts()
    make(3)
    assert counts() == before
