"""Tiering's periodic tasks (collected into CELERY_BEAT_SCHEDULE by prm.schedules)."""

from celery.schedules import crontab

PERIODIC_TASKS = {
    # Every partner's tier from its metrics, once a night (promotions at once, demotions after the grace period).
    "tier-recalculation": {"task": "tiering.tasks.recalculate_all_tenants", "schedule": crontab(hour=2, minute=30)},
}
