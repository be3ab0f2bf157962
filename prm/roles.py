from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TENANT_ADMIN = "tenant_admin", _("Tenant admin")
    CHANNEL_MANAGER = "channel_manager", _("Channel manager")
    MARKETING = "marketing", _("Marketing (MDF)")
    FINANCE = "finance", _("Finance")
    ANALYST = "analyst", _("Analyst (read-only)")
    PARTNER_ADMIN = "partner_admin", _("Partner admin")
    PARTNER_SALES = "partner_sales", _("Partner sales")
    PARTNER_MARKETING = "partner_marketing", _("Partner marketing")


STAFF_ROLES = frozenset({Role.TENANT_ADMIN, Role.CHANNEL_MANAGER, Role.MARKETING, Role.FINANCE, Role.ANALYST})
PARTNER_ROLES = frozenset({Role.PARTNER_ADMIN, Role.PARTNER_SALES, Role.PARTNER_MARKETING})
