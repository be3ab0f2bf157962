"""Reads for the MDF pages and cards: each fund's totals in one query, the queues' counts, a request's claims with
their files, and what needs a partner's attention. Set-based: a fixed number of queries whatever the rows."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, DecimalField, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from mdf.models import (
    AccountKind,
    Allocation,
    Claim,
    ClaimStatus,
    Fund,
    FundRequest,
    FundStatus,
    LedgerAccount,
    ProofFile,
    RequestStatus,
)
from mdf.selectors import ZERO, payout_due_at

# What the partner must act on (its own steps).
PARTNER_ATTENTION_REQUEST = (RequestStatus.DRAFT, RequestStatus.CHANGES_REQUESTED)


def fund_totals(funds) -> dict[int, dict[str, Decimal]]:
    """Each fund's total, unallocated, available, committed, payable, paid, allocated and claimed (one query)."""
    result: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    ids = [f.pk for f in funds]
    for fund_id, kind, balance in LedgerAccount.objects.filter(fund_id__in=ids).values_list(
        "fund_id", "kind", "balance"
    ):
        totals = result[fund_id]
        if kind == AccountKind.FUNDING_SOURCE:
            totals["total"] += -balance
        elif kind == AccountKind.FUND_UNALLOCATED:
            totals["unallocated"] += balance
        else:
            totals[kind] += balance
            totals["allocated"] += balance
            if kind in (AccountKind.PAYABLE, AccountKind.PAID):
                totals["claimed"] += balance
    return {fund_id: dict(totals) for fund_id, totals in result.items()}


def funds_open_for_requests(*, partner_organization_id: int) -> list[Fund]:
    """Active funds in which the partner has an allocation (where it may ask for funds)."""
    return list(
        Fund.objects.filter(status=FundStatus.ACTIVE, allocations__partner_organization_id=partner_organization_id)
        .distinct()
        .order_by("-period_start", "name")
    )


def claims_by_request(*, partner_organization_id: int | None = None, fund_request_ids=None) -> dict[int, list[Claim]]:
    queryset = Claim.objects.order_by("created_at", "id")
    if partner_organization_id is not None:
        queryset = queryset.filter(partner_organization_id=partner_organization_id)
    if fund_request_ids is not None:
        queryset = queryset.filter(fund_request_id__in=list(fund_request_ids))
    result: dict[int, list[Claim]] = defaultdict(list)
    for claim in queryset:
        result[claim.fund_request_id].append(claim)
    return dict(result)


def request_claims(*, fund_request: FundRequest) -> list[Claim]:
    """A request's claims, oldest first, with their files (two queries)."""
    return list(
        Claim.objects.filter(fund_request=fund_request)
        .select_related("claimed_by", "payout_batch")
        .prefetch_related(Prefetch("files", queryset=ProofFile.objects.order_by("id")))
        .order_by("created_at", "id")
    )


def partner_attention(*, partner_organization_id: int) -> dict[str, int]:
    """How many of the partner's requests wait for it (drafts, changes requested) and claims need proof (one query
    each)."""
    requests = FundRequest.objects.filter(
        partner_organization_id=partner_organization_id, status__in=PARTNER_ATTENTION_REQUEST
    ).aggregate(
        drafts=Count("id", filter=Q(status=RequestStatus.DRAFT)),
        changes=Count("id", filter=Q(status=RequestStatus.CHANGES_REQUESTED)),
    )
    proof = Claim.objects.filter(
        partner_organization_id=partner_organization_id, status=ClaimStatus.PROOF_REQUESTED
    ).count()
    return {"drafts": requests["drafts"], "changes": requests["changes"], "proof": proof}


def queue_counts() -> dict[str, int]:
    """The console's MDF card: requests and claims waiting for review (and how many are overdue), claims to pay
    (and overdue). Three queries."""
    now = timezone.now()
    requests = FundRequest.objects.filter(status=RequestStatus.SUBMITTED).aggregate(
        waiting=Count("id"), overdue=Count("id", filter=Q(review_due_at__lt=now))
    )
    claims = Claim.objects.filter(status=ClaimStatus.SUBMITTED).aggregate(
        waiting=Count("id"), overdue=Count("id", filter=Q(review_due_at__lt=now))
    )
    payouts = (
        Claim.objects.filter(status=ClaimStatus.APPROVED)
        .annotate(due=payout_due_at())
        .aggregate(waiting=Count("id"), overdue=Count("id", filter=Q(due__lt=now)))
    )
    return {
        "requests": requests["waiting"],
        "requests_overdue": requests["overdue"],
        "claims": claims["waiting"],
        "claims_overdue": claims["overdue"],
        "payouts": payouts["waiting"],
        "payouts_overdue": payouts["overdue"],
    }


def _balance(kind):
    return Coalesce(
        Sum("accounts__balance", filter=Q(accounts__kind=kind)),
        Value(0),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def allocations_with_balances() -> QuerySet[Allocation]:
    """Allocations with `available`, `committed`, `payable` and `paid` annotated from the cached balances (one
    query for a page of them)."""
    return (
        Allocation.objects.select_related("fund")
        .annotate(
            available=_balance(AccountKind.AVAILABLE),
            committed=_balance(AccountKind.COMMITTED),
            payable=_balance(AccountKind.PAYABLE),
            paid=_balance(AccountKind.PAID),
        )
        .order_by("id")
    )
