"""Reads of market development funds: balances (now and as of any date) per fund and per allocation, a partner's
requests and claims, the review and payout queues with their SLA and overdue flags, the payout file's rows, and
the ledger's own checks. Every read runs in the current tenant (scoped managers and row-level security)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from mdf.models import (
    AWAITING_REVIEW_REQUEST_STATUSES,
    OPEN_CLAIM_STATUSES,
    AccountKind,
    Allocation,
    Claim,
    ClaimStatus,
    Fund,
    FundRequest,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    PayoutBatch,
    ReconciliationRun,
)

ZERO = Decimal("0.00")


# Balances ------------------------------------------------------------------------------------------------------


@dataclass
class AllocationBalance:
    """A partner's amounts in a fund. `allocated` is what it holds in all four accounts (everything allocated to it,
    less what was reallocated away); `claimed` is approved, to pay, plus paid."""

    allocation: Allocation | None = None
    available: Decimal = ZERO
    committed: Decimal = ZERO
    payable: Decimal = ZERO
    paid: Decimal = ZERO

    @property
    def allocated(self) -> Decimal:
        return self.available + self.committed + self.payable + self.paid

    @property
    def claimed(self) -> Decimal:
        return self.payable + self.paid


@dataclass
class FundBalance:
    fund: Fund
    total: Decimal = ZERO  # what the funding source gave (minus sign removed)
    unallocated: Decimal = ZERO
    allocations: list[AllocationBalance] = field(default_factory=list)

    def _sum(self, name: str) -> Decimal:
        return sum((getattr(a, name) for a in self.allocations), ZERO)

    @property
    def allocated(self) -> Decimal:
        return self._sum("allocated")

    @property
    def available(self) -> Decimal:
        return self._sum("available")

    @property
    def committed(self) -> Decimal:
        return self._sum("committed")

    @property
    def payable(self) -> Decimal:
        return self._sum("payable")

    @property
    def paid(self) -> Decimal:
        return self._sum("paid")

    @property
    def claimed(self) -> Decimal:
        return self._sum("claimed")


_KIND_FIELD = {
    AccountKind.AVAILABLE: "available",
    AccountKind.COMMITTED: "committed",
    AccountKind.PAYABLE: "payable",
    AccountKind.PAID: "paid",
}


def _fund_balance(fund: Fund, balances: list[tuple[int | None, str, Decimal]], allocations) -> FundBalance:
    result = FundBalance(fund=fund)
    by_allocation: dict[int, AllocationBalance] = {a.pk: AllocationBalance(allocation=a) for a in allocations}
    for allocation_id, kind, balance in balances:
        if allocation_id is None:
            if kind == AccountKind.FUNDING_SOURCE:
                result.total = -balance
            elif kind == AccountKind.FUND_UNALLOCATED:
                result.unallocated = balance
            continue
        entry = by_allocation.setdefault(allocation_id, AllocationBalance())
        setattr(entry, _KIND_FIELD[kind], balance)
    result.allocations = list(by_allocation.values())
    return result


def fund_balance(*, fund: Fund) -> FundBalance:
    """The fund's amounts and every allocation's (with its partner), from the cached balances: two queries,
    whatever the number of partners."""
    rows = list(LedgerAccount.objects.filter(fund=fund).values_list("allocation_id", "kind", "balance"))
    allocations = (
        Allocation.objects.filter(fund=fund)
        .select_related("partner_organization")
        .order_by("partner_organization__name", "id")
    )
    return _fund_balance(fund, rows, allocations)


def fund_balance_as_of(*, fund: Fund, at: datetime) -> FundBalance:
    """The fund's amounts as they stood at `at`: the sum of the entries of transactions effective by then. Two
    queries."""
    rows = list(
        LedgerEntry.objects.filter(account__fund=fund, transaction__effective_at__lte=at)
        .values("account__allocation_id", "account__kind")
        .annotate(balance=Sum("amount"))
        .values_list("account__allocation_id", "account__kind", "balance")
        .order_by()
    )
    allocations = (
        Allocation.objects.filter(fund=fund)
        .select_related("partner_organization")
        .order_by("partner_organization__name", "id")
    )
    return _fund_balance(fund, rows, allocations)


def allocation_balance(*, allocation: Allocation) -> AllocationBalance:
    result = AllocationBalance(allocation=allocation)
    for kind, balance in LedgerAccount.objects.filter(allocation=allocation).values_list("kind", "balance"):
        setattr(result, _KIND_FIELD[kind], balance)
    return result


def partner_balances(*, partner_organization_id: int) -> list[AllocationBalance]:
    """A partner's amounts in each fund it has an allocation in (what it sees on its portal). Two queries."""
    allocations = list(
        Allocation.objects.filter(partner_organization_id=partner_organization_id)
        .select_related("fund")
        .order_by("-fund__period_start", "fund__name")
    )
    by_allocation = {a.pk: AllocationBalance(allocation=a) for a in allocations}
    rows = LedgerAccount.objects.filter(allocation_id__in=list(by_allocation)).values_list(
        "allocation_id", "kind", "balance"
    )
    for allocation_id, kind, balance in rows:
        setattr(by_allocation[allocation_id], _KIND_FIELD[kind], balance)
    return list(by_allocation.values())


