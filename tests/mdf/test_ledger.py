"""The ledger's rules, held by the database itself: every transaction balances, no account but the funding source
goes below zero, entries and transactions cannot be rewritten by the application, cached balances equal the sums."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.utils import ProgrammingError

from mdf import selectors, services
from mdf.models import AccountKind, LedgerAccount, LedgerEntry, LedgerTransaction, TransactionKind
from mdf.services.ledger import allocation_accounts, fund_accounts, ledger_post
from prm.errors import ValidationFailed
from prm.policy import ProgramActor
from prm.tenancy import tenant_context
from tests.mdf.factories import allocate

pytestmark = pytest.mark.django_db


def check_deferred_now():
    """Run the checks PostgreSQL defers to commit (the test's transaction never commits)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def test_creating_a_fund_posts_its_budget_from_the_funding_source(tenant, fund):
    with tenant_context(tenant):
        balance = selectors.fund_balance(fund=fund)
        accounts = fund_accounts(fund.pk)
        assert balance.total == Decimal("100000.00") and balance.unallocated == Decimal("100000.00")
        assert accounts[AccountKind.FUNDING_SOURCE].balance == Decimal("-100000.00")
        (posted,) = LedgerTransaction.objects.filter(fund=fund)
        assert posted.kind == TransactionKind.FUND
        assert sorted(posted.entries.values_list("amount", flat=True)) == [Decimal("-100000.00"), Decimal("100000.00")]
        check_deferred_now()


def test_an_unbalanced_transaction_is_rejected_by_the_database(tenant, fund):
    with tenant_context(tenant):
        accounts = fund_accounts(fund.pk)
        with pytest.raises(IntegrityError, match="unbalanced"), transaction.atomic():
            posted = LedgerTransaction.objects.create(
                fund=fund, kind=TransactionKind.FUND, effective_at=fund.created_at
            )
            LedgerEntry.objects.create(
                transaction=posted, account=accounts[AccountKind.FUND_UNALLOCATED], amount=Decimal("5"), currency="USD"
            )
            LedgerEntry.objects.create(
                transaction=posted, account=accounts[AccountKind.FUNDING_SOURCE], amount=Decimal("-4"), currency="USD"
            )
            check_deferred_now()


def test_a_transaction_with_a_single_entry_is_rejected_by_the_database(tenant, fund):
    with tenant_context(tenant):
        with pytest.raises(IntegrityError, match="unbalanced"), transaction.atomic():
            LedgerTransaction.objects.create(fund=fund, kind=TransactionKind.FUND, effective_at=fund.created_at)
            check_deferred_now()


def test_an_entry_in_another_currency_than_its_account_is_rejected(tenant, fund):
    with tenant_context(tenant):
        accounts = fund_accounts(fund.pk)
        with pytest.raises(IntegrityError, match="EUR"), transaction.atomic():
            posted = LedgerTransaction.objects.create(
                fund=fund, kind=TransactionKind.FUND, effective_at=fund.created_at
            )
            LedgerEntry.objects.create(
                transaction=posted, account=accounts[AccountKind.FUND_UNALLOCATED], amount=Decimal("5"), currency="EUR"
            )


def test_the_database_refuses_a_negative_balance_even_when_code_does_not_check(tenant, fund, partner_org):
    allocation = allocate(tenant, fund, partner_org, "100")
    with tenant_context(tenant):
        accounts = allocation_accounts(allocation.pk)
        with pytest.raises(ValidationFailed, match="Not enough funds") as refused:
            ledger_post(
                fund=fund,
                kind=TransactionKind.COMMIT,
                lines=[
                    (accounts[AccountKind.AVAILABLE], Decimal("-100.01")),
                    (accounts[AccountKind.COMMITTED], Decimal("100.01")),
                ],
            )
        assert refused.value.field == "amount"
        assert LedgerTransaction.objects.filter(kind=TransactionKind.COMMIT).count() == 0
        assert selectors.allocation_balance(allocation=allocation).available == Decimal("100.00")


def test_the_app_role_cannot_update_or_delete_ledger_entries_or_transactions(tenant, fund):
    statements = [
        "UPDATE mdf_ledgerentry SET amount = amount + 1",
        "DELETE FROM mdf_ledgerentry",
        "UPDATE mdf_ledgertransaction SET memo = 'rewritten'",
        "DELETE FROM mdf_ledgertransaction",
    ]
    for statement in statements:
        with pytest.raises(ProgrammingError, match="permission denied"), tenant_context(tenant):
            with connection.cursor() as cursor:
                cursor.execute(statement)


def test_a_reversal_negates_the_original_once(tenant, fund, partner_org):
    allocation = allocate(tenant, fund, partner_org, "1000")
    with tenant_context(tenant):
        original = LedgerTransaction.objects.get(kind=TransactionKind.ALLOCATE)
        reversal = services.ledger_reverse(actor=ProgramActor(tenant.pk), original=original)
        assert reversal.kind == TransactionKind.REVERSAL and reversal.reverses_id == original.pk
        assert selectors.allocation_balance(allocation=allocation).available == Decimal("0.00")
        assert selectors.fund_balance(fund=fund).unallocated == Decimal("100000.00")
        with pytest.raises(ValidationFailed, match="already reversed"):
            services.ledger_reverse(actor=ProgramActor(tenant.pk), original=original)
        assert selectors.ledger_differences() == []
        check_deferred_now()


def test_cached_balances_equal_their_ledger_sums_and_reconciliation_finds_a_tampered_one(tenant, fund, partner_org):
    allocate(tenant, fund, partner_org, "1000")
    with tenant_context(tenant):
        assert selectors.ledger_differences() == []
        # Someone writes a balance behind the ledger's back (the app role may update accounts: the trigger does).
        LedgerAccount.objects.filter(kind=AccountKind.AVAILABLE).update(balance=Decimal("999.00"))
        (difference,) = selectors.ledger_differences()
        assert difference["cached"] == "999.00" and difference["ledger"] == "1000.00"


def test_balances_as_of_a_date_count_only_what_was_effective_by_then(tenant, fund, partner_org):
    allocation = allocate(tenant, fund, partner_org, "1000")
    with tenant_context(tenant):
        allocated_at = LedgerTransaction.objects.get(kind=TransactionKind.ALLOCATE).effective_at
        fund_at = LedgerTransaction.objects.get(kind=TransactionKind.FUND).effective_at
        before = selectors.fund_balance_as_of(fund=fund, at=fund_at)
        after = selectors.fund_balance_as_of(fund=fund, at=allocated_at)
    assert before.unallocated == Decimal("100000.00") and before.allocated == Decimal("0.00")
    assert after.unallocated == Decimal("99000.00")
    assert [a.available for a in after.allocations if a.allocation == allocation] == [Decimal("1000.00")]


def test_commitments_are_not_reversed_by_hand_and_only_managers_reverse(
    tenant, fund, allocation, partner_org, partner_marketer, marketing
):
    from prm.errors import PermissionDenied
    from tests.mdf.factories import make_request

    make_request(tenant, fund, partner_org, actor=partner_marketer, approve_by=marketing)
    with tenant_context(tenant):
        commit = LedgerTransaction.objects.get(kind=TransactionKind.COMMIT)
        with pytest.raises(ValidationFailed) as refused:
            services.ledger_reverse(actor=ProgramActor(tenant.pk), original=commit)
        assert refused.value.field == "transaction"
        with pytest.raises(PermissionDenied):
            services.ledger_reverse(actor=marketing, original=LedgerTransaction.objects.get(kind=TransactionKind.FUND))
