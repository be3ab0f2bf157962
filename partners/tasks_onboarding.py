"""Celery tasks for onboarding."""

from celery import shared_task

__all__ = ["send_onboarding_reminders"]


@shared_task(name="partners.tasks.send_onboarding_reminders")
def send_onboarding_reminders() -> int:
    """Filled by the onboarding work: reminders before due dates, escalation of overdue or stalled plans."""
    return 0
