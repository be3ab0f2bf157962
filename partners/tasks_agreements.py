"""Celery tasks for agreements."""

from celery import shared_task

__all__ = ["send_agreement_reminders"]


@shared_task(name="partners.tasks.send_agreement_reminders")
def send_agreement_reminders() -> int:
    """Filled by the agreements work: re-acceptance reminders before the deadline, the overdue notice after."""
    return 0
