import pghistory
from django.conf import settings
from django.db import models

from prm.tenancy import TenantOwnedModel


class PartnerType(models.TextChoices):
    RESELLER = "reseller", "Reseller"
    VAR = "var", "Value-added reseller"
    SYSTEM_INTEGRATOR = "system_integrator", "System integrator"
    ISV = "isv", "ISV"
    MSP = "msp", "Managed service provider"
    REFERRAL = "referral", "Referral / influence"
    DISTRIBUTOR = "distributor", "Distributor"


class PartnerStatus(models.TextChoices):
    PROSPECT = "prospect", "Prospect"
    APPLIED = "applied", "Applied"
    ONBOARDING = "onboarding", "Onboarding"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    OFFBOARDED = "offboarded", "Offboarded"
    REJECTED = "rejected", "Rejected"


# The partner lifecycle: which status may follow which. Every change goes through partners.services, which
# refuses anything not listed here and records who, when and why (history + event).
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    PartnerStatus.PROSPECT: frozenset({PartnerStatus.APPLIED, PartnerStatus.ONBOARDING, PartnerStatus.REJECTED}),
    PartnerStatus.APPLIED: frozenset({PartnerStatus.ONBOARDING, PartnerStatus.REJECTED}),
    PartnerStatus.ONBOARDING: frozenset({PartnerStatus.ACTIVE, PartnerStatus.SUSPENDED, PartnerStatus.OFFBOARDED}),
    PartnerStatus.ACTIVE: frozenset({PartnerStatus.SUSPENDED, PartnerStatus.OFFBOARDED}),
    PartnerStatus.SUSPENDED: frozenset({PartnerStatus.ACTIVE, PartnerStatus.OFFBOARDED}),
    # Reactivation after offboarding starts again with onboarding (agreement, profile…).
    PartnerStatus.OFFBOARDED: frozenset({PartnerStatus.ONBOARDING}),
    PartnerStatus.REJECTED: frozenset({PartnerStatus.APPLIED}),
}


class CompanySize(models.TextChoices):
    MICRO = "1-10", "1–10 employees"
    SMALL = "11-50", "11–50 employees"
    MEDIUM = "51-200", "51–200 employees"
    LARGE = "201-1000", "201–1,000 employees"
    ENTERPRISE = "1000+", "More than 1,000 employees"


@pghistory.track()
class PartnerOrganization(TenantOwnedModel):
    """A company in the program, from prospect to offboarded. Partner users belong to one organization."""

    name = models.CharField(max_length=200)
    legal_name = models.CharField(max_length=200, blank=True)
    # Built-in types (PartnerType) or one the tenant added (CustomPartnerType.key): checked by the services.
    partner_type = models.CharField(max_length=32, default=PartnerType.RESELLER)
    status = models.CharField(max_length=16, choices=PartnerStatus.choices, default=PartnerStatus.ACTIVE)
    status_reason = models.CharField(max_length=500, blank=True)
    website = models.URLField(blank=True)
    # Lower-case domains its people's emails use ("acme.com"): conflict checks and applications match on them.
    email_domains = models.JSONField(default=list, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    region = models.CharField(max_length=32, blank=True)
    regions = models.JSONField(default=list, blank=True, help_text="Regions it sells into.")
    industries = models.JSONField(default=list, blank=True)
    company_size = models.CharField(max_length=16, choices=CompanySize.choices, blank=True)
    customer_count = models.PositiveIntegerField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The channel manager who owns this partner.",
    )
    # Ideal-partner-profile score (0–100), kept from the application; explained on the application.
    ipp_score = models.PositiveSmallIntegerField(null=True, blank=True)
    tier = models.CharField(max_length=32, blank=True, help_text="Filled by the tier program.")
    # The record's id in the vendor's CRM, for upserts from integrations; unique within the tenant when set.
    external_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Time to value: each stamp is set once, the first time the partner gets there.
    applied_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    first_deal_registered_at = models.DateTimeField(null=True, blank=True)
    first_deal_won_at = models.DateTimeField(null=True, blank=True)
    offboarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="partner_name_unique_per_tenant"),
            models.UniqueConstraint(
                fields=["tenant", "external_id"],
                condition=~models.Q(external_id=""),
                name="partner_external_id_unique_per_tenant",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "updated_at"], name="partner_tenant_updated"),
            # API lists page by id (cursor pagination): newest first straight from the index.
            models.Index(fields=["tenant", "id"], name="partner_tenant_id"),
            models.Index(fields=["tenant", "status"], name="partner_tenant_status"),
            models.Index(fields=["tenant", "owner"], name="partner_tenant_owner"),
        ]

    def __str__(self):
        return self.name

    @property
    def partner_type_label(self) -> str:
        builtin = dict(PartnerType.choices).get(self.partner_type)
        return builtin or self.partner_type.replace("_", " ").replace("-", " ").capitalize()

    def can_transition_to(self, status: str) -> bool:
        return status in STATUS_TRANSITIONS.get(self.status, frozenset())


class CustomPartnerType(TenantOwnedModel):
    """A partner type a tenant adds to the built-in ones (e.g. "Cloud marketplace")."""

    key = models.SlugField(max_length=32)
    label = models.CharField(max_length=100)

    class Meta:
        ordering = ["label"]
        constraints = [models.UniqueConstraint(fields=["tenant", "key"], name="custom_partner_type_key_unique")]

    def __str__(self):
        return self.label


@pghistory.track()
class PartnerContact(TenantOwnedModel):
    """A person at a partner organization the vendor deals with (not necessarily a portal user)."""

    partner_organization = models.ForeignKey(PartnerOrganization, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    job_title = models.CharField(max_length=100, blank=True)
    is_primary = models.BooleanField(default=False)
    external_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "external_id"],
                condition=~models.Q(external_id=""),
                name="partner_contact_external_id_unique",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "partner_organization"], name="partner_contact_org")]

    def __str__(self):
        return self.name
