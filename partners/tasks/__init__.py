"""Celery tasks of the partners app, one module per area; Celery autodiscovers this package, so it imports every
module to register their tasks. Task names stay `partners.tasks.<name>` (the beat schedule in prm/settings names
them)."""

from partners.tasks import agreements, onboarding, recruitment  # noqa: F401
