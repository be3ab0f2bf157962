"""Tiering's tasks: the nightly recalculation fans out one task per active tenant; one partner's recalculation on
demand. Both call the recalculation service, which is idempotent (a repeated run changes nothing)."""

from celery import shared_task

from prm.models import Tenant
from prm.tasks import TenantTask
from prm.tenancy import all_tenants


@shared_task(name="tiering.tasks.recalculate_all_tenants")
def recalculate_all_tenants() -> int:
    """Beat (nightly): one recalculation task per active tenant. Returns how many tenants."""
    with all_tenants():
        tenant_ids = list(Tenant.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    for tenant_id in tenant_ids:
        recalculate_tenant.delay(tenant_id=tenant_id)
    return len(tenant_ids)


@shared_task(base=TenantTask, name="tiering.tasks.recalculate_tenant", time_limit=3600, soft_time_limit=3500)
def recalculate_tenant(*, tenant_id: int) -> dict:
    from tiering.services.recalculation import tiers_recalculate

    run = tiers_recalculate()
    return {"partners": run.partners, "assessed": run.assessed, "changes": run.changes}


@shared_task(base=TenantTask, name="tiering.tasks.recalculate_partner")
def recalculate_partner(*, tenant_id: int, partner_id: int) -> dict:
    from tiering.services.recalculation import tiers_recalculate

    run = tiers_recalculate(partner_ids=[partner_id])
    return {"partners": run.partners, "assessed": run.assessed, "changes": run.changes}
