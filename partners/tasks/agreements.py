"""Celery tasks for agreements: the beat pass (every 6 hours) over tenants with a re-acceptance deadline near or
past, one task per tenant."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from partners.models import AgreementVersion
from prm.tasks import TenantTask
from prm.tenancy import all_tenants

__all__ = ["send_agreement_reminders", "send_agreement_reminders_for_tenant"]


@shared_task(name="partners.tasks.send_agreement_reminders")
def send_agreement_reminders() -> int:
    """Beat: one task per tenant with a published version whose deadline is at most 7 days away (or past) and whose
    overdue notice has not gone out yet. Returns how many tenants."""
    from partners.services.agreements import OVERDUE_NOTICE, REMINDER_DAYS

    horizon = timezone.localdate() + timedelta(days=max(REMINDER_DAYS))
    with all_tenants():
        tenant_ids = list(
            AgreementVersion.unscoped.filter(
                published_at__isnull=False, reaccept_by__lte=horizon, tenant__is_active=True
            )
            .exclude(reminders_sent__contains=[OVERDUE_NOTICE])
            .values_list("tenant_id", flat=True)
            .distinct()
            .order_by("tenant_id")
        )
    for tenant_id in tenant_ids:
        send_agreement_reminders_for_tenant.delay(tenant_id=tenant_id)
    return len(tenant_ids)


@shared_task(base=TenantTask, name="partners.tasks.send_agreement_reminders_for_tenant")
def send_agreement_reminders_for_tenant(*, tenant_id: int) -> int:
    """Reminders and overdue notices of one tenant (partners.services.agreement_reminders_send)."""
    from partners.services.agreements import agreement_reminders_send

    return agreement_reminders_send()
