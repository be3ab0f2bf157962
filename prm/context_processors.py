from prm import policy
from prm.models import invitation_ttl_hours
from prm.selectors import tenants_of_user


def portal(request):
    """Branding, the acting membership and the tenant switcher for the base layout."""
    membership = getattr(request, "membership", None)

    def allowed(action):
        return policy.can(membership, action)

    return {
        "invitation_ttl_hours": invitation_ttl_hours(),
        "tenant": getattr(request, "tenant", None),
        "membership": membership,
        "user_tenants": (lambda: tenants_of_user(user=request.user)),
        "nav": {
            "console": allowed("console.view"),
            "portal": allowed("portal.view"),
            "partners": allowed("partners.view_list"),
            "members": allowed("members.view"),
            "settings": allowed("tenant.manage_settings"),
            "team": allowed("partner_team.view"),
        },
    }
