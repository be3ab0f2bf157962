import pytest

from tests.analytics.dataset import build


@pytest.fixture
def dataset(tenant):
    return build(tenant)
