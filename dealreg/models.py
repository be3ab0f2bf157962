"""Deal registration: a partner claims an opportunity so the vendor protects it; conflict detection compares its
customer with other registrations and with the accounts and open opportunities of the vendor's CRM.

Matching runs on blocking keys (dealreg.matching): every registration, CRM account and CRM opportunity stores
its keys in `match_keys`, and triggers copy those of active registrations, accounts and open opportunities into
MatchKey (a B-tree the app role can use under row-level security), so the candidates for a conflict check come
from one index lookup per source and only those few are scored for similarity.
"""

from decimal import Decimal

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from prm.tenancy import TenantOwnedModel

MONEY = {"max_digits": 14, "decimal_places": 2}


class DealStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("deal status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("deal status", "Submitted")
    UNDER_REVIEW = "under_review", pgettext_lazy("deal status", "Under review")
    INFO_REQUESTED = "info_requested", pgettext_lazy("deal status", "Information requested")
    APPROVED = "approved", pgettext_lazy("deal status", "Approved")
    REJECTED = "rejected", pgettext_lazy("deal status", "Rejected")
    WON = "won", pgettext_lazy("deal status", "Won")
    LOST = "lost", pgettext_lazy("deal status", "Lost")
    EXPIRED = "expired", pgettext_lazy("deal status", "Expired")
    WITHDRAWN = "withdrawn", pgettext_lazy("deal status", "Withdrawn")


# Which status may follow which; dealreg.services refuses anything else with a message.
DEAL_TRANSITIONS: dict[str, frozenset[str]] = {
    DealStatus.DRAFT: frozenset({DealStatus.SUBMITTED, DealStatus.WITHDRAWN}),
    DealStatus.SUBMITTED: frozenset(
        {DealStatus.UNDER_REVIEW, DealStatus.APPROVED, DealStatus.REJECTED, DealStatus.INFO_REQUESTED}
        | {DealStatus.WITHDRAWN}
    ),
    DealStatus.UNDER_REVIEW: frozenset(
        {DealStatus.APPROVED, DealStatus.REJECTED, DealStatus.INFO_REQUESTED, DealStatus.WITHDRAWN}
    ),
    DealStatus.INFO_REQUESTED: frozenset({DealStatus.SUBMITTED, DealStatus.REJECTED, DealStatus.WITHDRAWN}),
    DealStatus.APPROVED: frozenset({DealStatus.WON, DealStatus.LOST, DealStatus.EXPIRED, DealStatus.WITHDRAWN}),
    DealStatus.REJECTED: frozenset(),
    DealStatus.WON: frozenset(),
    DealStatus.LOST: frozenset(),
    DealStatus.EXPIRED: frozenset(),
    DealStatus.WITHDRAWN: frozenset(),
}

# Registrations that hold a customer: other partners registering it meet a conflict.
ACTIVE_DEAL_STATUSES = (
    DealStatus.SUBMITTED,
    DealStatus.UNDER_REVIEW,
    DealStatus.INFO_REQUESTED,
    DealStatus.APPROVED,
)
# Waiting for a channel manager's decision (the review queue and its SLA).
AWAITING_REVIEW_STATUSES = (DealStatus.SUBMITTED, DealStatus.UNDER_REVIEW)


class DealType(models.TextChoices):
    NEW = "new", _("New business")
    RENEWAL = "renewal", _("Renewal")
    UPSELL = "upsell", _("Upsell")


class RevenueType(models.TextChoices):
    """What kind of revenue a deal brings: a new customer, more from an existing one, or the same again."""

    NEW = "new", _("New business")
    EXPANSION = "expansion", _("Expansion")
    RENEWAL = "renewal", _("Renewal")


# A registration's term, in months (1 to 10 years).
TERM_MONTHS_RANGE = (1, 120)


class DealStage(models.TextChoices):
    PROSPECTING = "prospecting", _("Prospecting")
    QUALIFIED = "qualified", _("Qualified")
    PROPOSAL = "proposal", _("Proposal")
    NEGOTIATION = "negotiation", _("Negotiation")
    COMMIT = "commit", _("Commit")


class RejectionReason(models.TextChoices):
    DUPLICATE = "duplicate", _("Already registered by another partner")
    DIRECT_SALES = "direct_sales", _("Direct sales is already engaged")
    NOT_QUALIFIED = "not_qualified", _("Opportunity not qualified")
    BELOW_MINIMUM = "below_minimum", _("Below the minimum deal size")
    EXISTING_CUSTOMER = "existing_customer", _("Existing customer under another agreement")
    INCOMPLETE = "incomplete", _("Information incomplete")
    OTHER = "other", _("Other")


class ConflictPolicy(models.TextChoices):
    FIRST_COME = "first_come", _("First come, first served")
    REVIEW = "review", _("A channel manager reviews every conflict")


class EngagementRules(TenantOwnedModel):
    """A tenant's rules of engagement for deal registration (one row per tenant), published on the program's
    public rules page."""

    protection_days = models.PositiveSmallIntegerField(
        default=90, validators=[MinValueValidator(1), MaxValueValidator(730)]
    )
    max_extensions = models.PositiveSmallIntegerField(default=2, validators=[MaxValueValidator(10)])
    extension_days = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    # The role that decides extension requests: channel managers (and tenant admins), or tenant admins only.
    extension_approver = models.CharField(max_length=32, default="channel_manager")
    conflict_policy = models.CharField(max_length=16, choices=ConflictPolicy.choices, default=ConflictPolicy.REVIEW)
    minimum_amount = models.DecimalField(**MONEY, default=Decimal("0"))
    auto_approve = models.BooleanField(default=False)
    # Auto-approval needs: no conflict, the partner active (good standing), the amount at most this (None: any).
    auto_approve_max_amount = models.DecimalField(**MONEY, null=True, blank=True)
    review_sla_business_days = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    expiry_warning_days = models.PositiveSmallIntegerField(default=14)
    # The vendor's own words for the public rules page (plain text).
    notes = models.TextField(blank=True)

    class Meta:
        verbose_name = _("rules of engagement")
        verbose_name_plural = _("rules of engagement")
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="engagement_rules_one_per_tenant"),
            models.CheckConstraint(condition=models.Q(minimum_amount__gte=0), name="engagement_rules_min_amount"),
        ]

    def __str__(self):
        return f"Rules of engagement of {self.tenant_id}"


