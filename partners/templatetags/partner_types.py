"""`{% partner_type_label code %}`: a partner type by its name, the tenant's own types by the label it gave them
("Cloud marketplace", not marketplace). The tenant's types are read once per request, however many rows show one."""

from django import template

from partners import selectors
from partners.models import partner_type_label as builtin_label

register = template.Library()

_CACHE_ATTRIBUTE = "_partner_type_labels"


@register.simple_tag(takes_context=True)
def partner_type_label(context, code) -> str:
    request = context.get("request")
    labels = getattr(request, _CACHE_ATTRIBUTE, None) if request is not None else None
    if labels is None:
        labels = {key: str(label) for key, label in selectors.partner_type_choices()}
        if request is not None:
            setattr(request, _CACHE_ATTRIBUTE, labels)
    return labels.get(code) or builtin_label(code)
