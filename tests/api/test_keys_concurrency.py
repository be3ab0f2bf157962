"""A revoked API key stops working when the revocation commits, even when a request using it ran while the revocation
was still open and cached the key (still valid to that request) for KEY_CACHE_SECONDS."""

import threading

import pytest
from django.db import connection

from prm.api.keys import api_key_revoke, find_key
from prm.tenancy import tenant_context
from tests.api.conftest import key_client, problem_of
from tests.concurrency import race
from tests.factories import StaffFactory, make_api_key

PARTNERS = "/api/v1/partners/"


def request_in_another_session(raw: str) -> int:
    """A request with the key from another database session (another web process); returns its status."""
    outcome = {}

    def send():
        try:
            outcome["status"] = key_client(raw).get(PARTNERS).status_code
        finally:
            connection.close()

    thread = threading.Thread(target=send)
    thread.start()
    thread.join(timeout=30)
    return outcome["status"]


@pytest.mark.django_db(transaction=True)
def test_key_cached_by_a_request_during_the_revocation_is_refused_once_it_commits(tenant):
    api_key, raw = make_api_key(tenant, scopes=["partners:read"])
    admin = StaffFactory(tenant=tenant)
    assert key_client(raw).get(PARTNERS).status_code == 200  # used a moment ago: no last-used write follows

    with tenant_context(tenant):
        api_key_revoke(actor=admin, api_key=api_key)
        # Not committed yet: a request elsewhere still finds the key valid, and caches it.
        assert request_in_another_session(raw) == 200

    problem_of(key_client(raw).get(PARTNERS), 401)


@pytest.mark.django_db(transaction=True)
def test_request_whose_last_used_write_waited_for_the_revocation_is_refused_and_caches_nothing(tenant):
    api_key, raw = make_api_key(tenant, scopes=["partners:read"])
    admin = StaffFactory(tenant=tenant)

    # The key was never used: the request reads it (valid: the revocation is not committed), caches it, then waits
    # on the revocation's row lock to stamp `last_used_at`; the revocation commits and the request goes on.
    _, found = race(tenant, lambda: api_key_revoke(actor=admin, api_key=api_key), lambda: find_key(raw))

    assert found is None
    problem_of(key_client(raw).get(PARTNERS), 401)
