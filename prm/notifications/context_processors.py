"""The bell's number, for the base layout: one COUNT, made only when a page inside a tenant shows the bell."""

from functools import cache

from prm import policy
from prm.notifications import selectors
from prm.tenancy import current_tenant_or_none


def bell(request):
    """`notifications_unread`, a callable the template calls at most once (so a page runs one COUNT)."""
    membership = getattr(request, "membership", None)
    if getattr(request, "tenant", None) is None or not request.user.is_authenticated:
        return {}
    if not policy.can(membership, "notifications.view"):
        return {}
    if current_tenant_or_none() is None:
        # An error page is rendered after the tenant's transaction ended: the bell fetches its count itself.
        return {}
    return {"notifications_unread": cache(lambda: selectors.unread_count(user=request.user))}
