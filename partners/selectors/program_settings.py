"""The partner program's settings (PartnerProgramSettings): the current tenant's row, or the defaults until a tenant
admin saves them. The dict readers are what pages and use cases ask for."""

from __future__ import annotations

from django.utils import translation

from partners.models import PartnerProgramSettings
from prm.i18n import language_for
from prm.tenancy import current_tenant


def program_settings_get() -> PartnerProgramSettings:
    """The current tenant's settings; an unsaved row of defaults when it has none (one query)."""
    return PartnerProgramSettings.objects.filter().first() or PartnerProgramSettings()


def recruitment_settings(settings: PartnerProgramSettings | None = None) -> dict:
    """The application page and its automatic rule: open (bool), auto_approve_at and auto_decline_below (0–100 or
    None)."""
    settings = settings or program_settings_get()
    return {
        "open": settings.applications_open,
        "auto_approve_at": settings.auto_approve_at,
        "auto_decline_below": settings.auto_decline_below,
    }


def onboarding_settings(settings: PartnerProgramSettings | None = None) -> dict[str, int]:
    """Onboarding reminder and escalation timing: reminder_days_before and stalled_after_days."""
    settings = settings or program_settings_get()
    return {
        "reminder_days_before": settings.onboarding_reminder_days_before,
        "stalled_after_days": settings.onboarding_stalled_after_days,
    }


def program_language():
    """Text the program writes down once for everyone (the default onboarding plan, a reason the automatic rule
    gives, an IPP score's explanation) is written in the program's default language, not in that of whoever happened
    to trigger it: a context manager that activates it."""
    return translation.override(language_for(tenant=current_tenant()))
