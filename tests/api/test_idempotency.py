"""`Idempotency-Key` on POST: a retried request returns the first response and creates nothing twice."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from partners import services as partner_services
from partners.models import PartnerOrganization
from prm.api.keys import ALL_SCOPES
from prm.models import IdempotencyRecord
from prm.tasks import prune_idempotency_records
from prm.tenancy import tenant_context
from tests.api.conftest import fields_of, key_client, problem_of
from tests.concurrency import wait_until_waiting_for_a_lock
from tests.factories import TenantFactory, make_api_key

pytestmark = pytest.mark.django_db

URL = "/api/v1/partners/"


def post(client, body, key):
    return client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def partner_names(tenant):
    with tenant_context(tenant):
        return sorted(PartnerOrganization.objects.values_list("name", flat=True))


def test_a_retry_with_the_same_key_creates_one_object_and_replays_the_response(tenant, api):
    first = post(api, {"name": "Contoso", "region": "EMEA"}, "8e0f-retry-1")
    retry = post(api, {"name": "Contoso", "region": "EMEA"}, "8e0f-retry-1")
    assert first.status_code == retry.status_code == 201
    assert retry.content == first.content
    assert retry["Content-Type"] == "application/json"
    assert retry["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert partner_names(tenant) == ["Contoso"]


def test_the_same_body_in_another_key_order_or_spacing_is_the_same_request(tenant, api):
    post(api, {"name": "Contoso", "region": "EMEA"}, "k-order")
    raw = b'{ "region": "EMEA",   "name": "Contoso" }'
    retry = api.post(URL, raw, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-order")
    assert retry.status_code == 201 and retry["Idempotent-Replayed"] == "true"


def test_the_same_key_with_another_body_is_422(tenant, api):
    post(api, {"name": "Contoso"}, "k-1")
    body = problem_of(post(api, {"name": "Fabrikam"}, "k-1"), 422)
    assert "different request" in body["detail"]
    assert partner_names(tenant) == ["Contoso"]


def test_the_same_key_on_another_path_is_422(api):
    post(api, {"name": "Contoso"}, "k-1")
    response = api.post("/api/v1/invitations/", {"email": "a@b.example", "role": "analyst"}, HTTP_IDEMPOTENCY_KEY="k-1")
    problem_of(response, 422)


def test_another_key_of_the_same_program_cannot_replay_this_ones_response(tenant, api):
    post(api, {"name": "Contoso"}, "k-1")
    other = key_client(make_api_key(tenant, scopes=ALL_SCOPES, name="Other integration")[1])
    problem_of(post(other, {"name": "Contoso"}, "k-1"), 422)


def test_different_keys_are_different_requests(tenant, api):
    assert post(api, {"name": "Contoso"}, "k-1").status_code == 201
    assert post(api, {"name": "Fabrikam"}, "k-2").status_code == 201
    assert partner_names(tenant) == ["Contoso", "Fabrikam"]
    # The same body under a new key is run again, not replayed: here the name is taken by then.
    again = post(api, {"name": "Contoso"}, "k-3")
    assert fields_of(problem_of(again, 400)) == ["name"] and not again.has_header("Idempotent-Replayed")


def test_keys_are_per_program(tenant, api):
    other_tenant = TenantFactory()
    other = key_client(make_api_key(other_tenant, scopes=ALL_SCOPES)[1])
    assert post(api, {"name": "Contoso"}, "shared-key").status_code == 201
    assert post(other, {"name": "Contoso"}, "shared-key").status_code == 201
    assert partner_names(other_tenant) == ["Contoso"]


def test_an_error_response_is_replayed_too(tenant, api):
    first = post(api, {"name": ""}, "k-bad")
    retry = post(api, {"name": ""}, "k-bad")
    assert first.status_code == retry.status_code == 400
    assert retry.content == first.content and retry["Content-Type"] == "application/problem+json"


def test_an_upsert_is_replayed_like_a_create(tenant, api):
    post(api, {"name": "Contoso", "external_id": "sf-1"}, "k-1")
    update = post(api, {"name": "Contoso Ltd", "external_id": "sf-1"}, "k-2")
    retry = post(api, {"name": "Contoso Ltd", "external_id": "sf-1"}, "k-2")
    assert update.status_code == retry.status_code == 200 and retry["Idempotent-Replayed"] == "true"


@pytest.mark.parametrize("key", ["x" * 256, "naïve-ключ", " padded "])
def test_an_unusable_key_is_400_naming_the_header(api, key):
    response = api.post(URL, {"name": "Contoso"}, format="json", HTTP_IDEMPOTENCY_KEY=key.encode().decode("latin-1"))
    assert fields_of(problem_of(response, 400)) == ["Idempotency-Key"]


def test_keys_are_kept_24_hours_then_pruned(tenant, api):
    assert post(api, {"name": "Contoso"}, "k-old").status_code == 201
    assert post(api, {"name": "Fabrikam"}, "k-new").status_code == 201
    with tenant_context(tenant):
        IdempotencyRecord.objects.filter(key="k-old").update(created_at=timezone.now() - timedelta(hours=25))
        IdempotencyRecord.objects.filter(key="k-new").update(created_at=timezone.now() - timedelta(hours=23))
    assert prune_idempotency_records() == 1
    with tenant_context(tenant):
        assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["k-new"]
    # After pruning the key is free: the same request runs again (and meets the name taken by the first).
    assert fields_of(problem_of(post(api, {"name": "Contoso"}, "k-old"), 400)) == ["name"]
    assert post(api, {"name": "Fabrikam"}, "k-new")["Idempotent-Replayed"] == "true"


# Two requests with the same key at the same moment ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_posts_with_the_same_key_create_one_object(tenant, monkeypatch):
    _, raw = make_api_key(tenant, scopes=["partners:write"])
    body = {"name": "Contoso"}
    claimed, release = threading.Event(), threading.Event()
    results, pids = {}, {}
    create = partner_services.partner_create

    def slow_create(**kwargs):
        # The first request has claimed the key (in its open transaction) when it gets here: hold it there.
        if threading.current_thread().name == "first":
            claimed.set()
            assert release.wait(timeout=30)
        return create(**kwargs)

    monkeypatch.setattr(partner_services, "partner_create", slow_create)

    def send(name):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pids[name] = cursor.fetchone()[0]
            results[name] = post(key_client(raw), body, "concurrent-1")
        finally:
            claimed.set()
            connection.close()

    first = threading.Thread(target=send, args=("first",), name="first")
    first.start()
    assert claimed.wait(timeout=30)
    second = threading.Thread(target=send, args=("second",), name="second")
    second.start()
    try:
        with connection.cursor() as cursor:
            for _ in range(2000):
                if "second" in pids or not second.is_alive():
                    break
                threading.Event().wait(0.005)
            # The second request's INSERT of the same key waits on the first's uncommitted claim.
            wait_until_waiting_for_a_lock(cursor, pids["second"])
    finally:
        release.set()
        first.join(timeout=30)
        second.join(timeout=30)

    assert results["first"].status_code == results["second"].status_code == 201
    assert results["second"]["Idempotent-Replayed"] == "true"
    assert results["second"].content == results["first"].content
    assert partner_names(tenant) == ["Contoso"]
