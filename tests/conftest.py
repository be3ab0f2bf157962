import pytest

from prm.api.keys import ALL_SCOPES
from prm.tenancy import tenant_context
from tests.factories import (
    PartnerOrganizationFactory,
    PartnerUserFactory,
    StaffFactory,
    TenantFactory,
    make_api_key,
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


@pytest.fixture
def admin_key(tenant):
    """(ApiKey, raw key) of `tenant` with every scope, acting as the program."""
    return make_api_key(tenant, scopes=ALL_SCOPES, name="Full access")


@pytest.fixture
def api(admin_key):
    from tests.api.conftest import key_client

    return key_client(admin_key[1])


@pytest.fixture
def scoped(tenant):
    """Run a block as `tenant` (to arrange or inspect rows): `with scoped(): ...`."""
    return lambda: tenant_context(tenant)


def login(client, membership):
    client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
    return client
