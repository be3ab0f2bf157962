"""The isolation world's market development funds: tenant A's fund (named with A's marker) with allocations for
organizations X and Y, and X's requests and claims (their titles carry X's marker): an approved webinar with a claim
waiting for review (its invoice is a proof file), a draft, a request waiting for a decision, and an approved claim
in an open payout batch. Organization Y has a request of its own; tenant B a fund and a request (B's markers).

A partner's requests, claims and proof files are its own: Y's people get 404 on X's. The funds, queues and payouts
are the staff's (`mdf.view_all`, `mdf.review`, `mdf.pay`)."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mdf import services
from mdf.models import ActivityType, ProofKind
from prm.policy import ProgramActor
from prm.tenancy import tenant_context

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

# URL parameter -> the object's id, for page routes.
OBJECT_KWARGS: dict = {
    "fund_request_id": lambda w: w.mdf_request_x.pk,
    "claim_id": lambda w: w.mdf_claim_x.pk,
    "file_id": lambda w: w.mdf_file_x.pk,
    "fund_id": lambda w: w.mdf_fund_a.pk,
    "batch_id": lambda w: w.mdf_batch_a.pk,
}
# Router basename -> the object's id, for API detail routes.
API_OBJECTS = {
    "mdf-fund": lambda w: w.mdf_fund_a.pk,
    "mdf-allocation": lambda w: w.mdf_allocation_x.pk,
    "mdf-fund-request": lambda w: w.mdf_submitted_x.pk,
    "mdf-claim": lambda w: w.mdf_claim_x.pk,
    "mdf-payout": lambda w: w.mdf_paid_claim_x.pk,
}


def _fund(tenant, name):
    today = timezone.localdate()
    return services.fund_create(
        actor=ProgramActor(tenant.pk),
        name=name,
        period_start=today - timedelta(days=30),
        period_end=today + timedelta(days=300),
        currency="USD",
        total=Decimal("100000"),
        claim_deadline=today + timedelta(days=330),
    )


def _request(actor, fund, partner, title, *, submit=True, approve_by=None):
    start = timezone.localdate() + timedelta(days=10)
    fund_request = services.fund_request_create(
        actor=actor,
        fund=fund,
        partner_organization_id=partner.pk,
        activity_type=ActivityType.WEBINAR,
        title=title,
        start_date=start,
        end_date=start + timedelta(days=1),
        planned_cost=Decimal("4000"),
        requested_amount=Decimal("2000"),
    )
    if submit:
        fund_request = services.fund_request_submit(actor=actor, fund_request=fund_request)
    if approve_by is not None:
        fund_request = services.fund_request_approve(actor=approve_by, fund_request=fund_request)
    return fund_request


def _claim(actor, fund_request, number, content):
    upload = SimpleUploadedFile("xylophone-invoice.pdf", PDF + content, content_type="application/pdf")
    return services.claim_submit(
        actor=actor,
        fund_request=fund_request,
        actual_cost=Decimal("4000"),
        claimed_amount=Decimal("2000"),
        invoice_number=number,
        files=[(ProofKind.INVOICE, upload)],
    )


def extend(world) -> None:
    """Create this area's objects (runs inside tenant A's context) and set them as attributes of the world."""
    program = ProgramActor(world.tenant_a.pk)
    world.mdf_fund_a = _fund(world.tenant_a, "Alpha Vendor FY27 MDF")
    world.mdf_allocation_x = services.allocate(
        actor=program, fund=world.mdf_fund_a, partner_organization_id=world.org_x.pk, amount=Decimal("20000")
    )
    # Y's own fund (so that Y's people, who have no allocation in A's main fund, cannot ask for funds there).
    fund_y = _fund(world.tenant_a, "Alpha Vendor Y launch fund")
    services.allocate(actor=program, fund=fund_y, partner_organization_id=world.org_y.pk, amount=Decimal("5000"))
    member_x, admin_a = world.member_x, world.admin_a
    world.mdf_request_x = _request(
        member_x, world.mdf_fund_a, world.org_x, "Xylophone Secure webinar", approve_by=admin_a
    )
    world.mdf_claim_x = _claim(member_x, world.mdf_request_x, "XYLO-INV-1", b"x1")
    world.mdf_file_x = world.mdf_claim_x.files.get()
    world.mdf_draft_x = _request(member_x, world.mdf_fund_a, world.org_x, "Xylophone Secure draft", submit=False)
    world.mdf_submitted_x = _request(member_x, world.mdf_fund_a, world.org_x, "Xylophone Secure roadshow")
    paid = _request(member_x, world.mdf_fund_a, world.org_x, "Xylophone Secure summit", approve_by=admin_a)
    world.mdf_paid_claim_x = _claim(member_x, paid, "XYLO-INV-2", b"x2")
    services.claim_approve(actor=admin_a, claim=world.mdf_paid_claim_x)
    world.mdf_batch_a = services.payout_batch_create(actor=admin_a, fund=world.mdf_fund_a, reference="ALPHA-PAY-1")
    world.mdf_request_y = _request(world.partner_y, fund_y, world.org_y, "Yonder Secret webinar")
    with tenant_context(world.tenant_b):
        world.mdf_fund_b = _fund(world.tenant_b, "Bravo Secret MDF")
        services.allocate(
            actor=ProgramActor(world.tenant_b.pk),
            fund=world.mdf_fund_b,
            partner_organization_id=world.org_b.pk,
            amount=Decimal("5000"),
        )
        world.mdf_request_b = _request(world.admin_b, world.mdf_fund_b, world.org_b, "Bravo Secret webinar")
