"""The nightly MDF run: expiry of unclaimed approvals and the ledger reconciliation, per tenant."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from mdf import selectors
from mdf.models import AccountKind, LedgerAccount, ReconciliationRun, RequestStatus
from mdf.tasks import nightly_all_tenants, nightly_tenant
from prm.tenancy import tenant_context
from tests.mdf.factories import make_request

pytestmark = pytest.mark.django_db


def test_the_nightly_run_expires_unclaimed_approvals_and_reconciles(
    tenant, fund, allocation, partner_org, partner_marketer, marketing
):
    fund_request = make_request(tenant, fund, partner_org, actor=partner_marketer, approve_by=marketing)
    later = timezone.now() + timedelta(days=(fund_request.end_date - timezone.localdate()).days + fund.expiry_days + 1)
    with time_machine.travel(later):
        result = nightly_tenant(tenant_id=tenant.pk)
    assert result == {"expired": 1, "accounts_checked": 6, "differences": 0}
    with tenant_context(tenant):
        fund_request.refresh_from_db()
        assert fund_request.status == RequestStatus.EXPIRED
        assert selectors.latest_reconciliation().is_clean


def test_reconciliation_reports_a_balance_written_behind_the_ledgers_back(tenant, fund, allocation, caplog):
    with tenant_context(tenant):
        LedgerAccount.objects.filter(kind=AccountKind.AVAILABLE).update(balance=Decimal("1.00"))
    result = nightly_tenant(tenant_id=tenant.pk)
    assert result["differences"] == 1
    assert "reconciliation" in caplog.text
    with tenant_context(tenant):
        run = ReconciliationRun.objects.get()
        assert run.differences[0]["cached"] == "1.00" and run.differences[0]["ledger"] == "10000.00"


def test_the_nightly_fan_out_covers_every_active_tenant(tenant, other_tenant):
    assert nightly_all_tenants() >= 2
