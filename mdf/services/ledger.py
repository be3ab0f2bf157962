"""The ledger: every movement of money is one transaction of two or more entries that sum to zero.

`ledger_post` is the only writer. The database does the rest (migration 0001): a trigger adds each entry to its
account's cached balance — the row lock of that UPDATE serialises two postings on one account, and the account's
CHECK refuses a balance below zero, so two approvals racing for the last of an allocation cannot both win — and a
deferred constraint trigger refuses, at commit, a transaction whose entries do not sum to zero. Entries and
transactions are append-only: a correction is `ledger_reverse`.

Accounts (docs/mdf.md): a fund has a funding source (the only account that may go negative) and an unallocated
account; each allocation has available, committed, payable (claim approved, not yet paid) and paid.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mdf.models import (
    ALLOCATION_ACCOUNT_KINDS,
    FUND_ACCOUNT_KINDS,
    AccountKind,
    Allocation,
    Fund,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    TransactionKind,
)
from prm.errors import ValidationFailed

BALANCE_CONSTRAINT = "mdf_account_balance_not_negative"


class InsufficientFunds(ValidationFailed):
    """A posting would take an account below zero (the database refused it, or the service saw it first)."""


def not_enough(field: str) -> InsufficientFunds:
    return InsufficientFunds(_("Not enough funds available for this amount."), field=field)


def fund_accounts_create(fund: Fund) -> dict[str, LedgerAccount]:
    accounts = LedgerAccount.objects.bulk_create(
        [LedgerAccount(fund=fund, kind=kind, currency=fund.currency) for kind in FUND_ACCOUNT_KINDS]
    )
    return {account.kind: account for account in accounts}


def allocation_accounts_create(allocation: Allocation) -> dict[str, LedgerAccount]:
    accounts = LedgerAccount.objects.bulk_create(
        [
            LedgerAccount(
                fund_id=allocation.fund_id, allocation=allocation, kind=kind, currency=allocation.fund.currency
            )
            for kind in ALLOCATION_ACCOUNT_KINDS
        ]
    )
    return {account.kind: account for account in accounts}


def fund_accounts(fund_id: int) -> dict[str, LedgerAccount]:
    return {a.kind: a for a in LedgerAccount.objects.filter(fund_id=fund_id, allocation__isnull=True)}


def allocation_accounts(allocation_id: int) -> dict[str, LedgerAccount]:
    return {a.kind: a for a in LedgerAccount.objects.filter(allocation_id=allocation_id)}


def accounts_of_allocations(allocation_ids: Iterable[int]) -> dict[int, dict[str, LedgerAccount]]:
    """{allocation id: {kind: account}} in one query."""
    result: dict[int, dict[str, LedgerAccount]] = {}
    for account in LedgerAccount.objects.filter(allocation_id__in=list(allocation_ids)):
        result.setdefault(account.allocation_id, {})[account.kind] = account
    return result


def _actor_fields(actor) -> dict:
    user = getattr(actor, "user", None)
    api_key = getattr(actor, "api_key", None)
    return {
        "posted_by": user if getattr(user, "pk", None) else None,
        "posted_by_api_key_id": getattr(api_key, "pk", None),
    }


def ledger_post(
    *,
    fund: Fund,
    kind: str,
    lines: list[tuple[LedgerAccount, Decimal]],
    actor=None,
    memo: str = "",
    fund_request=None,
    claim=None,
    payout_batch=None,
    reverses: LedgerTransaction | None = None,
    idempotency_key: str = "",
    effective_at: datetime | None = None,
    field: str = "amount",
) -> LedgerTransaction:
    """Post one balanced transaction. Lines with a zero amount are left out; the rest must sum to zero, be in the
    fund's currency and name the fund's accounts. A posting that would take an account below zero is refused with
    InsufficientFunds naming `field`, and nothing is written. With an `idempotency_key`, a transaction already
    posted under it is returned instead (a repeated payout or nightly run posts once)."""
    if kind not in TransactionKind.values:
        raise ValueError(f"Unknown ledger transaction kind {kind!r}.")
    lines = [(account, Decimal(amount)) for account, amount in lines if Decimal(amount) != 0]
    if len(lines) < 2 or sum(amount for _account, amount in lines) != 0:
        raise ValueError("A ledger transaction needs two or more entries summing to zero.")
    for account, _amount in lines:
        if account.fund_id != fund.pk or account.currency != fund.currency:
            raise ValueError("A ledger entry names an account of another fund or currency.")
    if idempotency_key:
        existing = LedgerTransaction.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            posted = LedgerTransaction(
                fund=fund,
                kind=kind,
                memo=memo[:500],
                fund_request=fund_request,
                claim=claim,
                payout_batch=payout_batch,
                reverses=reverses,
                idempotency_key=idempotency_key,
                effective_at=effective_at or timezone.now(),
                **_actor_fields(actor),
            )
            posted.save(force_insert=True)
            # Accounts in id order: two transactions touching the same accounts lock them in the same order.
            LedgerEntry.objects.bulk_create(
                [
                    LedgerEntry(transaction=posted, account=account, amount=amount, currency=fund.currency)
                    for account, amount in sorted(lines, key=lambda line: line[0].pk)
                ]
            )
    except IntegrityError as exc:
        constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
        if constraint == BALANCE_CONSTRAINT:
            raise not_enough(field) from None
        if idempotency_key and constraint == "mdf_transaction_idempotency_key":
            return LedgerTransaction.objects.get(idempotency_key=idempotency_key)
        raise
    return posted


# Movements a fund manager corrects by reversing them. Commitments, spending and payments follow their request's or
# claim's workflow (cancel, expire, decide), so that a request's status and its money never disagree.
REVERSIBLE_KINDS = (TransactionKind.FUND, TransactionKind.ALLOCATE, TransactionKind.REALLOCATE)


@transaction.atomic
def ledger_reverse(*, actor, original: LedgerTransaction, memo: str = "") -> LedgerTransaction:
    """A correction of a budget, an allocation or a reallocation: the same entries with the opposite sign, linked to
    the original (reversed once only). Refused when it would take an account below zero (the money has moved on
    since)."""
    from prm import policy

    policy.require(actor, "mdf.manage", original.fund)
    if original.kind not in REVERSIBLE_KINDS:
        raise ValidationFailed(
            _("Only budgets, allocations and reallocations are reversed; requests and claims follow their steps."),
            field="transaction",
        )
    if LedgerTransaction.objects.filter(reverses=original).exists():
        raise ValidationFailed(_("This ledger transaction is already reversed."), field="transaction")
    entries = list(LedgerEntry.objects.select_related("account").filter(transaction=original))
    return ledger_post(
        fund=original.fund,
        kind=TransactionKind.REVERSAL,
        lines=[(entry.account, -entry.amount) for entry in entries],
        actor=actor,
        memo=memo or _("Reversal of transaction %(id)s") % {"id": original.pk},
        fund_request=original.fund_request,
        claim=original.claim,
        reverses=original,
        field="transaction",
    )


def locked_accounts(*account_ids: int) -> dict[int, LedgerAccount]:
    """Accounts read fresh under a row lock (in id order), for a service that checks a balance before posting."""
    accounts = LedgerAccount.objects.select_for_update().filter(pk__in=account_ids).order_by("pk")
    return {account.pk: account for account in accounts}


def require_available(account: LedgerAccount, amount: Decimal, *, field: str) -> None:
    """The friendly first check; the database's CHECK stays the guarantee."""
    if account.balance < amount:
        raise not_enough(field)


__all__ = [
    "AccountKind",
    "InsufficientFunds",
    "accounts_of_allocations",
    "allocation_accounts",
    "allocation_accounts_create",
    "fund_accounts",
    "fund_accounts_create",
    "ledger_post",
    "ledger_reverse",
    "locked_accounts",
    "require_available",
]
