"""Many approvals against one allocation at the same moment, each in its own database session: the allocation
is never over-committed (the database's balance check decides the losers), and the ledger sums are exact."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from mdf import selectors, services
from mdf.models import LedgerTransaction, RequestStatus, TransactionKind
from mdf.services.ledger import InsufficientFunds
from prm.tenancy import tenant_context
from tests.mdf.factories import allocate, make_request

APPROVALS = 12


@pytest.mark.django_db(transaction=True)
def test_parallel_approvals_never_commit_more_than_the_allocation(
    tenant, fund, partner_org, partner_marketer, marketing
):
    # 5,000 available; twelve requests of 1,000 each: exactly five can win.
    allocation = allocate(tenant, fund, partner_org, "5000")
    requests = [make_request(tenant, fund, partner_org, actor=partner_marketer) for _ in range(APPROVALS)]
    for fund_request in requests:
        assert fund_request.requested_amount == Decimal("2000.00")
    start = threading.Barrier(APPROVALS)
    outcomes: dict[int, object] = {}

    def approve(fund_request):
        try:
            start.wait(timeout=30)
            with tenant_context(tenant):
                services.fund_request_approve(actor=marketing, fund_request=fund_request, amount="1000")
            outcomes[fund_request.pk] = "approved"
        except InsufficientFunds as exc:
            outcomes[fund_request.pk] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(r,)) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(outcomes) == APPROVALS, outcomes
    won = [pk for pk, outcome in outcomes.items() if outcome == "approved"]
    lost = [outcome for outcome in outcomes.values() if outcome != "approved"]
    assert len(won) == 5
    assert all(isinstance(outcome, InsufficientFunds) and outcome.field == "amount" for outcome in lost)
    with tenant_context(tenant):
        balance = selectors.allocation_balance(allocation=allocation)
        assert (balance.available, balance.committed) == (Decimal("0.00"), Decimal("5000.00"))
        assert LedgerTransaction.objects.filter(kind=TransactionKind.COMMIT).count() == 5
        assert sorted(r.status for r in type(requests[0]).objects.filter(pk__in=won)) == [RequestStatus.APPROVED] * 5
        assert selectors.ledger_differences() == []
        assert selectors.unbalanced_transactions() == []


@pytest.mark.django_db(transaction=True)
def test_the_database_check_refuses_the_approval_that_passed_the_services_check_while_another_held_the_lock(
    tenant, fund, partner_org, partner_marketer, marketing, second_reviewer
):
    """Deterministic: the first approval holds the allocation's row lock; the second reads the balance before the
    first commits (so its own check passes), waits for the lock, and the CHECK on the balance refuses it."""
    from tests.concurrency import race

    allocation = allocate(tenant, fund, partner_org, "1000")
    first, second = (
        make_request(tenant, fund, partner_org, actor=partner_marketer, requested_amount="1000") for _ in range(2)
    )
    _approved, refused = race(
        tenant,
        lambda: services.fund_request_approve(actor=marketing, fund_request=first),
        lambda: services.fund_request_approve(actor=second_reviewer, fund_request=second),
    )
    assert isinstance(refused, InsufficientFunds), refused
    assert refused.field == "amount"
    with tenant_context(tenant):
        second.refresh_from_db()
        assert second.status == RequestStatus.SUBMITTED
        balance = selectors.allocation_balance(allocation=allocation)
        assert (balance.available, balance.committed) == (Decimal("0.00"), Decimal("1000.00"))
        assert selectors.ledger_differences() == []
