"""The demo program's funds: requests and claims in every state, made through the services; seeding twice changes
nothing; the ledger is consistent."""

import pytest
from django.core.management import call_command

from mdf import selectors
from mdf.models import Claim, ClaimStatus, Fund, FundRequest, LedgerTransaction, RequestStatus
from prm.models import Tenant
from prm.tenancy import tenant_context
from tests.enablement.scorm_factories import use_private_storage

pytestmark = pytest.mark.django_db


def test_the_demo_has_funds_requests_and_claims_in_every_state_and_seeding_twice_changes_nothing(settings, tmp_path):
    use_private_storage(settings, tmp_path)
    call_command("seed_demo", verbosity=0)
    demo = Tenant.objects.get(slug="demo")
    with tenant_context(demo):
        counts = (Fund.objects.count(), FundRequest.objects.count(), Claim.objects.count())
        transactions = LedgerTransaction.objects.count()
        request_states = set(FundRequest.objects.values_list("status", flat=True))
        claim_states = set(Claim.objects.values_list("status", flat=True))
        assert {
            RequestStatus.DRAFT,
            RequestStatus.SUBMITTED,
            RequestStatus.APPROVED,
            RequestStatus.REJECTED,
        } <= request_states
        assert {RequestStatus.CHANGES_REQUESTED, RequestStatus.CLAIMED} <= request_states
        assert {ClaimStatus.SUBMITTED, ClaimStatus.APPROVED, ClaimStatus.PAID} <= claim_states
        fund = Fund.objects.get(name="FY2027 H1 Market Development Fund")
        balance = selectors.fund_balance(fund=fund)
        assert balance.allocated > 0 and balance.paid > 0 and balance.committed > 0 and balance.payable > 0
        assert selectors.ledger_differences() == [] and selectors.unbalanced_transactions() == []
    call_command("seed_demo", verbosity=0)
    with tenant_context(demo):
        assert (Fund.objects.count(), FundRequest.objects.count(), Claim.objects.count()) == counts
        assert LedgerTransaction.objects.count() == transactions
