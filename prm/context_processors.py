from django.urls import reverse

from prm import policy, registry
from prm.models import invitation_ttl_hours
from prm.selectors import tenants_of_user
from prm.tenancy import current_tenant_or_none


def _navigation(request, membership) -> list[dict]:
    """The top bar: every app's declared entries the member may see, with their badge counts."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or membership is None:
        return []
    items = []
    for entry in registry.navigation():
        if not policy.can(membership, entry.permission):
            continue
        # An error page rendered after the tenant's transaction ended shows the links without counts.
        badge = entry.badge(request) if entry.badge and current_tenant_or_none() is not None else None
        items.append(
            {"label": entry.label, "url": reverse(entry.url_name, args=[tenant.slug]), "icon": entry.icon,
             "testid": entry.testid, "badge": badge, "badge_testid": entry.badge_testid}
        )  # fmt: skip
    return items


def portal(request):
    """Branding, the acting membership, the navigation and the tenant switcher for the base layout."""
    membership = getattr(request, "membership", None)
    return {
        "invitation_ttl_hours": invitation_ttl_hours(),
        "tenant": getattr(request, "tenant", None),
        "membership": membership,
        "user_tenants": (lambda: tenants_of_user(user=request.user)),
        "nav_items": (lambda: _navigation(request, membership)),
    }
