"""Market development funds: funds and their allocations to partners, a double-entry ledger that never goes below
zero, fund requests (pre-approvals), claims with proof of performance, and payouts (docs/mdf.md).

Money moves only as ledger transactions (`mdf.services.ledger`): each is two or more entries summing to zero, a
deferred constraint trigger refuses an unbalanced one at commit, entries and transactions are append-only (the
app role may not UPDATE or DELETE them), and each account's cached `balance` is kept by a trigger on the entries
with a CHECK that it never goes below zero (the funding source aside). The triggers live in migration 0001.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import pghistory
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from prm.tenancy import TenantOwnedModel

MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2}
ZERO = Decimal("0.00")


# Funds and allocations --------------------------------------------------------------------------------------------


class FundStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("fund status", "Active")
    CLOSED = "closed", pgettext_lazy("fund status", "Closed")


class Fund(TenantOwnedModel):
    """A budget for a fiscal period in one currency, allocated to partners. Its total is posted to the ledger
    (funding source → unallocated) when it is created."""

    name = models.CharField(_("name"), max_length=200)
    period_start = models.DateField(_("fiscal period start"))
    period_end = models.DateField(_("fiscal period end"))
    currency = models.CharField(_("currency"), max_length=3)
    total = models.DecimalField(_("total"), **MONEY)
    claim_deadline = models.DateField(_("claim deadline"))
    # The share of an activity's cost the fund reimburses (50 % is common; 5–100 % seen).
    reimbursement_share = models.DecimalField(
        _("reimbursement share (%)"),
        **PERCENT,
        default=Decimal("50"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    # How far a claim may go above the approved amount (percent of it); 0: never above.
    claim_tolerance_percent = models.DecimalField(
        _("claim tolerance (%)"),
        **PERCENT,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    # An approved activity not claimed this many days after it ended expires (nightly) and its commitment returns.
    expiry_days = models.PositiveSmallIntegerField(_("expiry days after the activity"), default=60)
    review_sla_business_days = models.PositiveSmallIntegerField(
        _("review SLA (business days)"), default=2, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    payout_overdue_days = models.PositiveSmallIntegerField(_("payout overdue after (days)"), default=30)
    # Claims on one request that add up above this while each stays below it are flagged (split to dodge review).
    approval_threshold = models.DecimalField(_("approval threshold"), **MONEY, null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=FundStatus.choices, default=FundStatus.ACTIVE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["-period_start", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(total__gte=0), name="mdf_fund_total_not_negative"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="mdf_fund_period_order"
            ),
            models.CheckConstraint(
                condition=models.Q(reimbursement_share__gt=0) & models.Q(reimbursement_share__lte=100),
                name="mdf_fund_share_range",
            ),
            models.CheckConstraint(
                condition=models.Q(claim_tolerance_percent__gte=0) & models.Q(claim_tolerance_percent__lte=100),
                name="mdf_fund_tolerance_range",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "status"], name="mdf_fund_status")]

    def __str__(self):
        return self.name


class AllocationSource(models.TextChoices):
    MANUAL = "manual", _("By hand")
    CSV = "csv", _("CSV import")
    TIER = "tier", _("By tier")
    REGION = "region", _("By region")
    COOP = "coop", _("Co-op accrual")


class Allocation(TenantOwnedModel):
    """A partner's share of a fund. Its amounts (available, committed, payable, paid) are its ledger accounts."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="allocations")
    partner_organization = models.ForeignKey(
        "partners.PartnerOrganization", on_delete=models.PROTECT, related_name="mdf_allocations"
    )
    source = models.CharField(_("source"), max_length=16, choices=AllocationSource.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["fund", "partner_organization__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "fund", "partner_organization"], name="mdf_allocation_once"),
        ]
        indexes = [models.Index(fields=["tenant", "partner_organization"], name="mdf_allocation_partner")]

    def __str__(self):
        return f"{self.fund} → {self.partner_organization_id}"


# The ledger -------------------------------------------------------------------------------------------------------


class AccountKind(models.TextChoices):
    # The money's origin: the only account that goes negative (by the fund's total).
    FUNDING_SOURCE = "funding_source", _("Funding source")
    FUND_UNALLOCATED = "fund_unallocated", _("Unallocated")
    AVAILABLE = "available", _("Available")
    COMMITTED = "committed", _("Committed")
    PAYABLE = "payable", _("Approved, to pay")
    PAID = "paid", _("Paid")


FUND_ACCOUNT_KINDS = (AccountKind.FUNDING_SOURCE, AccountKind.FUND_UNALLOCATED)
ALLOCATION_ACCOUNT_KINDS = (AccountKind.AVAILABLE, AccountKind.COMMITTED, AccountKind.PAYABLE, AccountKind.PAID)


class LedgerAccount(TenantOwnedModel):
    """One account of a fund (no allocation) or of an allocation. `balance` is a cache kept by a trigger on the
    entries (never written by code); the database refuses a negative balance except on the funding source."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="accounts")
    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, null=True, blank=True, related_name="accounts")
    kind = models.CharField(max_length=20, choices=AccountKind.choices)
    currency = models.CharField(max_length=3)
    balance = models.DecimalField(**MONEY, default=ZERO, editable=False)

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "fund", "kind"],
                condition=models.Q(allocation__isnull=True),
                name="mdf_account_fund_kind",
            ),
            models.UniqueConstraint(
                fields=["tenant", "allocation", "kind"],
                condition=models.Q(allocation__isnull=False),
                name="mdf_account_allocation_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(balance__gte=0) | models.Q(kind="funding_source"),
                name="mdf_account_balance_not_negative",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(allocation__isnull=True, kind__in=["funding_source", "fund_unallocated"])
                    | models.Q(allocation__isnull=False, kind__in=["available", "committed", "payable", "paid"])
                ),
                name="mdf_account_kind_matches_owner",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "fund", "allocation"], name="mdf_account_owner")]

    def __str__(self):
        return f"{self.fund_id}/{self.allocation_id or '-'}/{self.kind}"


class TransactionKind(models.TextChoices):
    FUND = "fund", _("Fund budgeted")
    ALLOCATE = "allocate", _("Allocated")
    REALLOCATE = "reallocate", _("Reallocated")
    COMMIT = "commit", _("Committed (request approved)")
    RELEASE = "release", _("Released")
    SPEND = "spend", _("Spent (claim approved)")
    PAY = "pay", _("Paid")
    REVERSAL = "reversal", _("Reversal")


class LedgerTransaction(TenantOwnedModel):
    """One movement of money: two or more entries that sum to zero (checked by the database at commit). Never
    changed or removed; a correction is a reversing transaction."""

    APPEND_ONLY = True

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="transactions")
    kind = models.CharField(max_length=16, choices=TransactionKind.choices)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # An API key that posted it (the program's rules and people leave it empty).
    posted_by_api_key_id = models.BigIntegerField(null=True, blank=True)
    posted_at = models.DateTimeField(auto_now_add=True)
    # When the movement counts (balances as of a date); usually when it was posted.
    effective_at = models.DateTimeField()
    memo = models.CharField(max_length=500, blank=True)
    fund_request = models.ForeignKey(
        "mdf.FundRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="transactions"
    )
    claim = models.ForeignKey("mdf.Claim", on_delete=models.PROTECT, null=True, blank=True, related_name="transactions")
    payout_batch = models.ForeignKey(
        "mdf.PayoutBatch", on_delete=models.PROTECT, null=True, blank=True, related_name="transactions"
    )
    reverses = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversals")
    # A movement that must happen once (a payout, a nightly expiry) carries a key: a repeat finds the first.
    idempotency_key = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        ordering = ["effective_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="mdf_transaction_idempotency_key",
            ),
            models.UniqueConstraint(
                fields=["tenant", "reverses"], condition=models.Q(reverses__isnull=False), name="mdf_reversed_once"
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "fund", "effective_at"], name="mdf_transaction_fund_time"),
            models.Index(fields=["tenant", "fund_request"], name="mdf_transaction_request"),
            models.Index(fields=["tenant", "claim"], name="mdf_transaction_claim"),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk}"


class LedgerEntry(TenantOwnedModel):
    """One side of a transaction: a signed amount on one account (in the account's currency, checked by the
    trigger that keeps the account's balance)."""

    APPEND_ONLY = True

    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="entries")
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["transaction", "id"]
        constraints = [models.CheckConstraint(condition=~models.Q(amount=0), name="mdf_entry_not_zero")]
        indexes = [
            models.Index(fields=["tenant", "account"], name="mdf_entry_account"),
            models.Index(fields=["tenant", "transaction"], name="mdf_entry_transaction"),
        ]


class ReconciliationRun(TenantOwnedModel):
    """The nightly comparison of each account's cached balance with the sum of its entries: what differed (none,
    normally). Staff read the latest run."""

    ran_at = models.DateTimeField(auto_now_add=True)
    accounts_checked = models.PositiveIntegerField(default=0)
    # [{"account_id", "fund_id", "allocation_id", "kind", "cached", "ledger"}] as strings.
    differences = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("ledger reconciliation")
        verbose_name_plural = _("ledger reconciliations")
        ordering = ["-ran_at", "-id"]
        indexes = [models.Index(fields=["tenant", "ran_at"], name="mdf_reconciliation_time")]

    @property
    def is_clean(self) -> bool:
        return not self.differences


# Fund requests (pre-approvals) ---------------------------------------------------------------------------------


class ActivityType(models.TextChoices):
    EVENT = "event", _("Event")
    WEBINAR = "webinar", _("Webinar")
    DIGITAL_CAMPAIGN = "digital_campaign", _("Digital campaign")
    CONTENT_SYNDICATION = "content_syndication", _("Content syndication")
    TRAINING = "training", _("Training")
    CO_INNOVATION = "co_innovation", _("Co-innovation project")
    OTHER = "other", _("Other")


class RequestStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("fund request status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("fund request status", "Submitted")
    CHANGES_REQUESTED = "changes_requested", pgettext_lazy("fund request status", "Changes requested")
    APPROVED = "approved", pgettext_lazy("fund request status", "Approved")
    REJECTED = "rejected", pgettext_lazy("fund request status", "Rejected")
    CANCELLED = "cancelled", pgettext_lazy("fund request status", "Cancelled")
    EXPIRED = "expired", pgettext_lazy("fund request status", "Expired")
    CLAIMED = "claimed", pgettext_lazy("fund request status", "Claimed")


REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    RequestStatus.DRAFT: frozenset({RequestStatus.SUBMITTED, RequestStatus.CANCELLED}),
    RequestStatus.SUBMITTED: frozenset(
        {RequestStatus.APPROVED, RequestStatus.REJECTED, RequestStatus.CHANGES_REQUESTED, RequestStatus.CANCELLED}
    ),
    RequestStatus.CHANGES_REQUESTED: frozenset({RequestStatus.SUBMITTED, RequestStatus.CANCELLED}),
    RequestStatus.APPROVED: frozenset({RequestStatus.CLAIMED, RequestStatus.CANCELLED, RequestStatus.EXPIRED}),
    RequestStatus.REJECTED: frozenset(),
    RequestStatus.CANCELLED: frozenset(),
    RequestStatus.EXPIRED: frozenset(),
    RequestStatus.CLAIMED: frozenset(),
}
EDITABLE_REQUEST_STATUSES = (RequestStatus.DRAFT, RequestStatus.CHANGES_REQUESTED)
AWAITING_REVIEW_REQUEST_STATUSES = (RequestStatus.SUBMITTED,)


@pghistory.track()
class FundRequest(TenantOwnedModel):
    """A partner asks before it spends: an activity, its cost and the amount it asks the fund to reimburse. An
    approval commits the approved amount on the partner's allocation (available → committed)."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="requests")
    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="requests")
    partner_organization = models.ForeignKey(
        "partners.PartnerOrganization", on_delete=models.PROTECT, related_name="mdf_requests"
    )
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT)
    activity_type = models.CharField(_("activity type"), max_length=24, choices=ActivityType.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    planned_cost = models.DecimalField(_("planned cost"), **MONEY)
    requested_amount = models.DecimalField(_("requested amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    expected_leads = models.PositiveIntegerField(_("expected leads"), default=0)
    expected_pipeline = models.DecimalField(_("expected pipeline"), **MONEY, default=ZERO)
    campaign_code = models.CharField(_("campaign code"), max_length=40)
    # Who asked: a partner's person, a staff member acting for the partner, or an API key. Neither may approve it.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_by_api_key_id = models.BigIntegerField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_by_api_key_id = models.BigIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    review_due_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    approved_amount = models.DecimalField(_("approved amount"), **MONEY, null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True)
    rejection_reason = models.TextField(_("reason"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fund request")
        verbose_name_plural = _("fund requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "campaign_code"], name="mdf_request_campaign_code"),
            models.CheckConstraint(condition=models.Q(planned_cost__gt=0), name="mdf_request_cost_positive"),
            models.CheckConstraint(condition=models.Q(requested_amount__gt=0), name="mdf_request_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(approved_amount__isnull=True) | models.Q(approved_amount__gt=0),
                name="mdf_request_approved_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="mdf_request_dates_order"
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "submitted_at"], name="mdf_request_queue"),
            models.Index(fields=["tenant", "partner_organization", "status"], name="mdf_request_partner"),
            models.Index(fields=["tenant", "fund", "status"], name="mdf_request_fund"),
        ]

    def __str__(self):
        return f"{self.title} ({self.campaign_code})"

    def can_transition_to(self, status: str) -> bool:
        return status in REQUEST_TRANSITIONS.get(self.status, frozenset())


# Claims -------------------------------------------------------------------------------------------------------


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("claim status", "Submitted")
    PROOF_REQUESTED = "proof_requested", pgettext_lazy("claim status", "More proof requested")
    APPROVED = "approved", pgettext_lazy("claim status", "Approved, to pay")
    REJECTED = "rejected", pgettext_lazy("claim status", "Rejected")
    PAID = "paid", pgettext_lazy("claim status", "Paid")


CLAIM_TRANSITIONS: dict[str, frozenset[str]] = {
    ClaimStatus.SUBMITTED: frozenset({ClaimStatus.APPROVED, ClaimStatus.REJECTED, ClaimStatus.PROOF_REQUESTED}),
    ClaimStatus.PROOF_REQUESTED: frozenset({ClaimStatus.SUBMITTED, ClaimStatus.REJECTED}),
    ClaimStatus.APPROVED: frozenset({ClaimStatus.PAID}),
    ClaimStatus.REJECTED: frozenset(),
    ClaimStatus.PAID: frozenset(),
}
# Claims that hold part of a request's claimable amount (a rejected claim gives it back).
OPEN_CLAIM_STATUSES = (ClaimStatus.SUBMITTED, ClaimStatus.PROOF_REQUESTED)
COUNTED_CLAIM_STATUSES = (*OPEN_CLAIM_STATUSES, ClaimStatus.APPROVED, ClaimStatus.PAID)


@pghistory.track()
class Claim(TenantOwnedModel):
    """After the activity: what it cost, what the partner claims, with proof. An approval spends the approved part
    of the commitment (committed → payable); a payout moves it to paid."""

    fund_request = models.ForeignKey(FundRequest, on_delete=models.PROTECT, related_name="claims")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="claims")
    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="claims")
    partner_organization = models.ForeignKey(
        "partners.PartnerOrganization", on_delete=models.PROTECT, related_name="mdf_claims"
    )
    status = models.CharField(max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED)
    actual_cost = models.DecimalField(_("actual cost"), **MONEY)
    claimed_amount = models.DecimalField(_("claimed amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    invoice_number = models.CharField(_("invoice number"), max_length=100)
    # The invoice number compared without case or spaces (the duplicate check): plain equality, so its index
    # serves the app role under row-level security (an index on UPPER() would not: UPPER is not leakproof).
    invoice_key = models.CharField(max_length=100, editable=False, default="")
    # The last claim on the request (default): its approval releases whatever of the commitment is left.
    is_final = models.BooleanField(_("last claim for this activity"), default=True)
    note = models.TextField(_("note"), blank=True)
    leads_count = models.PositiveIntegerField(default=0)
    # What the reviewer should look at: [{"kind": "duplicate_invoice_number"|"duplicate_file"|"split", ...}].
    flags = models.JSONField(default=list, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claimed_by_api_key_id = models.BigIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    review_due_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    approved_amount = models.DecimalField(_("approved amount"), **MONEY, null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True)
    rejection_reason = models.TextField(_("reason"), blank=True)
    payout_batch = models.ForeignKey(
        "mdf.PayoutBatch", on_delete=models.SET_NULL, null=True, blank=True, related_name="claims"
    )
    payout_reference = models.CharField(_("payout reference"), max_length=100, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(actual_cost__gt=0), name="mdf_claim_cost_positive"),
            models.CheckConstraint(condition=models.Q(claimed_amount__gt=0), name="mdf_claim_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(approved_amount__isnull=True) | models.Q(approved_amount__gt=0),
                name="mdf_claim_approved_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "submitted_at"], name="mdf_claim_queue"),
            models.Index(fields=["tenant", "partner_organization", "status"], name="mdf_claim_partner"),
            models.Index(fields=["tenant", "fund_request"], name="mdf_claim_request"),
            models.Index(fields=["tenant", "invoice_key"], name="mdf_claim_invoice_key"),
            models.Index(fields=["tenant", "status", "approved_at"], name="mdf_claim_payables"),
        ]

    def __str__(self):
        return f"{self.invoice_number} ({self.get_status_display()})"

    def can_transition_to(self, status: str) -> bool:
        return status in CLAIM_TRANSITIONS.get(self.status, frozenset())


class ProofKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    PHOTO = "photo", _("Photo")
    ATTENDEE_LIST = "attendee_list", _("Attendee list")
    OTHER = "other", _("Other")


class ProofFile(TenantOwnedModel):
    """A proof of performance: stored privately under a name the server makes up, its type told by its content,
    served only through an authorized view."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField(_("kind"), max_length=16, choices=ProofKind.choices)
    file = models.FileField(upload_to="mdf/proof/%Y/%m/")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proof of performance")
        verbose_name_plural = _("proofs of performance")
        ordering = ["claim", "id"]
        indexes = [
            models.Index(fields=["tenant", "sha256"], name="mdf_proof_hash"),
            models.Index(fields=["tenant", "claim"], name="mdf_proof_claim"),
        ]

    def __str__(self):
        return self.name


class ClaimLead(TenantOwnedModel):
    """A lead the activity brought, from the claim's leads CSV (for ROI: leads per activity, cost per lead)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="leads")
    email = models.EmailField()
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    company = models.CharField(max_length=200)
    country = models.CharField(max_length=2, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["claim", "id"]
        indexes = [models.Index(fields=["tenant", "claim"], name="mdf_lead_claim")]


# Payouts ------------------------------------------------------------------------------------------------------


class PayoutBatch(TenantOwnedModel):
    """Approved claims finance pays together (exported for the ERP, then confirmed)."""

    reference = models.CharField(_("reference"), max_length=100)
    # Batches are per fund (one currency in the payout file).
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="payout_batches")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    key = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("payout batch")
        verbose_name_plural = _("payout batches")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "reference"], name="mdf_payout_batch_reference")]

    def __str__(self):
        return self.reference
