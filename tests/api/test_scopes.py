"""Scopes: per resource, read or write; write includes read. A missing scope is a 403 that names it."""

import pytest

from tests.api.conftest import key_client, problem_of
from tests.factories import PartnerOrganizationFactory, make_api_key

pytestmark = pytest.mark.django_db


def test_read_only_key_reads_but_gets_403_naming_the_scope_on_post(tenant):
    _, raw = make_api_key(tenant, scopes=["partners:read"])
    client = key_client(raw)
    assert client.get("/api/v1/partners/").status_code == 200
    body = problem_of(client.post("/api/v1/partners/", {"name": "Contoso"}, format="json"), 403)
    assert body["detail"] == "This API key lacks the scope partners:write."


def test_read_only_key_gets_403_on_patch_and_nothing_changes(tenant, scoped):
    partner = PartnerOrganizationFactory(tenant=tenant, name="Northwind")
    _, raw = make_api_key(tenant, scopes=["partners:read"])
    response = key_client(raw).patch(f"/api/v1/partners/{partner.pk}/", {"name": "Changed"}, format="json")
    assert "partners:write" in problem_of(response, 403)["detail"]
    with scoped():
        partner.refresh_from_db()
    assert partner.name == "Northwind"


def test_write_scope_includes_read(tenant):
    PartnerOrganizationFactory(tenant=tenant)
    _, raw = make_api_key(tenant, scopes=["partners:write"])
    client = key_client(raw)
    assert client.get("/api/v1/partners/").status_code == 200
    assert client.post("/api/v1/partners/", {"name": "Contoso"}, format="json").status_code == 201


def test_scope_of_another_resource_does_not_help(tenant):
    _, raw = make_api_key(tenant, scopes=["members:write", "events:read"])
    body = problem_of(key_client(raw).get("/api/v1/partners/"), 403)
    assert body["detail"] == "This API key lacks the scope partners:read."


@pytest.mark.parametrize(
    ("url", "scope"),
    [("/api/v1/members/", "members"), ("/api/v1/invitations/", "invitations"), ("/api/v1/events/", "events")],
)
def test_each_resource_asks_for_its_own_scope(tenant, url, scope):
    _, without = make_api_key(tenant, scopes=["partners:write"])
    _, with_scope = make_api_key(tenant, scopes=[f"{scope}:read"])
    assert f"{scope}:read" in problem_of(key_client(without).get(url), 403)["detail"]
    assert key_client(with_scope).get(url).status_code == 200


def test_a_method_the_route_does_not_take_is_405_before_any_scope_question(tenant):
    _, raw = make_api_key(tenant, scopes=["events:read"])
    problem_of(key_client(raw).post("/api/v1/events/", {}, format="json"), 405)
