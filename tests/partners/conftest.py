import pytest

from tests.prm.helpers import make_member


@pytest.fixture
def member(tenant, partner_org):
    """member(role) → an active membership of `tenant`; partner roles belong to `partner_org` unless told."""

    def make(role, *, organization=None, **kwargs):
        return make_member(tenant, role, organization=organization or partner_org, **kwargs)

    return make