class Product(TenantOwnedModel):
    """An item of the tenant's product catalogue that registrations list as line items."""

    sku = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    family = models.CharField(max_length=100, blank=True)
    list_price = models.DecimalField(**MONEY, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "sku"], name="product_sku_unique")]

    def __str__(self):
        return self.name


class CrmAccount(TenantOwnedModel):
    """A customer account pushed from the vendor's CRM (upsert by external_id); direct-sales conflicts."""

    external_id = models.CharField(max_length=100)
    name = models.CharField(max_length=255)
    website = models.CharField(max_length=255, blank=True)
    domain = models.CharField(max_length=253, blank=True, help_text=_("Registrable domain, derived."))
    country = models.CharField(max_length=2, blank=True)
    owner_name = models.CharField(max_length=200, blank=True, help_text=_("The direct sales rep."))
    owner_email = models.EmailField(blank=True)
    is_customer = models.BooleanField(default=False)
    match_keys = ArrayField(models.CharField(max_length=300), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("CRM account")
        verbose_name_plural = _("CRM accounts")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "external_id"], name="crm_account_external_id")]
        indexes = [
            models.Index(fields=["tenant", "updated_at"], name="crm_account_updated"),
            models.Index(fields=["tenant", "id"], name="crm_account_tenant_id"),
        ]

    def __str__(self):
        return self.name


