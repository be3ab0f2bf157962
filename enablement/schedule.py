"""Enablement's periodic tasks (collected into CELERY_BEAT_SCHEDULE by prm.schedules)."""

from datetime import timedelta

PERIODIC_TASKS = {
    # Certification reminders 60, 30 and 7 days before expiry; certification.expired once an award has expired.
    "certification-expiry": {"task": "enablement.tasks.check_certification_expiry", "schedule": timedelta(hours=1)},
}
