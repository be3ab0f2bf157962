"""Celery tasks for onboarding: the hourly beat pass over every tenant's running onboardings."""

from celery import shared_task

from partners.models import OnboardingStatus, PartnerOnboarding
from prm.tasks import TenantTask
from prm.tenancy import all_tenants

__all__ = ["send_onboarding_reminders", "send_onboarding_reminders_for_tenant"]


@shared_task(name="partners.tasks.send_onboarding_reminders")
def send_onboarding_reminders() -> int:
    """Beat (hourly): one task per tenant with a running onboarding — reminders before due dates, overdue notices
    and escalation of stalled plans (partners.services.onboarding_reminders). Returns how many tenants."""
    with all_tenants():
        tenant_ids = list(
            PartnerOnboarding.unscoped.filter(status=OnboardingStatus.IN_PROGRESS, tenant__is_active=True)
            .values_list("tenant_id", flat=True)
            .distinct()
            .order_by("tenant_id")
        )
    for tenant_id in tenant_ids:
        send_onboarding_reminders_for_tenant.delay(tenant_id=tenant_id)
    return len(tenant_ids)


@shared_task(base=TenantTask, name="partners.tasks.send_onboarding_reminders_for_tenant")
def send_onboarding_reminders_for_tenant(*, tenant_id: int) -> dict:
    from partners.services.onboarding_reminders import onboarding_reminders_run

    return onboarding_reminders_run()
