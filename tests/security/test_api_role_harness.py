"""The role harness for the REST API: every route under /api/v1/ × every method it takes × every way in.

The ways in: an API key (tenant A's, acting as a tenant admin; bound to organization X or Y, acting as that
partner's admin; tenant B's) and a signed-in person of every role sending `X-Tenant` (the portal's own calls),
on every side of tests/security/walk.py. Each write carries the other side's ids in every field that takes ids
(declared per route in tests/security/api_routes.py); the walk asserts the declared status, that no response shows
the other side's data, and that the other side's objects named in the body are left as they were. A route, a
method or a request field (from the committed OpenAPI schema) without a declaration fails the harness.
"""

from urllib.parse import unquote

import pytest
import yaml
from django.conf import settings
from django.urls import resolve, reverse
from rest_framework.test import APIClient

from prm.api.keys import ALL_SCOPES, api_key_create
from prm.models import Tenant
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.security.api_routes import API, is_plain
from tests.security.test_api_isolation import API_OBJECTS, api_routes, basename_of
from tests.security.walk import (
    FORBIDDEN_MARKERS,
    REFUSED,
    SIDES,
    STAFF,
    Failures,
    fill,
    foreign_rows,
    id_fields,
    in_savepoint,
    person,
)

pytestmark = pytest.mark.django_db

SESSION_WALKS = [(side, role) for side, roles in SIDES.items() for role in sorted(roles)]
# API keys: (side, the role the key acts as, the organization it is bound to).
KEY_WALKS = [("a", Role.TENANT_ADMIN, None), ("x", Role.PARTNER_ADMIN, "org_x"), ("y", Role.PARTNER_ADMIN, "org_y")]
KEY_WALKS += [("b_at_b", Role.TENANT_ADMIN, None)]


def route_methods(name, params, world):
    """The route's URL and the methods it takes (HEAD is GET's)."""
    url = api_url(name, params, world)
    view = resolve(url).func
    return url, sorted(m for m in view.actions if m != "head" and m in view.cls.http_method_names)


def api_url(name, params, world):
    return reverse(name, kwargs={param: API_OBJECTS[basename_of(name)](world) for param in params})


def schema_fields() -> dict[tuple[str, str], set[str]]:
    """(path template, method) -> every writable field of its request body ("participants[].share")."""
    doc = yaml.safe_load((settings.BASE_DIR / "docs" / "openapi.yaml").read_text())
    components = doc["components"]["schemas"]

    def walk(schema, path, out):
        if "$ref" in schema:
            schema = components[schema["$ref"].rsplit("/", 1)[1]]
        for part in schema.get("allOf", []) + schema.get("oneOf", []):
            walk(part, path, out)
        if schema.get("readOnly"):
            return
        if schema.get("type") == "object" or "properties" in schema:
            for name, inner in schema.get("properties", {}).items():
                walk(inner, f"{path}.{name}" if path else name, out)
        elif schema.get("type") == "array":
            walk(schema.get("items", {}), f"{path}[]", out)
        elif path:
            out.add(path)

    fields = {}
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body:
                fields[(path, method)] = set()
                walk(body, "", fields[(path, method)])
    return fields


def expected(route, params, side, role, method) -> frozenset[int]:
    declared = route.methods.get(method, {})
    if side == "b_at_b":
        declared = {**declared, **route.other_tenant.get(method, {})}
    own = frozenset({declared[role]}) if role in declared else REFUSED
    if side == "b_at_a" or (params and side == "b_at_b") or (params and side == "y" and not route.shared):
        return frozenset({404})
    return own


def test_every_api_route_and_method_is_declared(world):
    routes = {name: params for name, params in api_routes()}
    assert sorted(set(routes) - set(API)) == [], "declare how the role harness walks these routes in api_routes.py"
    assert sorted(set(API) - set(routes)) == [], "api_routes.py declares routes that no longer exist"
    for name, params in routes.items():
        _, methods = route_methods(name, params, world)
        assert sorted(API[name].methods) == methods, f"{name}: declare statuses for exactly {methods}"


def test_every_request_field_that_takes_ids_is_declared(world):
    """Every writable field of every request body (the committed schema) is an Id in the route's body or plain."""
    fields = schema_fields()
    problems = []
    for name, params in api_routes():
        url, methods = route_methods(name, params, world)
        template = unquote(reverse(name, kwargs=dict.fromkeys(params, "{id}")))
        declared = set(id_fields(API[name].body))
        for method in methods:
            for field in sorted(fields.get((template, method), set()) - declared):
                if not is_plain(field.rsplit(".", 1)[-1].removesuffix("[]")):
                    problems.append(f"{name} {method}: {field}")
    assert not problems, "declare these fields as Id(kind) in the route's body (api_routes.py) or as plain: " + str(
        problems
    )


