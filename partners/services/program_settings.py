"""Changing the partner program's settings (PartnerProgramSettings, one row per tenant, created on the first save):
the application page and its automatic rule, and onboarding reminder timing. partners.selectors.program_settings
reads them."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import PartnerProgramSettings
from partners.selectors.program_settings import onboarding_settings, recruitment_settings
from partners.services.cleaning import clean_whole_number
from prm import policy
from prm.errors import ValidationFailed
from prm.policy import Actor

THRESHOLD_MESSAGE = gettext_lazy("Enter a score from 0 to 100, or leave it empty.")
# Bounds of the onboarding timing, in days.
ONBOARDING_SETTING_LIMITS = {"reminder_days_before": (0, 60), "stalled_after_days": (1, 365)}


def _locked_settings() -> PartnerProgramSettings:
    """The tenant's row, locked; created with the defaults the first time (a concurrent first save loses the race
    to the unique constraint and locks the winner's row)."""
    settings = PartnerProgramSettings.objects.select_for_update().filter().first()
    if settings is not None:
        return settings
    try:
        with transaction.atomic():
            PartnerProgramSettings.objects.create()
    except IntegrityError:
        pass
    return PartnerProgramSettings.objects.select_for_update().get()


@transaction.atomic
def recruitment_settings_update(*, actor: Actor, is_open: bool, auto_approve_at=None, auto_decline_below=None) -> dict:
    """Tenant admins open or close the application page and set the auto rule: an application scoring at least
    `auto_approve_at` is approved at once, one scoring below `auto_decline_below` declined at once (either may
    be off). The approve threshold must be above the decline threshold. History keeps who changed what."""
    policy.require(actor, "recruitment.manage")
    approve_at = clean_whole_number(
        auto_approve_at, field="auto_approve_at", high=100, message=str(THRESHOLD_MESSAGE), required=False
    )
    decline_below = clean_whole_number(
        auto_decline_below, field="auto_decline_below", high=100, message=str(THRESHOLD_MESSAGE), required=False
    )
    if approve_at is not None and decline_below is not None and approve_at <= decline_below:
        raise ValidationFailed(
            _("The auto-approve score must be above the auto-decline score (%(score)s).") % {"score": decline_below},
            field="auto_approve_at",
        )
    settings = _locked_settings()
    settings.applications_open = bool(is_open)
    settings.auto_approve_at, settings.auto_decline_below = approve_at, decline_below
    settings.save()
    return recruitment_settings(settings)


@transaction.atomic
def onboarding_settings_update(*, actor: Actor, reminder_days_before, stalled_after_days) -> dict[str, int]:
    """Staff who manage plans set when reminders go out and when a plan counts as stalled."""
    policy.require(actor, "onboarding.manage_plans")
    cleaned = {}
    for key, value in {"reminder_days_before": reminder_days_before, "stalled_after_days": stalled_after_days}.items():
        low, high = ONBOARDING_SETTING_LIMITS[key]
        cleaned[key] = clean_whole_number(
            value,
            field=key,
            low=low,
            high=high,
            message=_("Enter a number of days."),
            out_of_range=_("Between %(low)s and %(high)s days.") % {"low": low, "high": high},
        )
    settings = _locked_settings()
    settings.onboarding_reminder_days_before = cleaned["reminder_days_before"]
    settings.onboarding_stalled_after_days = cleaned["stalled_after_days"]
    settings.save()
    return onboarding_settings(settings)
