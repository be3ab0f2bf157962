"""The isolation harness for the REST API: every route under /api/v1/, walked from the URL resolver.

Detail routes are resolved with tenant A's objects (owned by partner organization X) and requested with a key
of tenant B holding every scope, with a key of tenant A bound to organization Y, and with no credentials.
They must answer 404 (or 405 for a method the route does not take), 401 without credentials, and no list may
show X's or A's data to the wrong key. A router basename missing from API_OBJECTS fails the harness.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from prm.api.keys import ALL_SCOPES
from prm.api.urls import router
from tests.factories import make_api_key
from tests.security.conftest import SECRET_MARKERS, TENANT_A_MARKERS, WORLD_PARTS
from tests.security.test_isolation_harness import all_routes, is_api_route

pytestmark = pytest.mark.django_db

PUBLIC_API_ROUTES = {"api:schema", "api:docs", "api:redoc"}

# Router basename -> the tenant-A object (of organization X) its detail routes are resolved with.
API_OBJECTS = {
    "partner": lambda w: w.org_x.pk,
    "member": lambda w: w.member_x.pk,
    "invitation": lambda w: w.invitation.pk,
    "event": lambda w: w.event.pk,
    "webhook": lambda w: w.endpoint.pk,
    "webhook-delivery": lambda w: w.delivery.pk,
    "contact": lambda w: w.contact.pk,
}
for _part in WORLD_PARTS:
    API_OBJECTS.update(_part.API_OBJECTS)


def basename_of(route_name: str) -> str:
    name = route_name.removeprefix("api:")
    basenames = sorted((basename for _, _, basename in router.registry), key=len, reverse=True)
    return next(b for b in basenames if name.startswith(b + "-"))


def api_routes():
    return sorted(
        {(name, params) for name, params in all_routes() if is_api_route(name) and name not in PUBLIC_API_ROUTES}
    )


def api_url(name, params, world):
    basename = basename_of(name)
    assert basename in API_OBJECTS, f"API route {name!r}: add {basename!r} to API_OBJECTS in the API harness"
    kwargs = {param: API_OBJECTS[basename](world) for param in params}
    return reverse(name, kwargs=kwargs)


def key_client(raw):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def assert_hidden(response, name, url, method):
    if response.status_code == 405:
        assert method.upper() not in response["Allow"], (name, url, method)
    else:
        assert response.status_code == 404, (name, url, method, response.status_code, response.content[:300])
        assert response["Content-Type"] == "application/problem+json"


def assert_no_leak(response, who, url, markers):
    body = response.content.decode(errors="replace")
    leaked = [marker for marker in markers if marker in body]
    assert not leaked, f"{who} saw {leaked} at {url}"


def test_api_harness_covers_routes():
    assert len(api_routes()) >= 8


@pytest.mark.parametrize("method", ["get", "post", "patch", "put", "delete"])
def test_key_of_another_tenant_gets_404_on_every_object_and_sees_nothing_in_lists(world, method):
    _, raw = make_api_key(world.tenant_b, scopes=ALL_SCOPES)
    client = key_client(raw)
    for name, params in api_routes():
        url = api_url(name, params, world)
        response = getattr(client, method)(url, {}, format="json")
        if params:
            assert_hidden(response, name, url, method)
        assert response.status_code < 500, (name, url, method, response.status_code)
        assert_no_leak(response, "tenant B's key", url, SECRET_MARKERS + TENANT_A_MARKERS)


@pytest.mark.parametrize("method", ["get", "post", "patch", "put", "delete"])
def test_key_bound_to_another_organization_gets_404_on_its_objects_and_sees_nothing_of_them(world, method):
    _, raw = make_api_key(world.tenant_a, scopes=ALL_SCOPES, partner_organization=world.org_y)
    client = key_client(raw)
    for name, params in api_routes():
        url = api_url(name, params, world)
        response = getattr(client, method)(url, {}, format="json")
        if params:
            assert_hidden(response, name, url, method)
        assert response.status_code < 500, (name, url, method, response.status_code)
        assert_no_leak(response, "organization Y's key", url, SECRET_MARKERS)


@pytest.mark.parametrize("method", ["get", "post"])
def test_no_credentials_get_401_problem_on_every_api_route(world, method):
    client = APIClient()
    for name, params in api_routes():
        url = api_url(name, params, world)
        response = getattr(client, method)(url)
        assert response.status_code == 401, (name, url, response.status_code)
        assert response["Content-Type"] == "application/problem+json"
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_signed_in_user_of_another_tenant_gets_404_through_x_tenant(world, client):
    client.force_login(world.admin_b.user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/api/v1/partners/", HTTP_X_TENANT=world.tenant_a.slug)
    assert response.status_code == 404
    assert_no_leak(response, "tenant B's admin", "/api/v1/partners/", SECRET_MARKERS + TENANT_A_MARKERS)


def test_schema_and_docs_are_public_and_leak_nothing(world):
    client = APIClient()
    for name in sorted(PUBLIC_API_ROUTES):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert_no_leak(response, "anyone", name, SECRET_MARKERS + TENANT_A_MARKERS)
