"""/api/v1/events/failed/: failed event handlers listed (cursor pages, filters), retried and dismissed; scopes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.api.conftest import problem_of
from tests.events.conftest import failures
from tests.factories import make_api_key

pytestmark = pytest.mark.django_db
LIST = "/api/v1/events/failed/"


def key_client(tenant, scopes=("events:write",), **kwargs):
    _, raw = make_api_key(tenant, scopes=scopes, **kwargs)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_list_pages_with_a_cursor_and_filters_by_status(tenant, make_failure, controlled):
    retrying = make_failure()
    dead = make_failure(attempts=5, name="Fabrikam")
    client = key_client(tenant, scopes=["events:read"])

    first = client.get(LIST, {"page_size": 1}).json()
    assert [f["id"] for f in first["results"]] == [dead.pk] and first["next"]
    second = client.get(first["next"]).json()
    assert [f["id"] for f in second["results"]] == [retrying.pk]

    [listed] = client.get(LIST, {"status": "dead_lettered"}).json()["results"]
    assert listed["id"] == dead.pk and listed["status"] == "dead_lettered" and listed["attempts"] == 5
    assert listed["event"] == dead.event_id and listed["event_type"] == "partner.created"
    assert listed["subject_type"] == "partnerorganization" and listed["subscriber"] == controlled.name
    assert listed["last_error"] == "DataError: division by zero" and listed["next_attempt_at"] is None
    assert [f["id"] for f in client.get(LIST, {"status": "retrying"}).json()["results"]] == [retrying.pk]
    assert client.get(f"{LIST}{retrying.pk}/").json()["status"] == "retrying"


def test_retry_resolves_a_handler_that_succeeds_now_and_counts_an_attempt_when_it_fails(
    tenant, make_failure, controlled
):
    client = key_client(tenant)
    failing, healed = make_failure(attempts=5), make_failure(attempts=5, name="Fabrikam")

    controlled.failures_left = 1
    response = client.post(f"{LIST}{failing.pk}/retry/")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["attempts"]) == ("dead_lettered", 6)

    response = client.post(f"{LIST}{healed.pk}/retry/")
    assert response.status_code == 200
    assert response.json()["status"] == "resolved" and response.json()["resolved_at"]
    assert controlled.calls == [failing.event_id, healed.event_id]

    problem = problem_of(client.post(f"{LIST}{healed.pk}/retry/"), 409)
    assert problem["detail"] == "This failure is resolved already: the handler succeeded."


def test_dismiss_then_illegal_steps_are_409(tenant, make_failure, controlled):
    client = key_client(tenant)
    failure = make_failure()
    response = client.post(f"{LIST}{failure.pk}/dismiss/")
    assert response.status_code == 200
    assert response.json()["status"] == "dismissed" and response.json()["dismissed_at"]
    [stored] = failures(tenant)
    assert stored.dismissed_at is not None and stored.next_attempt_at is None

    assert problem_of(client.post(f"{LIST}{failure.pk}/dismiss/"), 409)["detail"] == (
        "This failure was dismissed already."
    )
    assert problem_of(client.post(f"{LIST}{failure.pk}/retry/"), 409)["detail"] == (
        "This failure was dismissed: it is not retried any more."
    )
    assert controlled.calls == []


def test_a_read_key_may_list_but_not_retry_and_others_get_403(tenant, make_failure):
    failure = make_failure()
    reader = key_client(tenant, scopes=["events:read"])
    assert reader.get(LIST).status_code == 200
    assert "events:write" in problem_of(reader.post(f"{LIST}{failure.pk}/retry/"), 403)["detail"]
    assert "events:read" in problem_of(key_client(tenant, scopes=["partners:read"]).get(LIST), 403)["detail"]


def test_a_partner_bound_key_and_another_tenants_key_see_none(tenant, other_tenant, partner_org, make_failure):
    failure = make_failure()
    for client in (
        key_client(tenant, scopes=["events:write"], partner_organization=partner_org),
        key_client(other_tenant, scopes=["events:write"]),
    ):
        response = client.get(LIST)
        assert response.status_code in (200, 404)
        if response.status_code == 200:
            assert response.json()["results"] == []
        problem_of(client.get(f"{LIST}{failure.pk}/"), 404)
        problem_of(client.post(f"{LIST}{failure.pk}/dismiss/"), 404)
    assert failures(tenant)[0].dismissed_at is None


def test_failed_is_not_taken_for_an_event_id(tenant, make_failure):
    client = key_client(tenant, scopes=["events:read"])
    failure = make_failure()
    assert client.get("/api/v1/events/").json()["results"][0]["id"] == failure.event_id
    assert client.get(LIST).json()["results"][0]["id"] == failure.pk


def test_list_query_count_does_not_grow_with_failures(tenant, make_failure):
    client = key_client(tenant, scopes=["events:read"])

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    make_failure()
    make_failure(attempts=5, name="Fabrikam")
    count()  # the key's first use of the minute records it (one write)
    with_2 = count()
    for n in range(8):
        make_failure(attempts=1 + n % 5, name=f"Partner {n}")
    assert count() == with_2
