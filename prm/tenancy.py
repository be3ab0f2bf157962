"""The current tenant, and the models and managers that refuse to work without one (fail closed).

The tenant lives in a context variable *and* in the per-transaction PostgreSQL setting `app.tenant_id` that the
row-level security policies read (see prm/rls.py). `tenant_context()` sets both; `all_tenants()` is the one,
explicitly named, way for platform-wide work to see every tenant.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.db import connection, models, transaction

from prm.errors import NoTenantSelected

if TYPE_CHECKING:
    from prm.models import Tenant

_current_tenant: ContextVar[Tenant | None] = ContextVar("prm_current_tenant", default=None)
_all_tenants: ContextVar[bool] = ContextVar("prm_all_tenants", default=False)


def current_tenant_or_none() -> Tenant | None:
    return _current_tenant.get()


def current_tenant() -> Tenant:
    tenant = _current_tenant.get()
    if tenant is None:
        raise NoTenantSelected("No tenant is selected: wrap the work in tenant_context(tenant).")
    return tenant


def _set_database_tenant(tenant_id: str, all_tenants: bool) -> None:
    # The row-level security policy lets every tenant through only with this session's proof, which SQL alone
    # cannot produce (prm/db/base.py): setting `app.all_tenants` from injected SQL opens nothing.
    proof = connection.all_tenants_proof() if all_tenants else ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('app.tenant_id', %s, true), set_config('app.all_tenants', %s, true)",
            [tenant_id, proof],
        )


def _restore_database_tenant(tenant: Tenant | None, all_tenants: bool) -> None:
    _set_database_tenant(str(tenant.pk) if tenant else "", all_tenants)


@contextmanager
def tenant_context(tenant: Tenant):
    """Run the block as `tenant`, in one transaction, with row-level security keyed on it."""
    previous_tenant, previous_all = _current_tenant.get(), _all_tenants.get()
    tenant_token = _current_tenant.set(tenant)
    all_token = _all_tenants.set(False)
    try:
        with transaction.atomic():
            _set_database_tenant(str(tenant.pk), False)
            yield tenant
            # A released savepoint keeps the inner setting: give the enclosing block its own back. (The outermost
            # block's commit discards the setting by itself.)
            if len(connection.atomic_blocks) > 1:
                _restore_database_tenant(previous_tenant, previous_all)
    finally:
        _current_tenant.reset(tenant_token)
        _all_tenants.reset(all_token)


@contextmanager
def all_tenants():
    """Platform-wide work (nightly jobs, a user's own memberships across tenants): every tenant is visible."""
    previous_tenant, previous_all = _current_tenant.get(), _all_tenants.get()
    tenant_token = _current_tenant.set(None)
    all_token = _all_tenants.set(True)
    try:
        with transaction.atomic():
            _set_database_tenant("", True)
            yield
            if len(connection.atomic_blocks) > 1:
                _restore_database_tenant(previous_tenant, previous_all)
    finally:
        _current_tenant.reset(tenant_token)
        _all_tenants.reset(all_token)


class TenantQuerySet(models.QuerySet):
    pass


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    """Filters by the current tenant; raises NoTenantSelected when there is none (and no all_tenants())."""

    def get_queryset(self):
        queryset = super().get_queryset()
        tenant = _current_tenant.get()
        if tenant is not None:
            return queryset.filter(tenant_id=tenant.pk)
        if _all_tenants.get():
            return queryset
        raise NoTenantSelected(f"{self.model.__name__}: no tenant is selected.")

    def none(self):
        # An empty queryset reveals nothing, so it needs no tenant (schema generation, form fields at import).
        return super().get_queryset().none()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        tenant = current_tenant()
        for obj in objs:
            if obj.tenant_id is None:
                obj.tenant = tenant
        return super().bulk_create(objs, *args, **kwargs)


class UnscopedManager(models.Manager.from_queryset(TenantQuerySet)):
    """No ORM filter. Row-level security still applies: use only inside all_tenants() or a tenant_context()."""


class TenantOwnedModel(models.Model):
    """Base of every tenant-owned table: a non-null tenant taken from the context, never from input."""

    tenant = models.ForeignKey("prm.Tenant", on_delete=models.PROTECT, editable=False, related_name="+")
    # Bumped on every save; the API's `updated_since` filter and ETags read it.
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()
    unscoped = UnscopedManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.tenant_id is None:
            self.tenant = current_tenant()
        super().save(*args, **kwargs)
