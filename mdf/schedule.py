"""Market development funds' periodic tasks (collected into CELERY_BEAT_SCHEDULE by prm.schedules)."""

from celery.schedules import crontab

PERIODIC_TASKS = {
    # Expiry of approved activities not claimed in time, then the ledger reconciliation.
    "mdf-nightly": {"task": "mdf.tasks.nightly_all_tenants", "schedule": crontab(hour=3, minute=15)},
}