class CrmOpportunity(TenantOwnedModel):
    """An opportunity pushed from the vendor's CRM; open ones are direct-sales conflicts."""

    external_id = models.CharField(max_length=100)
    account = models.ForeignKey(
        CrmAccount, on_delete=models.SET_NULL, null=True, blank=True, related_name="opportunities"
    )
    name = models.CharField(max_length=255)
    customer_name = models.CharField(max_length=255, help_text=_("The account's name (copied when not given)."))
    domain = models.CharField(max_length=253, blank=True)
    country = models.CharField(max_length=2, blank=True)
    amount = models.DecimalField(**MONEY, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    stage = models.CharField(max_length=64, blank=True)
    is_closed = models.BooleanField(default=False)
    is_won = models.BooleanField(default=False)
    close_date = models.DateField(null=True, blank=True)
    owner_name = models.CharField(max_length=200, blank=True)
    owner_email = models.EmailField(blank=True)
    match_keys = ArrayField(models.CharField(max_length=300), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("CRM opportunity")
        verbose_name_plural = _("CRM opportunities")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "external_id"], name="crm_opportunity_external_id")]
        indexes = [
            models.Index(fields=["tenant", "updated_at"], name="crm_opportunity_updated"),
            models.Index(fields=["tenant", "id"], name="crm_opportunity_tenant_id"),
        ]

    def __str__(self):
        return self.name


@pghistory.track()
class DealRegistration(TenantOwnedModel):
    """A partner's claim on an opportunity, from draft to won, lost or expired."""

    partner_organization = models.ForeignKey(
        "partners.PartnerOrganization", on_delete=models.PROTECT, related_name="deal_registrations"
    )
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    status = models.CharField(max_length=16, choices=DealStatus.choices, default=DealStatus.DRAFT)
    # Customer company
    customer_name = models.CharField(max_length=255)
    customer_website = models.CharField(max_length=255, blank=True)
    customer_domain = models.CharField(max_length=253, blank=True, help_text=_("Registrable domain, derived."))
    customer_country = models.CharField(max_length=2, blank=True)
    customer_region = models.CharField(max_length=32, blank=True)
    customer_industry = models.CharField(max_length=64, blank=True)
    customer_size = models.CharField(max_length=16, blank=True)
    # Customer contact
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_title = models.CharField(max_length=100, blank=True)
    # Opportunity
    title = models.CharField(max_length=255, blank=True)
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    expected_close_date = models.DateField()
    stage = models.CharField(max_length=16, choices=DealStage.choices, default=DealStage.QUALIFIED)
    deal_type = models.CharField(max_length=16, choices=DealType.choices, default=DealType.NEW)
    # Recurring revenue: the kind of revenue, the contract's term and its annual recurring value (ARV), in the
    # deal's currency. NRR and recurring-revenue figures read them (dealreg.selectors.attribution).
    revenue_type = models.CharField(max_length=16, choices=RevenueType.choices, default=RevenueType.NEW)
    term_months = models.PositiveSmallIntegerField(null=True, blank=True)
    annual_recurring_value = models.DecimalField(**MONEY, null=True, blank=True)
    # The marketing activity the deal came from (an MDF fund request's campaign code), upper case: ROI reads it.
    campaign_code = models.CharField(max_length=32, blank=True)
    description = models.TextField(blank=True)
    match_keys = ArrayField(models.CharField(max_length=300), default=list, blank=True)
    # Review
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The review SLA: due at (business days after submission), paused while information is requested.
    review_due_at = models.DateTimeField(null=True, blank=True)
    sla_reminded_at = models.DateTimeField(null=True, blank=True)
    sla_escalated_at = models.DateTimeField(null=True, blank=True)
    # Conflicts found at submission: [{"kind", "id", "score", "reason"}] — staff see them beside the decision.
    conflicts = models.JSONField(default=list, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The vendor seller assigned for co-sell."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    auto_approved = models.BooleanField(default=False)
    rejection_reason = models.CharField(max_length=32, choices=RejectionReason.choices, blank=True)
    decision_note = models.TextField(blank=True)
    # Protection
    approved_at = models.DateTimeField(null=True, blank=True)
    protected_until = models.DateField(null=True, blank=True)
    extensions_used = models.PositiveSmallIntegerField(default=0)
    expiry_warned_at = models.DateTimeField(null=True, blank=True)
    # Close
    closed_amount = models.DecimalField(**MONEY, null=True, blank=True)
    closed_at = models.DateField(null=True, blank=True)
    lost_reason = models.CharField(max_length=500, blank=True)
    crm_opportunity = models.ForeignKey(
        CrmOpportunity, on_delete=models.SET_NULL, null=True, blank=True, related_name="registrations"
    )
    external_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("deal registration")
        verbose_name_plural = _("deal registrations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "external_id"], condition=~models.Q(external_id=""), name="deal_external_id_unique"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="deal_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(closed_amount__isnull=True) | models.Q(closed_amount__gte=0),
                name="deal_closed_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(annual_recurring_value__isnull=True) | models.Q(annual_recurring_value__gte=0),
                name="deal_arv_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(term_months__isnull=True)
                | models.Q(term_months__gte=TERM_MONTHS_RANGE[0], term_months__lte=TERM_MONTHS_RANGE[1]),
                name="deal_term_months_range",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "submitted_at"], name="deal_queue"),
            models.Index(fields=["tenant", "partner_organization", "status"], name="deal_partner_status"),
            models.Index(fields=["tenant", "id"], name="deal_tenant_id"),
            models.Index(fields=["tenant", "updated_at"], name="deal_updated"),
            models.Index(
                fields=["tenant", "protected_until"],
                condition=models.Q(status="approved"),
                name="deal_protection_end",
            ),
            models.Index(
                fields=["tenant", "campaign_code"], condition=~models.Q(campaign_code=""), name="deal_campaign_code"
            ),
        ]

    def __str__(self):
        return f"{self.customer_name} ({self.get_status_display()})"

    def can_transition_to(self, status: str) -> bool:
        return status in DEAL_TRANSITIONS.get(self.status, frozenset())


