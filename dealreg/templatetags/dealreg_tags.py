"""Small display helpers of the deal registration templates."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

STATUS_COLOURS = {
    "draft": "secondary",
    "submitted": "info",
    "under_review": "primary",
    "info_requested": "warning",
    "approved": "success",
    "rejected": "danger",
    "won": "success",
    "lost": "dark",
    "expired": "secondary",
    "withdrawn": "secondary",
}
SLA_BADGES = {
    "on_time": ("success", _("On time")),
    "due_soon": ("warning", _("Due soon")),
    "overdue": ("danger", _("Overdue")),
    "paused": ("secondary", _("Paused: waiting for the partner")),
}


@register.filter
def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, "secondary")


@register.inclusion_tag("dealreg/partials/sla_badge.html")
def sla_badge(sla: str):
    colour, label = SLA_BADGES.get(sla, ("", ""))
    return {"colour": colour, "label": label}


@register.filter
def percent(score) -> str:
    try:
        return f"{round(float(score) * 100)}%"
    except (TypeError, ValueError):
        return ""
