"""Celery tasks of the partners app, one module per area. Celery autodiscovers this package, so it imports every
task: each is registered, and `partners.tasks.<name>` (the task's name, which the beat schedule in prm/settings
uses) is also where it is found."""

from partners.tasks.agreements import send_agreement_reminders, send_agreement_reminders_for_tenant
from partners.tasks.onboarding import send_onboarding_reminders, send_onboarding_reminders_for_tenant
from partners.tasks.recruitment import send_application_confirmation_email, send_application_declined_email

__all__ = [
    "send_agreement_reminders",
    "send_agreement_reminders_for_tenant",
    "send_application_confirmation_email",
    "send_application_declined_email",
    "send_onboarding_reminders",
    "send_onboarding_reminders_for_tenant",
]