class DealLineItem(TenantOwnedModel):
    registration = models.ForeignKey(DealRegistration, on_delete=models.CASCADE, related_name="line_items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(default=1)
    unit_price = models.DecimalField(**MONEY)
    # A service the partner delivers itself (implementation, managed service): the service attach rate counts it.
    partner_delivered_service = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("line item")
        verbose_name_plural = _("line items")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="deal_line_quantity_positive"),
            models.CheckConstraint(condition=models.Q(unit_price__gte=0), name="deal_line_price_not_negative"),
        ]

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


class DealActivityKind(models.TextChoices):
    CREATED = "created", _("Created")
    SUBMITTED = "submitted", _("Submitted")
    UPDATED = "updated", _("Updated")
    INFO_REQUESTED = "info_requested", _("Information requested")
    INFO_PROVIDED = "info_provided", _("Information provided")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ASSIGNED = "assigned", _("Assigned for co-sell")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENDED = "extended", _("Protection extended")
    EXTENSION_DECLINED = "extension_declined", _("Extension declined")
    WON = "won", pgettext_lazy("deal status", "Won")
    LOST = "lost", pgettext_lazy("deal status", "Lost")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRY_WARNING = "expiry_warning", _("Expiry warning sent")
    SLA_REMINDER = "sla_reminder", _("Review reminder sent")
    SLA_ESCALATED = "sla_escalated", _("Review escalated")
    PARTNER_ADDED = "partner_added", _("Partner added")
    NOTE = "note", _("Note")


class DealActivity(TenantOwnedModel):
    """The registration's timeline: every decision, question, answer and reminder, with who and when. Partners
    see the entries marked `visible_to_partner`."""

    registration = models.ForeignKey(DealRegistration, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=32, choices=DealActivityKind.choices)
    message = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    visible_to_partner = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["tenant", "registration", "created_at"], name="deal_activity_timeline")]


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class DealExtensionRequest(TenantOwnedModel):
    registration = models.ForeignKey(DealRegistration, on_delete=models.CASCADE, related_name="extension_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reason = models.TextField()
    days = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "registration"],
                condition=models.Q(status="pending"),
                name="deal_one_pending_extension",
            )
        ]


