"""Helpers of the API convention tests: clients that send a key, and a tenant with a full-access key."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from prm.api.keys import ALL_SCOPES
from prm.tenancy import tenant_context
from tests.factories import make_api_key

PROBLEM = "application/problem+json"


def key_client(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def problem_of(response, status: int) -> dict:
    """The problem+json body of `response`, after checking its status and media type."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"] == PROBLEM, response["Content-Type"]
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"] and body["type"].startswith("https://")
    return body


def fields_of(problem: dict) -> list[str | None]:
    return [error["field"] for error in problem.get("errors", [])]


@pytest.fixture(autouse=True)
def fresh_throttle_cache():
    """Rate limits count in the cache: every test starts with none spent."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin_key(tenant):
    """(ApiKey, raw key) of `tenant` with every scope, acting as the program."""
    return make_api_key(tenant, scopes=ALL_SCOPES, name="Full access")


@pytest.fixture
def api(admin_key):
    return key_client(admin_key[1])


@pytest.fixture
def scoped(tenant):
    """Run a block as `tenant` (to arrange or inspect rows): `with scoped(): ...`."""
    return lambda: tenant_context(tenant)