# Funds, requests and claims ---------------------------------------------------------------------------------------


def fund_list() -> QuerySet[Fund]:
    return Fund.objects.order_by("-period_start", "name", "id")


def fund_get(*, fund_id: int) -> Fund | None:
    return Fund.objects.filter(pk=fund_id).first()


def allocation_list(*, fund: Fund) -> QuerySet[Allocation]:
    return (
        Allocation.objects.filter(fund=fund)
        .select_related("partner_organization")
        .order_by("partner_organization__name", "id")
    )


def _with_overdue(queryset: QuerySet, now: datetime) -> QuerySet:
    return queryset.annotate(
        is_overdue=Case(
            When(review_due_at__lt=now, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )


def request_list(*, partner_organization_id: int | None = None, status: str = "", fund_id: int | None = None):
    queryset = FundRequest.objects.select_related("fund", "partner_organization", "requested_by")
    if partner_organization_id is not None:
        queryset = queryset.filter(partner_organization_id=partner_organization_id)
    if status:
        queryset = queryset.filter(status=status)
    if fund_id is not None:
        queryset = queryset.filter(fund_id=fund_id)
    return queryset.annotate(claims_count=Count("claims")).order_by("-created_at", "-id")


def request_get(*, fund_request_id: int, partner_organization_id: int | None = None) -> FundRequest | None:
    """One request; for a partner, only its own (None otherwise: the page answers 404)."""
    queryset = FundRequest.objects.select_related("fund", "allocation", "partner_organization")
    if partner_organization_id is not None:
        queryset = queryset.filter(partner_organization_id=partner_organization_id)
    return queryset.filter(pk=fund_request_id).first()


def request_review_queue(*, now: datetime | None = None) -> QuerySet[FundRequest]:
    """Requests waiting for a decision, oldest due first, with `is_overdue` (the review SLA passed)."""
    now = now or timezone.now()
    queryset = FundRequest.objects.filter(status__in=AWAITING_REVIEW_REQUEST_STATUSES).select_related(
        "fund", "partner_organization", "requested_by"
    )
    return _with_overdue(queryset, now).order_by(F("review_due_at").asc(nulls_last=True), "id")


def claim_list(*, partner_organization_id: int | None = None, status: str = "", fund_id: int | None = None):
    queryset = Claim.objects.select_related("fund", "fund_request", "partner_organization")
    if partner_organization_id is not None:
        queryset = queryset.filter(partner_organization_id=partner_organization_id)
    if status:
        queryset = queryset.filter(status=status)
    if fund_id is not None:
        queryset = queryset.filter(fund_id=fund_id)
    return queryset.order_by("-created_at", "-id")


def claim_get(*, claim_id: int, partner_organization_id: int | None = None) -> Claim | None:
    queryset = Claim.objects.select_related("fund", "fund_request", "partner_organization")
    if partner_organization_id is not None:
        queryset = queryset.filter(partner_organization_id=partner_organization_id)
    return queryset.filter(pk=claim_id).prefetch_related("files").first()


def claim_review_queue(*, now: datetime | None = None) -> QuerySet[Claim]:
    """Claims waiting for a decision (not those waiting for the partner's proof), oldest due first, with
    `is_overdue` and their flags."""
    now = now or timezone.now()
    queryset = Claim.objects.filter(status=ClaimStatus.SUBMITTED).select_related(
        "fund", "fund_request", "partner_organization", "claimed_by"
    )
    return _with_overdue(queryset, now).order_by(F("review_due_at").asc(nulls_last=True), "id")


def proof_file_get(*, proof_file_id: int, partner_organization_id: int | None = None):
    """A proof file for the authorized download view; for a partner, only its own claims' files."""
    from mdf.models import ProofFile

    queryset = ProofFile.objects.select_related("claim")
    if partner_organization_id is not None:
        queryset = queryset.filter(claim__partner_organization_id=partner_organization_id)
    return queryset.filter(pk=proof_file_id).first()


# Payouts -------------------------------------------------------------------------------------------------------


def payout_due_at():
    return ExpressionWrapper(
        F("approved_at") + F("fund__payout_overdue_days") * Value(timedelta(days=1)), output_field=DateTimeField()
    )


def payout_queue(*, fund_id: int | None = None, now: datetime | None = None) -> QuerySet[Claim]:
    """Approved claims waiting for payout, oldest first, with `payout_due_at` and `is_overdue` (the fund's payout
    days passed since approval)."""
    now = now or timezone.now()
    queryset = Claim.objects.filter(status=ClaimStatus.APPROVED).select_related(
        "fund", "partner_organization", "payout_batch"
    )
    if fund_id is not None:
        queryset = queryset.filter(fund_id=fund_id)
    return (
        queryset.annotate(payout_due_at=payout_due_at())
        .annotate(
            is_overdue=Case(
                When(payout_due_at__lt=now, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .order_by("approved_at", "id")
    )


def payout_batch_list(*, fund_id: int | None = None) -> QuerySet[PayoutBatch]:
    queryset = PayoutBatch.objects.select_related("fund", "created_by", "confirmed_by")
    if fund_id is not None:
        queryset = queryset.filter(fund_id=fund_id)
    return queryset.annotate(
        claims_count=Count("claims"), amount=Coalesce(Sum("claims__approved_amount"), ZERO)
    ).order_by("-created_at", "-id")


PAYOUT_FILE_COLUMNS = (
    "batch_reference",
    "claim_id",
    "partner_id",
    "partner_name",
    "partner_external_id",
    "invoice_number",
    "campaign_code",
    "amount",
    "currency",
    "approved_at",
)


def payout_batch_rows(*, batch: PayoutBatch):
    """The payout file's rows (PAYOUT_FILE_COLUMNS) for the ERP: one per claim of the batch, streamed (one query)."""
    claims = (
        Claim.objects.filter(payout_batch=batch)
        .order_by("id")
        .values_list(
            "id",
            "partner_organization_id",
            "partner_organization__name",
            "partner_organization__external_id",
            "invoice_number",
            "fund_request__campaign_code",
            "approved_amount",
            "currency",
            "approved_at",
        )
    )
    for row in claims.iterator(chunk_size=2000):
        pk, partner_id, name, external_id, invoice, code, amount, currency, approved_at = row
        yield [
            batch.reference,
            pk,
            partner_id,
            name,
            external_id or "",
            invoice,
            code,
            str(amount),
            currency,
            approved_at.isoformat() if approved_at else "",
        ]


def payout_time(*, fund_id: int | None = None) -> dict:
    """Approval to payment for paid claims: count and mean/longest days."""
    queryset = Claim.objects.filter(status=ClaimStatus.PAID, approved_at__isnull=False, paid_at__isnull=False)
    if fund_id is not None:
        queryset = queryset.filter(fund_id=fund_id)
    durations = [paid - approved for approved, paid in queryset.values_list("approved_at", "paid_at")]
    if not durations:
        return {"count": 0, "mean_days": None, "max_days": None}
    seconds = [d.total_seconds() for d in durations]
    return {
        "count": len(seconds),
        "mean_days": round(sum(seconds) / len(seconds) / 86400, 1),
        "max_days": round(max(seconds) / 86400, 1),
    }


# Leads (for ROI, which joins deal registrations by campaign code later) ------------------------------------------


def leads_by_request(*, fund_id: int | None = None) -> dict[int, int]:
    """Leads reported by the claims of each request (claims not rejected). One query."""
    queryset = Claim.objects.exclude(status=ClaimStatus.REJECTED)
    if fund_id is not None:
        queryset = queryset.filter(fund_id=fund_id)
    rows = queryset.values("fund_request_id").annotate(leads=Sum("leads_count")).order_by()
    return {row["fund_request_id"]: row["leads"] or 0 for row in rows}


def open_claims_of_request(*, fund_request: FundRequest) -> QuerySet[Claim]:
    return fund_request.claims.filter(status__in=OPEN_CLAIM_STATUSES)


# The ledger itself -----------------------------------------------------------------------------------------------


def ledger_transactions(*, fund: Fund, allocation: Allocation | None = None) -> QuerySet[LedgerTransaction]:
    """A fund's (or an allocation's) movements, newest first, entries prefetched."""
    queryset = LedgerTransaction.objects.filter(fund=fund)
    if allocation is not None:
        queryset = queryset.filter(entries__account__allocation=allocation).distinct()
    return queryset.select_related("posted_by").prefetch_related("entries__account").order_by("-effective_at", "-id")


def ledger_differences() -> list[dict]:
    """Accounts whose cached balance differs from the sum of their entries (none, normally). One query."""
    rows = (
        LedgerAccount.objects.annotate(ledger=Coalesce(Sum("entries__amount"), ZERO))
        .filter(~Q(balance=F("ledger")))
        .values_list("pk", "fund_id", "allocation_id", "kind", "balance", "ledger")
        .order_by("pk")
    )
    return [
        {
            "account_id": pk,
            "fund_id": fund_id,
            "allocation_id": allocation_id,
            "kind": kind,
            "cached": str(balance),
            "ledger": str(ledger),
        }
        for pk, fund_id, allocation_id, kind, balance, ledger in rows
    ]


def unbalanced_transactions() -> list[int]:
    """Transactions whose entries do not sum to zero or are fewer than two (the database refuses them at commit;
    this reads what a check would find). One query."""
    rows = (
        LedgerTransaction.objects.annotate(total=Coalesce(Sum("entries__amount"), ZERO), lines=Count("entries"))
        .filter(~Q(total=0) | Q(lines__lt=2))
        .values_list("pk", flat=True)
    )
    return list(rows)


def latest_reconciliation() -> ReconciliationRun | None:
    return ReconciliationRun.objects.order_by("-ran_at", "-id").first()


def balances_by_kind() -> dict[tuple[int, int | None, str], Decimal]:
    """Every account's cached balance by (fund, allocation, kind), for checks."""
    result = defaultdict(lambda: ZERO)
    for fund_id, allocation_id, kind, balance in LedgerAccount.objects.values_list(
        "fund_id", "allocation_id", "kind", "balance"
    ):
        result[(fund_id, allocation_id, kind)] = balance
    return dict(result)


# What is expected next (the portal and the console show it beside each request and claim) ----------------------


def request_next_step(fund_request: FundRequest, *, claims: list[Claim] | None = None) -> str:
    """What the request waits for, in words, from the partner's side. `claims`: the request's claims when already
    read (else none are assumed)."""
    from django.utils.translation import gettext as _

    from mdf.models import RequestStatus

    claims = claims or []
    status = fund_request.status
    if status == RequestStatus.DRAFT:
        return _("Submit the request for review.")
    if status == RequestStatus.SUBMITTED:
        return _("Waiting for marketing's decision.")
    if status == RequestStatus.CHANGES_REQUESTED:
        return _("Make the changes asked for and submit again.")
    if status == RequestStatus.APPROVED:
        if any(c.status == ClaimStatus.PROOF_REQUESTED for c in claims):
            return _("Add the proof asked for to your claim.")
        if any(c.status == ClaimStatus.SUBMITTED for c in claims):
            return _("Waiting for the review of your claim.")
        deadline = min(
            fund_request.fund.claim_deadline,
            fund_request.end_date + timedelta(days=fund_request.fund.expiry_days),
        )
        return _("Run the activity, then claim with the invoice and proof by %(date)s.") % {
            "date": deadline.isoformat()
        }
    if status == RequestStatus.CLAIMED:
        if any(c.status == ClaimStatus.APPROVED for c in claims):
            return _("Claim approved: payment is on its way.")
        return _("Claimed.")
    return ""


def claim_next_step(claim: Claim) -> str:
    from django.utils.translation import gettext as _

    return {
        ClaimStatus.SUBMITTED: _("Waiting for marketing's review."),
        ClaimStatus.PROOF_REQUESTED: _("Add the proof asked for."),
        ClaimStatus.APPROVED: _("Approved: waiting for payment."),
        ClaimStatus.REJECTED: _("Turned down; you may claim again while the request is open."),
        ClaimStatus.PAID: _("Paid."),
    }.get(claim.status, "")
