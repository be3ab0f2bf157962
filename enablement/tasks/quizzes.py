"""Quiz tasks: the beat pass over abandoned quiz attempts fans out one task per tenant with an open attempt past
its deadline; each tenant task calls the service, which closes only attempts still open (skipping one being
submitted right now), so a repeated run changes nothing twice."""

from celery import shared_task
from django.utils import timezone

from enablement.models import AttemptStatus, QuizAttempt
from prm.tasks import TenantTask
from prm.tenancy import all_tenants


@shared_task(name="enablement.tasks.close_expired_quiz_attempts")
def close_expired_quiz_attempts() -> int:
    """Beat (every 5 minutes): one task per tenant with an open quiz attempt whose time ran out. Returns how many
    tenants."""
    from enablement.selectors.quizzes import DEADLINE_GRACE

    with all_tenants():
        tenant_ids = list(
            QuizAttempt.unscoped.filter(
                status=AttemptStatus.IN_PROGRESS,
                deadline_at__lt=timezone.now() - DEADLINE_GRACE,
                tenant__is_active=True,
            )
            .values_list("tenant_id", flat=True)
            .distinct()
            .order_by("tenant_id")
        )
    for tenant_id in tenant_ids:
        close_expired_quiz_attempts_for_tenant.delay(tenant_id=tenant_id)
    return len(tenant_ids)


@shared_task(base=TenantTask, name="enablement.tasks.close_expired_quiz_attempts_for_tenant")
def close_expired_quiz_attempts_for_tenant(*, tenant_id: int) -> int:
    """Grade and close one tenant's abandoned attempts, in bounded batches until a pass finds none."""
    from enablement.services.quizzes import quiz_attempts_time_out

    closed = 0
    while True:
        batch = quiz_attempts_time_out()
        closed += batch
        if not batch:
            return closed
