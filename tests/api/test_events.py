"""The events API: what partner create/update recorded, for integrations that poll."""

import pytest

from tests.api.conftest import problem_of

pytestmark = pytest.mark.django_db


def test_partner_create_and_update_are_listed_newest_first_with_their_actor(api, admin_key):
    api_key, _ = admin_key
    created = api.post("/api/v1/partners/", {"name": "Contoso", "external_id": "sf-1"}, format="json").json()
    api.patch(f"/api/v1/partners/{created['id']}/", {"region": "APAC"}, format="json")
    response = api.get("/api/v1/events/", {"subject_type": "partnerorganization"})
    assert response.status_code == 200
    events = response.json()["results"]
    assert [e["type"] for e in events] == ["partner.updated", "partner.created"]
    updated, creation = events
    assert creation["subject_id"] == str(created["id"]) and creation["payload"]["external_id"] == "sf-1"
    assert updated["payload"]["changed"] == ["region"] and updated["payload"]["region"] == "APAC"
    assert {e["actor"] for e in events} == {f"api_key:{api_key.pk}"}


def test_filter_by_type(api):
    api.post("/api/v1/partners/", {"name": "Contoso"}, format="json")
    api.post("/api/v1/partners/", {"name": "Fabrikam"}, format="json")
    contoso = api.get("/api/v1/partners/", {"search": "contoso"}).json()["results"][0]
    api.patch(f"/api/v1/partners/{contoso['id']}/", {"region": "APAC"}, format="json")
    created = api.get("/api/v1/events/", {"type": "partner.created"}).json()["results"]
    assert [e["payload"]["name"] for e in created] == ["Fabrikam", "Contoso"]
    assert [e["type"] for e in api.get("/api/v1/events/", {"type": "partner.updated"}).json()["results"]] == [
        "partner.updated"
    ]


def test_polling_with_occurred_since_and_the_cursor(api):
    api.post("/api/v1/partners/", {"name": "Contoso"}, format="json")
    first = api.get("/api/v1/events/", {"page_size": 1}).json()
    since = first["results"][0]["occurred_at"]
    api.post("/api/v1/partners/", {"name": "Fabrikam"}, format="json")
    newer = api.get("/api/v1/events/", {"occurred_since": since, "type": "partner.created"}).json()["results"]
    assert [e["payload"]["name"] for e in newer] == ["Fabrikam", "Contoso"]


def test_an_event_by_id_and_no_writes(api):
    api.post("/api/v1/partners/", {"name": "Contoso"}, format="json")
    event = api.get("/api/v1/events/").json()["results"][0]
    assert api.get(f"/api/v1/events/{event['id']}/").json() == event
    problem_of(api.post("/api/v1/events/", {}, format="json"), 405)
