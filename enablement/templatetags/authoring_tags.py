"""Template helpers of the authoring pages."""

from django import template

register = template.Library()


@register.filter
def labelled(codes, labels) -> str:
    """Codes (partner types, roles) shown by their labels, separated by commas; an unknown code as it is."""
    labels = labels or {}
    return ", ".join(str(labels.get(code, code)) for code in codes or ())
