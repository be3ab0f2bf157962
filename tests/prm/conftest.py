import pytest
from django.core.cache import cache

from tests.prm.helpers import make_member


@pytest.fixture(autouse=True)
def fresh_cache():
    """Login and password-reset rate limits count in the cache: every test starts with none spent."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploads of a test go to its own temporary folder."""
    location = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(location)}},
    }
    return location


@pytest.fixture
def member(tenant, partner_org):
    """member(role) → an active membership of `tenant`; partner roles belong to `partner_org` unless told."""

    def make(role, *, organization=None, **kwargs):
        return make_member(tenant, role, organization=organization or partner_org, **kwargs)

    return make
