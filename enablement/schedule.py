"""Enablement's periodic tasks (collected into CELERY_BEAT_SCHEDULE by prm.schedules)."""

from datetime import timedelta

PERIODIC_TASKS = {
    # Quiz attempts whose time ran out with nobody submitting them: graded on what was answered in time.
    "quiz-attempts-time-out": {
        "task": "enablement.tasks.close_expired_quiz_attempts",
        "schedule": timedelta(minutes=5),
    },
    # Certification reminders 60, 30 and 7 days before expiry; certification.expired once an award has expired.
    "certification-expiry": {"task": "enablement.tasks.check_certification_expiry", "schedule": timedelta(hours=1)},
    # Reminders of assigned courses 3 days before their due date and on the day.
    "enrollment-due-reminders": {
        "task": "enablement.tasks.send_enrollment_due_reminders",
        "schedule": timedelta(hours=6),
    },
}
