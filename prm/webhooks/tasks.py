"""Celery tasks of prm.webhooks (found by the Celery app's autodiscovery)."""
