from django.db import models


class Role(models.TextChoices):
    TENANT_ADMIN = "tenant_admin", "Tenant admin"
    CHANNEL_MANAGER = "channel_manager", "Channel manager"
    MARKETING = "marketing", "Marketing (MDF)"
    FINANCE = "finance", "Finance"
    ANALYST = "analyst", "Analyst (read-only)"
    PARTNER_ADMIN = "partner_admin", "Partner admin"
    PARTNER_SALES = "partner_sales", "Partner sales"
    PARTNER_MARKETING = "partner_marketing", "Partner marketing"


STAFF_ROLES = frozenset({Role.TENANT_ADMIN, Role.CHANNEL_MANAGER, Role.MARKETING, Role.FINANCE, Role.ANALYST})
PARTNER_ROLES = frozenset({Role.PARTNER_ADMIN, Role.PARTNER_SALES, Role.PARTNER_MARKETING})
