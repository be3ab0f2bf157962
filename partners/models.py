import pghistory
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


@pghistory.track()
class PartnerOrganization(TenantOwnedModel):
    """A company in the program. The partner lifecycle issue adds recruitment, onboarding and offboarding."""

    name = models.CharField(max_length=200)
    partner_type = models.CharField(max_length=32, choices=PartnerType.choices, default=PartnerType.RESELLER)
    status = models.CharField(max_length=16, choices=PartnerStatus.choices, default=PartnerStatus.ACTIVE)
    website = models.URLField(blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    region = models.CharField(max_length=32, blank=True)
    # The record's id in the vendor's CRM, for upserts from integrations; unique within the tenant when set.
    external_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

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
        ]

    def __str__(self):
        return self.name
