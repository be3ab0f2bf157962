"""Celery tasks for deal registration."""

from celery import shared_task


@shared_task
def check_review_sla() -> int:
    """Filled by the deal registration work: review SLA reminders and escalation."""
    return 0


@shared_task
def expire_protection() -> int:
    """Filled by the deal registration work: expiry of lapsed protection and the 14-day warning."""
    return 0
