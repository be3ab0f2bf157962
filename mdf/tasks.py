"""Market development funds' tasks: the nightly run fans out one task per active tenant, which expires approved
activities not claimed in time (releasing their commitments) and reconciles the ledger. Both services are
idempotent (expiry checks state and posts under a key; a reconciliation only reads and records)."""

from celery import shared_task

from prm.models import Tenant
from prm.tasks import TenantTask
from prm.tenancy import all_tenants


@shared_task(name="mdf.tasks.nightly_all_tenants")
def nightly_all_tenants() -> int:
    """Beat (nightly): one MDF run per active tenant. Returns how many tenants."""
    with all_tenants():
        tenant_ids = list(Tenant.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    for tenant_id in tenant_ids:
        nightly_tenant.delay(tenant_id=tenant_id)
    return len(tenant_ids)


@shared_task(base=TenantTask, name="mdf.tasks.nightly_tenant", time_limit=3600, soft_time_limit=3500)
def nightly_tenant(*, tenant_id: int) -> dict:
    from mdf.services.reconciliation import ledger_reconcile
    from mdf.services.requests import fund_requests_expire_due

    expired = fund_requests_expire_due()
    run = ledger_reconcile()
    return {"expired": expired, "accounts_checked": run.accounts_checked, "differences": len(run.differences)}