class AttributionRole(models.TextChoices):
    SOURCED = "sourced", _("Sourced")
    INFLUENCED = "influenced", _("Influenced")
    FULFILLMENT = "fulfillment", _("Fulfillment / reseller")
    SERVICES = "services", _("Services")


class DealParticipant(TenantOwnedModel):
    """A partner's part in a deal and its attribution share (percent): on a partner's registration, or on one of the
    vendor's own CRM opportunities (an influencing partner; exactly one of the two is set). The registering partner
    is a participant of its registration too. Within each group of roles — sourced, and influenced (influenced,
    fulfillment, services) — the shares of a deal add up to at most 100, so no dollar is counted twice within
    either (checked by the services, under the deal's row lock)."""

    registration = models.ForeignKey(
        DealRegistration, on_delete=models.CASCADE, related_name="participants", null=True, blank=True
    )
    crm_opportunity = models.ForeignKey(
        CrmOpportunity, on_delete=models.CASCADE, related_name="participants", null=True, blank=True
    )
    partner_organization = models.ForeignKey("partners.PartnerOrganization", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=16, choices=AttributionRole.choices)
    share = models.DecimalField(max_digits=5, decimal_places=2)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partner on a deal")
        verbose_name_plural = _("partners on a deal")
        ordering = ["registration", "-share", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "registration", "partner_organization"], name="deal_participant_once"
            ),
            models.UniqueConstraint(
                fields=["tenant", "crm_opportunity", "partner_organization"],
                condition=models.Q(crm_opportunity__isnull=False),
                name="opportunity_participant_once",
            ),
            models.CheckConstraint(
                condition=models.Q(share__gte=0) & models.Q(share__lte=100), name="deal_participant_share_range"
            ),
            models.CheckConstraint(
                condition=models.Q(registration__isnull=False, crm_opportunity__isnull=True)
                | models.Q(registration__isnull=True, crm_opportunity__isnull=False),
                name="deal_participant_one_deal",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "partner_organization"], name="deal_participant_partner"),
            models.Index(
                fields=["tenant", "crm_opportunity"],
                condition=models.Q(crm_opportunity__isnull=False),
                name="opportunity_participant",
            ),
        ]


class InfluenceClaimStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class InfluenceClaim(TenantOwnedModel):
    """A partner's claim that it materially advanced a deal it did not register: another partner's registration or
    one of the vendor's direct CRM opportunities. The partner names the customer (it never learns which partner or
    CRM record holds it) and says what it did, with evidence; a reviewer finds the deal, and accepts the claim with a
    share (which adds the partner as an `influenced` participant) or declines it with a reason."""

    partner_organization = models.ForeignKey("partners.PartnerOrganization", on_delete=models.PROTECT, related_name="+")
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    customer_name = models.CharField(max_length=255)
    customer_website = models.CharField(max_length=255, blank=True)
    customer_domain = models.CharField(max_length=253, blank=True)
    customer_country = models.CharField(max_length=2, blank=True)
    activity = models.TextField(help_text=_("What the partner did to advance the deal."))
    evidence = models.TextField(blank=True)
    evidence_url = models.CharField(max_length=500, blank=True)
    requested_role = models.CharField(
        max_length=16, choices=[(AttributionRole.INFLUENCED, AttributionRole.INFLUENCED.label)], default="influenced"
    )
    status = models.CharField(max_length=16, choices=InfluenceClaimStatus.choices, default=InfluenceClaimStatus.PENDING)
    # The deal the claim was accepted on (exactly one once accepted), and the share the reviewer gave.
    registration = models.ForeignKey(
        DealRegistration, on_delete=models.SET_NULL, null=True, blank=True, related_name="influence_claims"
    )
    crm_opportunity = models.ForeignKey(
        CrmOpportunity, on_delete=models.SET_NULL, null=True, blank=True, related_name="influence_claims"
    )
    share = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("influence claim")
        verbose_name_plural = _("influence claims")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="accepted") | models.Q(share__isnull=False), name="influence_claim_share"
            ),
            models.CheckConstraint(
                condition=models.Q(share__isnull=True) | (models.Q(share__gt=0) & models.Q(share__lte=100)),
                name="influence_claim_share_range",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "created_at"], name="influence_claim_queue"),
            models.Index(fields=["tenant", "partner_organization", "created_at"], name="influence_claim_partner"),
        ]

    def __str__(self):
        return f"{self.customer_name} ({self.get_status_display()})"


