"""Factories of the MDF tests: funds, allocations, requests and claims made through the services (so the ledger is
written as in real use), inside the tenant's context."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mdf import services
from mdf.models import ActivityType, Fund, ProofKind
from prm.policy import ProgramActor
from prm.tenancy import tenant_context

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
# The start of a Windows executable (MZ header): what a renamed `.exe` looks like.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 64


def pdf(name="invoice.pdf", content=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def invoice(name="invoice.pdf", content=PDF):
    return (ProofKind.INVOICE, pdf(name, content))


def leads_csv(rows=None, header="email,first_name,last_name,company,country") -> bytes:
    rows = (
        rows
        if rows is not None
        else ["ana@contoso.example,Ana,Ruiz,Contoso,ES", "li@fabrikam.example,Li,Wei,Fabrikam,"]
    )
    return ("\n".join([header, *rows]) + "\n").encode()


def today():
    return timezone.localdate()


class FundFactory(factory.Factory):
    """A fund made through `fund_create` by the program (ProgramActor): funding source → unallocated."""

    class Meta:
        model = Fund

    tenant = None
    name = factory.Sequence(lambda n: f"FY27 Q{n % 4 + 1} market development fund")
    period_start = factory.LazyFunction(lambda: today() - timedelta(days=30))
    period_end = factory.LazyFunction(lambda: today() + timedelta(days=300))
    claim_deadline = factory.LazyFunction(lambda: today() + timedelta(days=330))
    currency = "USD"
    total = Decimal("100000.00")
    reimbursement_share = Decimal("50")
    claim_tolerance_percent = Decimal("0")
    expiry_days = 60
    approval_threshold = None

    @classmethod
    def _create(cls, model_class, *args, tenant=None, actor=None, **kwargs):
        with tenant_context(tenant):
            return services.fund_create(actor=actor or ProgramActor(tenant.pk), **kwargs)

    _build = _create


def allocate(tenant, fund, partner, amount="10000", actor=None):
    with tenant_context(tenant):
        return services.allocate(
            actor=actor or ProgramActor(tenant.pk), fund=fund, partner_organization_id=partner.pk, amount=amount
        )


def request_fields(**overrides) -> dict:
    start = today() + timedelta(days=10)
    return {
        "activity_type": ActivityType.WEBINAR,
        "title": "Zero-trust webinar for mid-market IT leads",
        "description": "A 45-minute webinar with a live demo.",
        "start_date": start,
        "end_date": start + timedelta(days=1),
        "planned_cost": Decimal("4000"),
        "requested_amount": Decimal("2000"),
        "expected_leads": 40,
        "expected_pipeline": Decimal("120000"),
        **overrides,
    }


def make_request(tenant, fund, partner, *, actor, submit=True, approve_by=None, amount=None, **overrides):
    """A request by `actor` for `partner`, submitted (and approved by `approve_by`, for `amount`) when told."""
    with tenant_context(tenant):
        fund_request = services.fund_request_create(
            actor=actor, fund=fund, partner_organization_id=partner.pk, **request_fields(**overrides)
        )
        if submit:
            fund_request = services.fund_request_submit(actor=actor, fund_request=fund_request)
        if approve_by is not None:
            fund_request = services.fund_request_approve(actor=approve_by, fund_request=fund_request, amount=amount)
        return fund_request


def make_claim(tenant, fund_request, *, actor, claimed="2000", actual="4000", invoice_number=None, files=None, **kw):
    with tenant_context(tenant):
        return services.claim_submit(
            actor=actor,
            fund_request=fund_request,
            actual_cost=actual,
            claimed_amount=claimed,
            invoice_number=invoice_number or f"INV-{fund_request.pk}-{timezone.now().timestamp()}",
            files=files if files is not None else [invoice(content=PDF + str(timezone.now().timestamp()).encode())],
            **kw,
        )
