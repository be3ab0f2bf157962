"""Offboarding: when a partner is offboarded, its draft and submitted requests are cancelled, approved commitments
released, what is available returns to the fund (each a ledger transaction), approved claims are still paid, and
the offboarding record says what happened."""

from decimal import Decimal

import pytest

from mdf import selectors, services
from mdf.models import ClaimStatus, FundRequest, LedgerTransaction, RequestStatus, TransactionKind
from partners import services as partner_services
from partners.selectors import partner_get
from prm.events import relay_pending_events
from prm.tenancy import tenant_context
from tests.mdf.factories import make_claim, make_request

pytestmark = pytest.mark.django_db


def test_offboarding_cancels_releases_returns_and_still_pays_approved_claims(
    tenant, tenant_admin, fund, allocation, partner_org, partner_marketer, marketing, finance
):
    draft = make_request(tenant, fund, partner_org, actor=partner_marketer, submit=False)
    submitted = make_request(tenant, fund, partner_org, actor=partner_marketer)
    approved = make_request(tenant, fund, partner_org, actor=partner_marketer, approve_by=marketing, amount="1500")
    claimed = make_request(tenant, fund, partner_org, actor=partner_marketer, approve_by=marketing)
    claim = make_claim(tenant, claimed, actor=partner_marketer, claimed="2000")
    with tenant_context(tenant):
        services.claim_approve(actor=marketing, claim=claim)
        partner = partner_get(partner_id=partner_org.pk)
        partner_services.partner_offboard(actor=tenant_admin, partner=partner, reason="Agreement ended.")
        relay_pending_events(tenant=tenant)
        statuses = dict(FundRequest.objects.values_list("pk", "status"))
        assert statuses[draft.pk] == statuses[submitted.pk] == statuses[approved.pk] == RequestStatus.CANCELLED
        assert statuses[claimed.pk] == RequestStatus.CLAIMED
        balance = selectors.allocation_balance(allocation=allocation)
        assert (balance.available, balance.committed, balance.payable) == (
            Decimal("0.00"),
            Decimal("0.00"),
            Decimal("2000.00"),
        )
        assert selectors.fund_balance(fund=fund).unallocated == Decimal("98000.00")
        assert LedgerTransaction.objects.filter(kind=TransactionKind.RELEASE, fund_request=approved).count() == 1
        note = partner_get(partner_id=partner_org.pk).status_reason
        assert "3 fund requests cancelled" in note and "8000.00 USD of MDF returned" in note
        # The approved claim is still paid.
        services.claim_pay(actor=finance, claim=claim, reference="WIRE-1")
        claim.refresh_from_db()
        assert claim.status == ClaimStatus.PAID
        # A second delivery of the event changes nothing.
        from mdf.services.offboarding import mdf_end_for_offboarded_partner
        from prm.policy import ProgramActor

        assert not mdf_end_for_offboarded_partner(actor=ProgramActor(tenant.pk), partner_organization_id=partner_org.pk)