class DealConflict(TenantOwnedModel):
    """Two registrations of the same customer, stored both ways: `registration` conflicts with `other`.

    The screening of a registration (on submission, or when its customer changes while it is open) stores the other
    active registrations of the customer it found in `conflicts`; a database trigger (migration 0005) writes one row
    each way from that column, and rewrites the registration's rows on either side when the column changes. So the
    earlier registration lists the later one as the later lists the earlier, no code path can forget it, and a
    submission costs no extra query. A row counts while `other` is active (ACTIVE_DEAL_STATUSES): a registration
    that is withdrawn, rejected, expired, won or lost stops counting on the others without any write. The score and
    reason are those of the screening that found the pair (similarity is symmetric)."""

    registration = models.ForeignKey(DealRegistration, on_delete=models.CASCADE, related_name="conflict_links")
    other = models.ForeignKey(DealRegistration, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conflict between registrations")
        verbose_name_plural = _("conflicts between registrations")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "registration", "other"], name="deal_conflict_once"),
            models.CheckConstraint(condition=~models.Q(registration=models.F("other")), name="deal_conflict_not_self"),
        ]
        # Re-screening a registration removes the rows naming it on either side.
        indexes = [models.Index(fields=["tenant", "other"], name="deal_conflict_other")]


class MatchKeySource(models.IntegerChoices):
    REGISTRATION = 1, _("Deal registration")
    CRM_ACCOUNT = 2, _("CRM account")
    CRM_OPPORTUNITY = 3, _("CRM opportunity")


class MatchKey(TenantOwnedModel):
    """One blocking key of one active registration, CRM account or open CRM opportunity: the conflict check's index.

    Why a side table and not a GIN index on `match_keys`: under row-level security PostgreSQL uses only
    leakproof operators as index conditions, and the array operators (`&&`) are not, so a GIN index is never
    used by the app role. Equality on text and bigint is leakproof: this table's B-tree serves the check. Rows are
    written only by database triggers on the three tables (migration 0002), so no code path can forget them."""

    source = models.PositiveSmallIntegerField(choices=MatchKeySource.choices)
    key = models.CharField(max_length=300)
    record_id = models.BigIntegerField()

    class Meta:
        verbose_name = _("match key")
        verbose_name_plural = _("match keys")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "source", "key", "record_id"], name="match_key_unique"),
        ]
        indexes = [models.Index(fields=["tenant", "source", "record_id"], name="match_key_record")]


class PartnerDealTerms(TenantOwnedModel):
    """A partner's own deal registration terms, pushed by the tier program when the partner's tier changes (deal
    registration may not read tiering: it sits below it). A term left empty falls back to the rules of engagement."""

    partner_organization = models.ForeignKey("partners.PartnerOrganization", on_delete=models.CASCADE, related_name="+")
    protection_days = models.PositiveSmallIntegerField(
        _("protection (days)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(730)]
    )
    auto_approve_max_amount = models.DecimalField(_("auto-approval limit"), **MONEY, null=True, blank=True)
    # Where the terms come from, for the pages ("Gold tier").
    source = models.CharField(_("source"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("partner deal terms")
        verbose_name_plural = _("partner deal terms")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "partner_organization"], name="partner_deal_terms_one_per_partner"
            )
        ]
