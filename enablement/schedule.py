"""Enablement's periodic tasks (collected into CELERY_BEAT_SCHEDULE by prm.schedules)."""

from datetime import timedelta

PERIODIC_TASKS = {
    # Quiz attempts whose time ran out with nobody submitting them: graded on what was answered in time.
    "quiz-attempts-time-out": {
        "task": "enablement.tasks.close_expired_quiz_attempts",
        "schedule": timedelta(minutes=5),
    },
}