def walk_api(world, client, side, role, failures):
    for name, params in api_routes():
        route = API[name]
        url, methods = route_methods(name, params, world)
        for method in methods:
            body = fill(route.body, world, side) if method in ("post", "put", "patch") else None
            before = foreign_rows(world, side, route.body) if body is not None else {}
            response, text = in_savepoint(
                lambda: getattr(client, method)(url, body, format="json")  # noqa: B023
            )
            allowed = expected(route, params, side, role, method)
            failures.check(
                response.status_code in allowed,
                f"{name} {method.upper()} {url}: {response.status_code}, not {set(allowed)} {text[:200]}",
            )
            failures.check(
                response.status_code < 400 or response["Content-Type"] == "application/problem+json",
                f"{name} {method.upper()} {url}: a refusal that is not problem+json",
            )
            leaked = [marker for marker in FORBIDDEN_MARKERS[side] if marker in text]
            failures.check(not leaked, f"{name} {method.upper()} {url}: shows {leaked}")
            after = foreign_rows(world, side, route.body) if body is not None else {}
            failures.check(before == after, f"{name} {method.upper()} {url}: changed another side's object")


@pytest.mark.parametrize(("side", "role"), SESSION_WALKS, ids=[f"{side}-{role}" for side, role in SESSION_WALKS])
def test_signed_in_person_walks_every_api_route_with_x_tenant(world, side, role):
    client = APIClient()
    client.force_login(person(world, side, role).user, backend="django.contrib.auth.backends.ModelBackend")
    client.credentials(HTTP_X_TENANT=world.tenant_b.slug if side == "b_at_b" else world.tenant_a.slug)
    failures = Failures()
    walk_api(world, client, side, role, failures)
    failures.report()


@pytest.mark.parametrize(("side", "role", "organization"), KEY_WALKS, ids=[side for side, _, _ in KEY_WALKS])
def test_api_key_walks_every_api_route(world, side, role, organization):
    tenant = world.tenant_b if side == "b_at_b" else world.tenant_a
    admin = world.admin_b if side == "b_at_b" else world.admin_a
    with tenant_context(tenant):
        _, raw = api_key_create(
            actor=admin,
            name="Harness",
            scopes=ALL_SCOPES,
            partner_organization=getattr(world, organization) if organization else None,
        )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    failures = Failures()
    walk_api(world, client, side, role, failures)
    failures.report()


def test_api_key_is_not_a_session_and_walks_as_before_when_staff_must_use_two_factor(world):
    """Required two-factor is about people signing in; a key of the program keeps working."""
    Tenant.objects.filter(pk=world.tenant_a.pk).update(require_mfa_for_staff=True)
    with tenant_context(world.tenant_a):
        _, raw = api_key_create(actor=world.admin_a, name="Harness", scopes=ALL_SCOPES)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    failures = Failures()
    walk_api(world, client, "a", Role.TENANT_ADMIN, failures)
    failures.report()


@pytest.mark.parametrize("role", sorted(STAFF))
def test_required_two_factor_refuses_a_password_only_staff_session_on_every_api_route(world, role):
    """With `require_mfa_for_staff` on, a staff member signed in with a password only gets 403 problem+json
    ("two-factor set-up required") on every API route and method through the session and `X-Tenant`."""
    Tenant.objects.filter(pk=world.tenant_a.pk).update(require_mfa_for_staff=True)
    client = APIClient()
    client.force_login(person(world, "a", role).user, backend="django.contrib.auth.backends.ModelBackend")
    client.credentials(HTTP_X_TENANT=world.tenant_a.slug)
    failures = Failures()
    for name, params in api_routes():
        url, methods = route_methods(name, params, world)
        for method in methods:
            body = fill(API[name].body, world, "a") if method in ("post", "put", "patch") else None
            response, _ = in_savepoint(lambda: getattr(client, method)(url, body, format="json"))  # noqa: B023
            failures.check(
                response.status_code == 403 and response["Content-Type"] == "application/problem+json",
                f"{name} {method.upper()} {url}: {response.status_code}",
            )
    failures.report()
