import pytest

from prm.tenancy import tenant_context
from tests.factories import (
    PartnerOrganizationFactory,
    PartnerUserFactory,
    StaffFactory,
    TenantFactory,
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (rate limits, cached API keys)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tenant(db):
    return TenantFactory(slug="acme", name="Acme Security")


@pytest.fixture
def other_tenant(db):
    return TenantFactory(slug="globex", name="Globex Firewalls")


@pytest.fixture
def tenant_admin(tenant):
    return StaffFactory(tenant=tenant)


@pytest.fixture
def partner_org(tenant):
    return PartnerOrganizationFactory(tenant=tenant, name="Northwind Secure")


@pytest.fixture
def partner_admin(tenant, partner_org):
    return PartnerUserFactory(tenant=tenant, partner_organization=partner_org)


@pytest.fixture
def in_tenant(tenant):
    """Run the test body as `tenant` (scoped managers and RLS see it)."""
    with tenant_context(tenant):
        yield tenant


def login(client, membership):
    client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
    return client
