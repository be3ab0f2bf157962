"""The isolation harness for the REST API: every route under /api/v1/, walked from the URL resolver.

Detail routes are resolved with tenant A's objects (owned by partner organization X). Here they are requested with
no credentials (401); every way in — API keys of every side, and every role's session with `X-Tenant` — walks them
in test_api_role_harness.py. A router basename missing from API_OBJECTS fails the harness.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from prm.api.urls import router
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


def assert_no_leak(response, who, url, markers):
    body = response.content.decode(errors="replace")
    leaked = [marker for marker in markers if marker in body]
    assert not leaked, f"{who} saw {leaked} at {url}"


def test_api_harness_covers_routes():
    assert len(api_routes()) >= 8


@pytest.mark.parametrize("method", ["get", "post"])
def test_no_credentials_get_401_problem_on_every_api_route(world, method):
    client = APIClient()
    for name, params in api_routes():
        url = api_url(name, params, world)
        response = getattr(client, method)(url)
        assert response.status_code == 401, (name, url, response.status_code)
        assert response["Content-Type"] == "application/problem+json"
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_schema_and_docs_are_public_and_leak_nothing(world):
    client = APIClient()
    for name in sorted(PUBLIC_API_ROUTES):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert_no_leak(response, "anyone", name, SECRET_MARKERS + TENANT_A_MARKERS)
