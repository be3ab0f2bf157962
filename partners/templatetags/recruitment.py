"""`{% applications_nav as queue %}`: whether the navigation shows the application queue, and how many
applications wait in it (one COUNT, only for staff who may see the queue)."""

from django import template

from partners.selectors.recruitment import applications_waiting_count
from prm import policy
from prm.tenancy import current_tenant_or_none

register = template.Library()


@register.simple_tag(takes_context=True)
def applications_nav(context) -> dict | None:
    membership = context.get("membership")
    if membership is None or not policy.can(membership, "applications.view"):
        return None
    if current_tenant_or_none() is None:
        # An error page rendered after the tenant's transaction ended: the link, without a count.
        return {"waiting": None}
    return {"waiting": applications_waiting_count()}
