"""Celery tasks of the enablement app, one module per area. Celery autodiscovers this package, so it imports every
task: each is registered, and `enablement.tasks.<name>` (the task's name, which enablement/schedule.py uses) is also
where it is found."""

from enablement.tasks.certifications import check_certification_expiry, check_certification_expiry_for_tenant
from enablement.tasks.enrollments import (
    apply_enrollment_rule,
    send_enrollment_due_reminders,
    send_enrollment_due_reminders_for_tenant,
)
from enablement.tasks.quizzes import close_expired_quiz_attempts, close_expired_quiz_attempts_for_tenant

__all__ = [
    "apply_enrollment_rule",
    "check_certification_expiry",
    "check_certification_expiry_for_tenant",
    "close_expired_quiz_attempts",
    "close_expired_quiz_attempts_for_tenant",
    "send_enrollment_due_reminders",
    "send_enrollment_due_reminders_for_tenant",
]
