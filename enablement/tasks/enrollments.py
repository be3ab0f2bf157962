"""Celery tasks for enrollments: a new rule's backfill (one batch per run, each run enqueuing the next, so every
batch commits and the rules page shows how far it got) and the daily pass over due dates, one task per tenant."""

from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from enablement.models import Enrollment, EnrollmentStatus
from prm.tasks import TenantTask
from prm.tenancy import all_tenants

__all__ = ["apply_enrollment_rule", "send_enrollment_due_reminders", "send_enrollment_due_reminders_for_tenant"]


@shared_task(base=TenantTask, name="enablement.tasks.apply_enrollment_rule")
def apply_enrollment_rule(*, tenant_id: int, rule_id: int) -> bool:
    """Enroll the next batch of people a rule matches; enqueue the following batch after this one commits.
    Idempotent: a redelivered message enrolls nobody twice (people already enrolled are skipped)."""
    from enablement.services.enrollments import enrollment_rule_apply_batch

    more = enrollment_rule_apply_batch(rule_id=rule_id)
    if more:
        transaction.on_commit(lambda: apply_enrollment_rule.delay(tenant_id=tenant_id, rule_id=rule_id))
    return more


@shared_task(name="enablement.tasks.send_enrollment_due_reminders")
def send_enrollment_due_reminders() -> int:
    """Beat (every 6 hours): one task per tenant with an open enrollment due in the next 3 days whose last reminder
    has not gone out. Returns how many tenants."""
    from enablement.services.enrollments import REMINDER_DAYS

    today = timezone.localdate()
    with all_tenants():
        tenant_ids = list(
            Enrollment.unscoped.filter(
                status__in=(EnrollmentStatus.ENROLLED, EnrollmentStatus.IN_PROGRESS),
                due_on__gte=today,
                due_on__lte=today + timedelta(days=max(REMINDER_DAYS)),
                tenant__is_active=True,
            )
            .exclude(reminders_sent__contains=[min(REMINDER_DAYS)])
            .values_list("tenant_id", flat=True)
            .distinct()
            .order_by("tenant_id")
        )
    for tenant_id in tenant_ids:
        send_enrollment_due_reminders_for_tenant.delay(tenant_id=tenant_id)
    return len(tenant_ids)


@shared_task(base=TenantTask, name="enablement.tasks.send_enrollment_due_reminders_for_tenant")
def send_enrollment_due_reminders_for_tenant(*, tenant_id: int) -> int:
    from enablement.services.enrollments import enrollment_due_reminders_send

    return enrollment_due_reminders_send()
