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

# Least privileged first: what an invitation form preselects, so that one careless click on "Send invitation" grants
# as little as possible. The analyst only reads; partner marketing may do a subset of what partner sales may (sales
# also register deals). tests/prm/test_views_invitations_default_role.py checks both against the policy's rules.
LEAST_PRIVILEGED_FIRST = (
    Role.ANALYST,
    Role.PARTNER_MARKETING,
    Role.PARTNER_SALES,
    Role.FINANCE,
    Role.MARKETING,
    Role.CHANNEL_MANAGER,
    Role.PARTNER_ADMIN,
    Role.TENANT_ADMIN,
)
assert set(LEAST_PRIVILEGED_FIRST) == set(Role)


def least_privileged_role(roles) -> Role | None:
    """The least privileged of these roles (None when there are none)."""
    return next((role for role in LEAST_PRIVILEGED_FIRST if role in set(roles)), None)
