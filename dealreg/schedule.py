"""Deal registration's periodic tasks (collected into CELERY_BEAT_SCHEDULE by prm.schedules)."""

from datetime import timedelta

PERIODIC_TASKS = {
    # Review SLA reminders and escalation; protection expiry and its 14-day warning.
    "deal-review-sla": {"task": "dealreg.tasks.check_review_sla", "schedule": timedelta(hours=1)},
    "deal-protection-expiry": {"task": "dealreg.tasks.expire_protection", "schedule": timedelta(hours=6)},
}
