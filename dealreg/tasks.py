"""Celery tasks for deal registration: the beat passes fan out one task per tenant that has work, and each tenant
task calls a service (dealreg.services.review / protection) that checks state first, so a repeated run changes
nothing twice."""

from dataclasses import asdict

from celery import shared_task

from dealreg.models import AWAITING_REVIEW_STATUSES, DealRegistration, DealStatus
from prm.tasks import TenantTask
from prm.tenancy import all_tenants


def _tenants_with(**filters) -> list[int]:
    with all_tenants():
        return list(
            DealRegistration.unscoped.filter(tenant__is_active=True, **filters)
            .values_list("tenant_id", flat=True)
            .distinct()
            .order_by("tenant_id")
        )


@shared_task
def check_review_sla() -> int:
    """Beat (hourly): for each tenant with registrations waiting for review, reminders before the review SLA ends
    and escalation once it has passed. Returns how many tenants."""
    tenant_ids = _tenants_with(status__in=AWAITING_REVIEW_STATUSES, review_due_at__isnull=False)
    for tenant_id in tenant_ids:
        check_review_sla_for_tenant.delay(tenant_id=tenant_id)
    return len(tenant_ids)


@shared_task(base=TenantTask)
def check_review_sla_for_tenant(*, tenant_id: int) -> dict:
    from dealreg.services import review_sla_check

    return asdict(review_sla_check())


@shared_task
def expire_protection() -> int:
    """Beat (every 6 hours): for each tenant with approved registrations, expiry of lapsed protection and the
    warning before it ends. Returns how many tenants."""
    tenant_ids = _tenants_with(status=DealStatus.APPROVED)
    for tenant_id in tenant_ids:
        expire_protection_for_tenant.delay(tenant_id=tenant_id)
    return len(tenant_ids)


@shared_task(base=TenantTask)
def expire_protection_for_tenant(*, tenant_id: int) -> dict:
    from dealreg.services import protection_expiry_run

    return asdict(protection_expiry_run())
