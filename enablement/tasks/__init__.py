"""Celery tasks of the enablement app, one module per area. Celery autodiscovers this package, so it imports every
task: each is registered, and `enablement.tasks.<name>` (the task's name, which the beat schedule in prm/settings
uses) is also where it is found."""

from enablement.tasks.enrollments import (
    apply_enrollment_rule,
    send_enrollment_due_reminders,
    send_enrollment_due_reminders_for_tenant,
)

__all__ = ["apply_enrollment_rule", "send_enrollment_due_reminders", "send_enrollment_due_reminders_for_tenant"]
