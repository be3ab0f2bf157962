"""Certification tasks: the beat pass over certification expiry fans out one task per tenant with awards near or
past their expiry; each tenant task calls the service, which checks state first (reminders and expiry are recorded
once), so a repeated run changes nothing twice."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from enablement.models import AwardStatus, CertificationAward
from prm.tasks import TenantTask
from prm.tenancy import all_tenants


@shared_task(name="enablement.tasks.check_certification_expiry")
def check_certification_expiry() -> int:
    """Beat (hourly): one task per tenant with a valid award that expires within the first reminder's reach, or
    has expired without its expiry recorded. Returns how many tenants."""
    from enablement.services.certifications import REMINDER_DAYS

    horizon = timezone.now() + timedelta(days=max(REMINDER_DAYS))
    with all_tenants():
        tenant_ids = list(
            CertificationAward.unscoped.filter(
                status=AwardStatus.ACTIVE, expires_at__lte=horizon, expiry_recorded=False, tenant__is_active=True
            )
            .values_list("tenant_id", flat=True)
            .distinct()
            .order_by("tenant_id")
        )
    for tenant_id in tenant_ids:
        check_certification_expiry_for_tenant.delay(tenant_id=tenant_id)
    return len(tenant_ids)


@shared_task(base=TenantTask, name="enablement.tasks.check_certification_expiry_for_tenant")
def check_certification_expiry_for_tenant(*, tenant_id: int) -> dict:
    """Reminders and expiry of one tenant's awards, in passes of a bounded batch until a pass finds nothing due."""
    from enablement.services.certifications import certification_expiry_run

    reminded = expired = 0
    while (run := certification_expiry_run()).done:
        reminded += run.reminded
        expired += run.expired
    return {"reminded": reminded, "expired": expired}
