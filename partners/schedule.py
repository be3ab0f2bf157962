"""The partners app's periodic tasks (collected into CELERY_BEAT_SCHEDULE by prm.schedules)."""

from datetime import timedelta

PERIODIC_TASKS = {
    # Reminders before onboarding steps fall due; escalation of overdue or stalled plans to the channel manager.
    "onboarding-reminders": {"task": "partners.tasks.send_onboarding_reminders", "schedule": timedelta(hours=1)},
    # Reminders to re-accept a new agreement version before its deadline; the overdue notice after it.
    "agreement-reminders": {"task": "partners.tasks.send_agreement_reminders", "schedule": timedelta(hours=6)},
}
