"""The MDF API: funds with totals, allocations with balances, a partner-bound key asking for funds and claiming
(multipart with the invoice and a leads CSV) for its own organization only, a tenant key deciding as marketing
and paying as finance (an ERP), segregation of duties for keys, and unknown or read-only fields refused."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mdf.models import Claim, ClaimStatus, FundRequest, RequestStatus
from prm.api.keys import ALL_SCOPES
from prm.tenancy import tenant_context
from tests.api.conftest import fields_of, key_client, problem_of
from tests.factories import make_api_key
from tests.mdf.factories import PDF, leads_csv, make_claim, make_request, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner_key(tenant, partner_org):
    return key_client(make_api_key(tenant, scopes=["mdf:write"], partner_organization=partner_org, name="P")[1])


@pytest.fixture
def other_key(tenant, other_org):
    return key_client(make_api_key(tenant, scopes=ALL_SCOPES, partner_organization=other_org, name="O")[1])


def request_body(fund, **overrides):
    start = today() + timedelta(days=10)
    return {
        "fund": fund.pk,
        "activity_type": "webinar",
        "title": "Zero-trust webinar",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=1)).isoformat(),
        "planned_cost": "4000.00",
        "requested_amount": "2000.00",
        "expected_leads": 40,
        **overrides,
    }


def test_funds_and_allocations_with_balances(api, fund, allocation, partner_key, other_key):
    funds = api.get("/api/v1/mdf/funds/").json()["results"]
    assert funds[0]["totals"]["total"] == "100000.00" and funds[0]["totals"]["unallocated"] == "90000.00"
    rows = partner_key.get("/api/v1/mdf/allocations/").json()["results"]
    assert len(rows) == 1
    assert rows[0]["available"] == "10000.00" and rows[0]["allocated"] == "10000.00"
    assert other_key.get("/api/v1/mdf/allocations/").json()["results"] == []
    assert other_key.get(f"/api/v1/mdf/allocations/{allocation.pk}/").status_code == 404


def test_partner_key_asks_and_tenant_key_approves_a_lower_amount(tenant, api, fund, allocation, partner_key):
    created = partner_key.post("/api/v1/mdf/fund-requests/", request_body(fund, submit=True), format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["status"] == "submitted" and data["partner_organization"] == allocation.partner_organization.pk
    url = f"/api/v1/mdf/fund-requests/{data['id']}/"
    approved = api.post(f"{url}approve/", {"amount": "1500.00"}, format="json")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved" and approved.json()["approved_amount"] == "1500.00"
    assert partner_key.get("/api/v1/mdf/allocations/").json()["results"][0]["committed"] == "1500.00"


def test_partner_key_cannot_decide(fund, allocation, partner_key):
    created = partner_key.post("/api/v1/mdf/fund-requests/", request_body(fund, submit=True), format="json").json()
    response = partner_key.post(f"/api/v1/mdf/fund-requests/{created['id']}/approve/", {}, format="json")
    assert response.status_code in (403, 404)


def test_the_key_that_asked_cannot_approve(tenant, api, fund, allocation):
    body = request_body(fund, submit=True, partner_organization=allocation.partner_organization.pk)
    created = api.post("/api/v1/mdf/fund-requests/", body, format="json")
    assert created.status_code == 201, created.content
    url = f"/api/v1/mdf/fund-requests/{created.json()['id']}/"
    # The platform answers a refused use case as not found (prm.api.exceptions): nothing is approved.
    problem_of(api.post(f"{url}approve/", {}, format="json"), 404)
    assert api.get(url).json()["status"] == "submitted"


def test_unknown_and_read_only_fields_are_refused(tenant, fund, allocation, partner_key):
    response = partner_key.post(
        "/api/v1/mdf/fund-requests/", request_body(fund, status="approved", colour="red"), format="json"
    )
    assert sorted(fields_of(problem_of(response, 400))) == ["colour", "status"]
    with tenant_context(tenant):
        assert FundRequest.objects.count() == 0


def test_bad_amount_is_named_and_nothing_written(tenant, fund, allocation, partner_key):
    response = partner_key.post(
        "/api/v1/mdf/fund-requests/", request_body(fund, requested_amount="3000.00"), format="json"
    )
    assert fields_of(problem_of(response, 400)) == ["requested_amount"]
    with tenant_context(tenant):
        assert FundRequest.objects.count() == 0


def test_draft_is_changed_then_submitted_and_rejected(api, fund, allocation, partner_key):
    created = partner_key.post("/api/v1/mdf/fund-requests/", request_body(fund), format="json").json()
    url = f"/api/v1/mdf/fund-requests/{created['id']}/"
    assert created["status"] == "draft"
    changed = partner_key.patch(url, {"title": "Zero-trust roadshow"}, format="json")
    assert changed.status_code == 200 and changed.json()["title"] == "Zero-trust roadshow"
    assert partner_key.post(f"{url}submit/", {}, format="json").json()["status"] == "submitted"
    problem_of(api.post(f"{url}reject/", {}, format="json"), 400)
    assert api.post(f"{url}reject/", {"reason": "Out of scope"}, format="json").json()["status"] == "rejected"


def test_claim_multipart_partial_approval_and_payment(tenant, api, fund, allocation, partner_key, marketing):
    created = partner_key.post("/api/v1/mdf/fund-requests/", request_body(fund, submit=True), format="json").json()
    api.post(f"/api/v1/mdf/fund-requests/{created['id']}/approve/", {}, format="json")
    response = partner_key.post(
        "/api/v1/mdf/claims/",
        {
            "fund_request": created["id"],
            "actual_cost": "4000.00",
            "claimed_amount": "2000.00",
            "invoice_number": "INV-API-1",
            "invoice": SimpleUploadedFile("invoice.pdf", PDF, content_type="application/pdf"),
            "leads_csv": SimpleUploadedFile("leads.csv", leads_csv(), content_type="text/csv"),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    claim = response.json()
    assert claim["leads_count"] == 2 and claim["files"][0]["name"] == "invoice.pdf"
    approved = api.post(f"/api/v1/mdf/claims/{claim['id']}/approve/", {"amount": "1200.00"}, format="json")
    assert approved.status_code == 200, approved.content
    assert approved.json()["approved_amount"] == "1200.00"
    payable = api.get("/api/v1/mdf/payouts/").json()["results"]
    assert [row["id"] for row in payable] == [claim["id"]]
    paid = api.post(f"/api/v1/mdf/payouts/{claim['id']}/pay/", {"reference": "ERP-77"}, format="json")
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    # The ERP retries: nothing more is paid, the claim is no longer payable.
    assert (
        api.post(f"/api/v1/mdf/payouts/{claim['id']}/pay/", {"reference": "ERP-77"}, format="json").status_code == 404
    )
    assert partner_key.get(f"/api/v1/mdf/claims/{claim['id']}/").json()["status"] == "paid"


def test_claim_with_a_bad_leads_csv_is_refused_and_nothing_written(tenant, fund, allocation, partner_key, marketing):
    created = partner_key.post("/api/v1/mdf/fund-requests/", request_body(fund, submit=True), format="json").json()
    with tenant_context(tenant):
        from mdf import services

        services.fund_request_approve(actor=marketing, fund_request=FundRequest.objects.get(pk=created["id"]))
    response = partner_key.post(
        "/api/v1/mdf/claims/",
        {
            "fund_request": created["id"],
            "actual_cost": "4000.00",
            "claimed_amount": "2000.00",
            "invoice_number": "INV-API-2",
            "invoice": SimpleUploadedFile("invoice.pdf", PDF, content_type="application/pdf"),
            "leads_csv": SimpleUploadedFile("leads.csv", leads_csv(["nope,A,B,C,ES"])),
        },
        format="multipart",
    )
    problem = problem_of(response, 400)
    assert "Row 2" in str(problem)
    with tenant_context(tenant):
        assert Claim.objects.count() == 0


def test_another_partner_never_sees_requests_or_claims(tenant, fund, allocation, partner_admin, marketing, other_key):
    fund_request = make_request(
        tenant, fund, allocation.partner_organization, actor=partner_admin, approve_by=marketing
    )
    claim = make_claim(tenant, fund_request, actor=partner_admin)
    assert other_key.get("/api/v1/mdf/fund-requests/").json()["results"] == []
    assert other_key.get(f"/api/v1/mdf/fund-requests/{fund_request.pk}/").status_code == 404
    assert other_key.get(f"/api/v1/mdf/claims/{claim.pk}/").status_code == 404
    response = other_key.post(
        "/api/v1/mdf/claims/",
        {
            "fund_request": fund_request.pk,
            "actual_cost": "4000.00",
            "claimed_amount": "2000.00",
            "invoice_number": "INV-X",
            "invoice": SimpleUploadedFile("invoice.pdf", PDF, content_type="application/pdf"),
        },
        format="multipart",
    )
    assert fields_of(problem_of(response, 400)) == ["fund_request"]
    assert other_key.get("/api/v1/mdf/payouts/").status_code in (403, 404)


def test_claim_rejection_and_proof_request(tenant, api, fund, allocation, partner_admin, marketing):
    fund_request = make_request(
        tenant, fund, allocation.partner_organization, actor=partner_admin, approve_by=marketing
    )
    claim = make_claim(tenant, fund_request, actor=partner_admin)
    url = f"/api/v1/mdf/claims/{claim.pk}/"
    assert (
        api.post(f"{url}request-proof/", {"note": "The attendee list, please."}, format="json").json()["status"]
        == ClaimStatus.PROOF_REQUESTED
    )
    assert api.post(f"{url}reject/", {"reason": "No proof"}, format="json").json()["status"] == "rejected"
    with tenant_context(tenant):
        fund_request.refresh_from_db()
    assert fund_request.status == RequestStatus.APPROVED
    assert Decimal(api.get("/api/v1/mdf/funds/").json()["results"][0]["totals"]["committed"]) == Decimal("2000")
