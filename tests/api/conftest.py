"""Helpers of the API tests: clients that send a key, problem+json checks. (The `admin_key`, `api` and `scoped`
fixtures are in tests/conftest.py: every app's API tests use them.)"""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

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
