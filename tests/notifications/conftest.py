"""Members of tenant "acme" (from tests/conftest.py) and a way to notify them as the code does."""

import pytest

from prm.notifications import notify
from prm.tenancy import tenant_context
from tests.factories import StaffFactory


def send(tenant, users, *, kind="invitation.accepted", title="Dana accepted your invitation", **kwargs):
    """notify() inside the tenant, as a service or subscriber would call it."""
    with tenant_context(tenant):
        return notify(users=users, kind=kind, title=title, **kwargs)


@pytest.fixture
def colleague(tenant):
    """A second tenant admin of acme."""
    return StaffFactory(tenant=tenant)
