"""`{% can "deals.manage_rules" as may_edit_rules %}`: whether the acting member may take a policy action, for
links a page shows only to some roles (the view still checks on its own)."""

from django import template

from prm import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action: str, obj=None) -> bool:
    return policy.can(context.get("membership"), action, obj)
