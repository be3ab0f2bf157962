"""Per-credential rate limits: over the limit, 429 problem+json with Retry-After."""

import pytest

from partners.models import PartnerOrganization
from prm.api.throttling import CredentialRateThrottle
from tests.api.conftest import key_client, problem_of
from tests.factories import make_api_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_a_minute(monkeypatch):
    # DRF reads DEFAULT_THROTTLE_RATES once, into the class: override the class, not the settings.
    monkeypatch.setattr(CredentialRateThrottle, "THROTTLE_RATES", {"credential": "3/min"})


def test_the_fourth_request_in_a_minute_is_429_with_retry_after(three_a_minute, api):
    for _ in range(3):
        assert api.get("/api/v1/partners/").status_code == 200
    response = api.get("/api/v1/partners/")
    body = problem_of(response, 429)
    assert "throttled" in body["detail"]
    assert 0 < int(response["Retry-After"]) <= 60


def test_the_limit_is_per_key(three_a_minute, tenant, api):
    for _ in range(4):
        api.get("/api/v1/partners/")
    assert api.get("/api/v1/partners/").status_code == 429
    other = key_client(make_api_key(tenant, scopes=["partners:read"])[1])
    assert other.get("/api/v1/partners/").status_code == 200


def test_a_throttled_post_creates_nothing(three_a_minute, api, scoped):
    for _ in range(3):
        api.get("/api/v1/partners/")
    response = api.post("/api/v1/partners/", {"name": "Contoso"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    problem_of(response, 429)
    with scoped():
        assert not PartnerOrganization.objects.exists()
