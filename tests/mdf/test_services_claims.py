"""Claims and payouts: the claimable amount, partial approvals that release the rest, proof checked by content,
duplicate and split claims flagged, the leads CSV checked row by row, segregation of duties, payout batches that
pay once."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from mdf import selectors, services
from mdf.models import (
    Claim,
    ClaimLead,
    ClaimStatus,
    LedgerTransaction,
    ProofFile,
    ProofKind,
    RequestStatus,
    TransactionKind,
)
from prm.errors import PermissionDenied, ValidationFailed
from prm.models import Event
from prm.tenancy import tenant_context
from tests.mdf.factories import EXE, PDF, PNG, FundFactory, allocate, invoice, leads_csv, make_claim, make_request, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(tenant, fund, allocation, partner_marketer, marketing):
    """A webinar approved for 2,000 USD (planned cost 4,000)."""
    return make_request(tenant, fund, allocation.partner_organization, actor=partner_marketer, approve_by=marketing)


def amounts(tenant, allocation):
    with tenant_context(tenant):
        b = selectors.allocation_balance(allocation=allocation)
        return {"available": b.available, "committed": b.committed, "payable": b.payable, "paid": b.paid}


def test_a_claim_above_the_approved_amount_is_refused(tenant, approved, partner_marketer):
    with pytest.raises(ValidationFailed, match="At most 2000.00 USD") as refused:
        make_claim(tenant, approved, actor=partner_marketer, claimed="2000.01", actual="5000")
    assert refused.value.field == "claimed_amount"
    with tenant_context(tenant):
        assert Claim.objects.count() == 0 and ProofFile.objects.count() == 0


def test_a_claim_is_capped_by_the_share_of_the_actual_cost(tenant, approved, partner_marketer):
    with pytest.raises(ValidationFailed, match="At most 1500.00 USD"):
        make_claim(tenant, approved, actor=partner_marketer, claimed="2000", actual="3000")


def test_the_funds_tolerance_allows_a_claim_a_little_above_the_approval(
    tenant, partner_org, partner_marketer, marketing
):
    fund = FundFactory(tenant=tenant, claim_tolerance_percent=Decimal("10"))
    allocation = allocate(tenant, fund, partner_org, "10000")
    fund_request = make_request(tenant, fund, partner_org, actor=partner_marketer, approve_by=marketing)
    claim = make_claim(tenant, fund_request, actor=partner_marketer, claimed="2200", actual="4400")
    with tenant_context(tenant):
        services.claim_approve(actor=marketing, claim=claim)
    # The 200 above the commitment came from available.
    assert amounts(tenant, allocation) == {
        "available": Decimal("7800.00"),
        "committed": Decimal("0.00"),
        "payable": Decimal("2200.00"),
        "paid": Decimal("0.00"),
    }


def test_partial_approval_spends_the_approved_part_and_releases_the_rest(
    tenant, approved, allocation, partner_marketer, marketing
):
    claim = make_claim(tenant, approved, actor=partner_marketer, claimed="2000", actual="4000")
    with tenant_context(tenant):
        services.claim_approve(actor=marketing, claim=claim, amount="1200", note="Two invoices lacked detail")
        (spend,) = LedgerTransaction.objects.filter(kind=TransactionKind.SPEND)
        assert spend.claim_id == claim.pk and spend.entries.count() == 3
        approved.refresh_from_db()
        assert approved.status == RequestStatus.CLAIMED
        assert services.request_commitment(approved) == Decimal("0.00")
    assert amounts(tenant, allocation) == {
        "available": Decimal("8800.00"),
        "committed": Decimal("0.00"),
        "payable": Decimal("1200.00"),
        "paid": Decimal("0.00"),
    }


def test_an_earlier_claim_releases_only_what_was_refused_and_keeps_the_rest_committed(
    tenant, approved, allocation, partner_marketer, marketing
):
    claim = make_claim(tenant, approved, actor=partner_marketer, claimed="800", actual="2000", is_final=False)
    with tenant_context(tenant):
        services.claim_approve(actor=marketing, claim=claim, amount="700")
        approved.refresh_from_db()
        assert approved.status == RequestStatus.APPROVED
    assert amounts(tenant, allocation)["committed"] == Decimal("1200.00")
    assert amounts(tenant, allocation)["available"] == Decimal("8100.00")


def test_an_executable_renamed_pdf_is_refused_and_nothing_is_written(tenant, approved, partner_marketer):
    with pytest.raises(ValidationFailed, match="not what its name says") as refused:
        make_claim(tenant, approved, actor=partner_marketer, files=[invoice("invoice.pdf", EXE)])
    assert refused.value.field == "files"
    with tenant_context(tenant):
        assert Claim.objects.count() == 0


def test_proof_files_are_stored_privately_with_their_hash_and_detected_type(tenant, approved, partner_marketer):
    claim = make_claim(
        tenant, approved, actor=partner_marketer, files=[invoice(), (ProofKind.PHOTO, pdf("booth.png", PNG))]
    )
    with tenant_context(tenant):
        files = list(claim.files.order_by("id"))
    assert [(f.kind, f.content_type) for f in files] == [("invoice", "application/pdf"), ("photo", "image/png")]
    assert all(len(f.sha256) == 64 and f.file.name.startswith("mdf/proof/") for f in files)
    assert all("invoice" not in f.file.name and "booth" not in f.file.name for f in files)


def test_a_claim_needs_an_invoice(tenant, approved, partner_marketer):
    with pytest.raises(ValidationFailed) as refused:
        make_claim(tenant, approved, actor=partner_marketer, files=[(ProofKind.PHOTO, pdf("booth.png", PNG))])
    assert refused.value.field == "files"


def test_a_duplicate_invoice_number_or_file_is_flagged_for_the_reviewer(
    tenant, fund, allocation, approved, partner_marketer, marketing
):
    first = make_claim(tenant, approved, actor=partner_marketer, invoice_number="INV-2027-001", files=[invoice()])
    other = make_request(tenant, fund, allocation.partner_organization, actor=partner_marketer, approve_by=marketing)
    second = make_claim(tenant, other, actor=partner_marketer, invoice_number="inv-2027-001", files=[invoice()])
    kinds = {flag["kind"]: flag["claim_ids"] for flag in second.flags}
    assert kinds == {"duplicate_invoice_number": [first.pk], "duplicate_file": [first.pk]}
    assert first.flags == []


def test_claims_split_to_stay_under_the_approval_threshold_are_flagged(
    tenant, partner_org, partner_marketer, marketing
):
    fund = FundFactory(tenant=tenant, approval_threshold=Decimal("1000"))
    allocate(tenant, fund, partner_org, "10000")
    fund_request = make_request(tenant, fund, partner_org, actor=partner_marketer, approve_by=marketing)
    first = make_claim(tenant, fund_request, actor=partner_marketer, claimed="900", actual="1800", is_final=False)
    second = make_claim(tenant, fund_request, actor=partner_marketer, claimed="900", actual="1800")
    assert first.flags == []
    assert [flag["kind"] for flag in second.flags] == ["split"]


def test_a_claim_on_a_rejected_request_is_refused(tenant, fund, allocation, partner_marketer, marketing):
    fund_request = make_request(tenant, fund, allocation.partner_organization, actor=partner_marketer)
    with tenant_context(tenant):
        services.fund_request_reject(actor=marketing, fund_request=fund_request, reason="Out of scope")
    with pytest.raises(ValidationFailed, match="approved fund request") as refused:
        make_claim(tenant, fund_request, actor=partner_marketer)
    assert refused.value.field == "fund_request"


def test_a_claim_after_the_funds_deadline_is_refused(tenant, approved, fund, partner_marketer):
    with time_machine.travel(timezone.now() + timedelta(days=(fund.claim_deadline - timezone.localdate()).days + 1)):
        with pytest.raises(ValidationFailed, match="deadline") as refused:
            make_claim(tenant, approved, actor=partner_marketer)
    assert refused.value.field == "fund_request"


@pytest.mark.parametrize(
    ("claimed", "actual", "currency", "field"),
    [
        ("0", "4000", None, "claimed_amount"),
        ("-5", "4000", None, "claimed_amount"),
        ("100", "0", None, "actual_cost"),
        ("100", "4000", "EUR", "currency"),
    ],
)
def test_bad_claim_amounts_are_refused_naming_the_field(
    tenant, approved, partner_marketer, claimed, actual, currency, field
):
    with pytest.raises(ValidationFailed) as refused:
        make_claim(tenant, approved, actor=partner_marketer, claimed=claimed, actual=actual, currency=currency)
    assert refused.value.field == field
    with tenant_context(tenant):
        assert Claim.objects.count() == 0


def test_leads_csv_is_stored_and_counted(tenant, approved, partner_marketer):
    claim = make_claim(tenant, approved, actor=partner_marketer, leads_csv=leads_csv())
    assert claim.leads_count == 2
    with tenant_context(tenant):
        assert sorted(ClaimLead.objects.values_list("company", flat=True)) == ["Contoso", "Fabrikam"]
        assert selectors.leads_by_request() == {approved.pk: 2}


def test_a_malformed_leads_csv_names_rows_and_columns_and_nothing_is_written(tenant, approved, partner_marketer):
    rows = [
        "ana@contoso.example,Ana,Ruiz,Contoso,ES",
        "not-an-email,Bo,Li,,ES",
        "li@fabrikam.example,Li,Wei,Fabrikam,Spain",
    ]
    with pytest.raises(ValidationFailed) as refused:
        make_claim(tenant, approved, actor=partner_marketer, leads_csv=leads_csv(rows))
    assert refused.value.field == "leads_csv"
    assert "Row 3, column email" in refused.value.message
    assert "Row 3, column company" in refused.value.message
    assert "Row 4, column country" in refused.value.message
    with tenant_context(tenant):
        assert Claim.objects.count() == 0 and ClaimLead.objects.count() == 0


def test_a_leads_csv_without_the_required_columns_is_refused(tenant, approved, partner_marketer):
    with pytest.raises(ValidationFailed, match="Row 1"):
        make_claim(tenant, approved, actor=partner_marketer, leads_csv=leads_csv(["a@b.example"], header="email"))


def test_whoever_claimed_or_requested_cannot_decide_the_claim(tenant, fund, allocation, marketing, second_reviewer):
    # Marketing asked on the partner's behalf; the channel manager approved; marketing then claimed for it.
    fund_request = make_request(
        tenant, fund, allocation.partner_organization, actor=marketing, approve_by=second_reviewer
    )
    claim = make_claim(tenant, fund_request, actor=second_reviewer)
    with tenant_context(tenant):
        with pytest.raises(PermissionDenied):
            services.claim_approve(actor=marketing, claim=claim)
        with pytest.raises(PermissionDenied):
            services.claim_approve(actor=second_reviewer, claim=claim)


def test_a_rejected_claim_keeps_the_commitment_for_another_claim(
    tenant, approved, allocation, partner_marketer, marketing
):
    claim = make_claim(tenant, approved, actor=partner_marketer)
    with tenant_context(tenant):
        services.claim_reject(actor=marketing, claim=claim, reason="Invoice unreadable")
    assert amounts(tenant, allocation)["committed"] == Decimal("2000.00")
    again = make_claim(tenant, approved, actor=partner_marketer)
    assert again.status == ClaimStatus.SUBMITTED


def test_more_proof_requested_then_added(tenant, approved, partner_marketer, marketing):
    claim = make_claim(tenant, approved, actor=partner_marketer)
    with tenant_context(tenant):
        services.claim_request_proof(actor=marketing, claim=claim, note="Add the attendee list")
        services.claim_add_proof(
            actor=partner_marketer, claim=claim, files=[(ProofKind.ATTENDEE_LIST, pdf("attendees.csv", b"name\nAna\n"))]
        )
        claim.refresh_from_db()
        assert claim.status == ClaimStatus.SUBMITTED and claim.files.count() == 2


def test_payout_batch_pays_each_claim_once_and_exports_its_rows(
    tenant, fund, approved, allocation, partner_marketer, marketing, finance
):
    claim = make_claim(tenant, approved, actor=partner_marketer, invoice_number="INV-7")
    with tenant_context(tenant):
        services.claim_approve(actor=marketing, claim=claim)
        queue = list(selectors.payout_queue())
        assert [c.pk for c in queue] == [claim.pk] and queue[0].is_overdue is False
        with pytest.raises(PermissionDenied):
            services.payout_batch_create(actor=marketing, fund=fund)
        batch = services.payout_batch_create(actor=finance, fund=fund, reference="ERP-2027-01")
        rows = list(selectors.payout_batch_rows(batch=batch))
        assert rows[0][0] == "ERP-2027-01" and rows[0][5] == "INV-7" and rows[0][7] == "2000.00"
        services.payout_batch_confirm(actor=finance, batch=batch)
        services.payout_batch_confirm(actor=finance, batch=batch)
        services.claim_pay(actor=finance, claim=claim, reference="ERP-2027-01")
        assert LedgerTransaction.objects.filter(kind=TransactionKind.PAY).count() == 1
        assert Event.objects.filter(type="mdf.claim.paid").count() == 1
        claim.refresh_from_db()
        assert claim.status == ClaimStatus.PAID and claim.paid_at is not None
        assert selectors.payout_time()["count"] == 1
    assert amounts(tenant, allocation)["paid"] == Decimal("2000.00")


def test_an_approved_claim_is_overdue_for_payout_after_the_funds_days(
    tenant, fund, approved, partner_marketer, marketing
):
    claim = make_claim(tenant, approved, actor=partner_marketer)
    with tenant_context(tenant):
        services.claim_approve(actor=marketing, claim=claim)
        later = timezone.now() + timedelta(days=fund.payout_overdue_days, minutes=1)
        assert [c.is_overdue for c in selectors.payout_queue(now=later)] == [True]


def test_a_proof_file_above_the_size_limit_is_refused(tenant, approved, partner_marketer, settings):
    settings.MDF_PROOF_MAX_BYTES = 64
    with pytest.raises(ValidationFailed, match="larger than") as refused:
        make_claim(tenant, approved, actor=partner_marketer, files=[invoice(content=PDF + b"%" * 100)])
    assert refused.value.field == "files"


def test_a_binary_file_named_csv_is_refused(tenant, approved, partner_marketer):
    with pytest.raises(ValidationFailed, match="not what its name says"):
        make_claim(
            tenant, approved, actor=partner_marketer, files=[invoice(), (ProofKind.ATTENDEE_LIST, pdf("list.csv", PNG))]
        )


def test_another_partner_cannot_claim_on_a_request(tenant, approved, other_partner):
    with pytest.raises(PermissionDenied):
        make_claim(tenant, approved, actor=other_partner)
