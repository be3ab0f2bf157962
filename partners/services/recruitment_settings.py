"""Recruitment settings of a program: whether the public application page is open, and the automatic rule that
approves or declines an application on arrival by its ideal-partner-profile score."""

from __future__ import annotations

from django.db import transaction

from partners.services.cleaning import clean_whole_number
from prm import policy
from prm.errors import ValidationFailed
from prm.models import Tenant
from prm.policy import Actor

# What a tenant's recruitment settings hold (Tenant.settings["recruitment"]), and their defaults.
RECRUITMENT_DEFAULTS = {"open": True, "auto_approve_at": None, "auto_decline_below": None}
THRESHOLD_MESSAGE = "Enter a score from 0 to 100, or leave it empty."


def recruitment_settings(tenant: Tenant) -> dict:
    """The tenant's recruitment settings with defaults filled in: open (bool), auto_approve_at and
    auto_decline_below (0–100 or None)."""
    stored = (tenant.settings or {}).get("recruitment") or {}
    return {key: stored.get(key, default) for key, default in RECRUITMENT_DEFAULTS.items()}


@transaction.atomic
def recruitment_settings_update(*, actor: Actor, is_open: bool, auto_approve_at=None, auto_decline_below=None) -> dict:
    """Tenant admins open or close the application page and set the auto rule: an application scoring at least
    `auto_approve_at` is approved at once, one scoring below `auto_decline_below` declined at once (either may
    be off). The approve threshold must be above the decline threshold. History keeps who changed what."""
    policy.require(actor, "recruitment.manage")
    approve_at = clean_whole_number(
        auto_approve_at, field="auto_approve_at", high=100, message=THRESHOLD_MESSAGE, required=False
    )
    decline_below = clean_whole_number(
        auto_decline_below, field="auto_decline_below", high=100, message=THRESHOLD_MESSAGE, required=False
    )
    if approve_at is not None and decline_below is not None and approve_at <= decline_below:
        raise ValidationFailed(
            f"The auto-approve score must be above the auto-decline score ({decline_below}).", field="auto_approve_at"
        )
    tenant = Tenant.objects.select_for_update().get(pk=actor.tenant_id)
    values = {"open": bool(is_open), "auto_approve_at": approve_at, "auto_decline_below": decline_below}
    tenant.settings = {**(tenant.settings or {}), "recruitment": values}
    tenant.save(update_fields=["settings"])
    return values
