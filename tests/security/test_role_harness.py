"""The role harness: every page route × every role × {own organization, another organization, another tenant}.

Each route is walked as the people of every side (tests/security/walk.py) with GET and POST. Every POST carries
the other side's object ids in each body field that takes ids (declared per route in tests/security/pages.py),
and the walk asserts the declared status — the success status where the role may, 404 or 403 where the policy
refuses it, 404 for another organization's and another tenant's objects — that no response shows the other side's
data, and that the other side's objects named in the body are left as they were.

A route or a role without a declaration fails the harness, and so does a page that reads a body field that is
neither declared as taking ids nor listed as a plain field (PLAIN_FIELDS).
"""

import pytest
from django.urls import reverse

from tests.security.conftest import OBJECT_KWARGS
from tests.security.pages import PAGES, is_plain
from tests.security.test_isolation_harness import tenant_routes
from tests.security.walk import (
    EVERYONE,
    FORBIDDEN_MARKERS,
    READ_FIELDS,
    REFUSED,
    SIDES,
    STAFF,
    Failures,
    fill,
    foreign_rows,
    id_fields,
    in_savepoint,
    person,
    record_body_fields,
)

pytestmark = pytest.mark.django_db

WALKS = [(side, role) for side, roles in SIDES.items() for role in sorted(roles)]


def page_url(world, name, params, slug):
    objects = {**OBJECT_KWARGS, **PAGES[name].kwargs}
    kwargs = {p: objects[p](world) for p in params if p != "tenant_slug"}
    return reverse(name, kwargs={"tenant_slug": slug, **kwargs})


def expected(page, params, side, role, method) -> frozenset[int]:
    """The statuses a role of a side may get for a method of a page."""
    declared = getattr(page, method)
    own = frozenset({declared[role]}) if role in declared else REFUSED
    if page.public:
        return frozenset(page.visitor[method]) if side.startswith("b") else own
    names_objects = params != ("tenant_slug",)
    if side == "b_at_a" or (side == "b_at_b" and names_objects) or (side == "y" and names_objects and not page.shared):
        # Another tenant's address, or an object of another organization or tenant: it does not exist for them.
        return frozenset({404})
    return own


def test_every_route_is_declared():
    routes = {name for name, _ in tenant_routes()}
    assert sorted(routes - set(PAGES)) == [], "declare how the role harness walks these routes in pages.py"
    assert sorted(set(PAGES) - routes) == [], "pages.py declares routes that no longer exist"


def test_every_role_is_walked():
    from prm.roles import PARTNER_ROLES, STAFF_ROLES, Role

    assert set(Role) == EVERYONE, "declare the new role in tests/security/walk.py and what it may open in pages.py"
    assert STAFF_ROLES == SIDES["a"] and PARTNER_ROLES == SIDES["x"]


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(("side", "role"), WALKS, ids=[f"{side}-{role}" for side, role in WALKS])
def test_role_walks_every_page(client, world, monkeypatch, side, role, method):
    record_body_fields(monkeypatch)
    client.force_login(person(world, side, role).user, backend="django.contrib.auth.backends.ModelBackend")
    slug = world.tenant_b.slug if side == "b_at_b" else world.tenant_a.slug
    failures = Failures()
    for name, params in tenant_routes():
        page = PAGES[name]
        if side == "b_at_b" and page.public and params != ("tenant_slug",):
            # A bearer link of tenant A under B's address: test_public_tenant_routes_refuse_other_tenants_objects.
            continue
        url = page_url(world, name, params, slug)
        body = fill(page.body, world, side) if method == "post" else fill(page.query, world, side)
        before = foreign_rows(world, side, page.body) if method == "post" else {}
        READ_FIELDS.clear()
        response, text = in_savepoint(lambda: getattr(client, method)(url, body))  # noqa: B023
        allowed = expected(page, params, side, role, method)
        # A route that does not take the method answers 405 before looking anything up: as good as a refusal.
        not_taken = response.status_code == 405 and method.upper() not in response.get("Allow", "")
        failures.check(
            response.status_code in allowed or (not_taken and allowed <= REFUSED),
            f"{name} {method} {url}: {response.status_code}, not {set(allowed)}",
        )
        # A public page at A's address shows A's program, and a bearer link what it offers, to anyone.
        markers = [] if page.public and side in ("y", "b_at_a") else FORBIDDEN_MARKERS[side]
        leaked = [marker for marker in markers if marker in text]
        failures.check(not leaked, f"{name} {method} {url}: shows {leaked}")
        after = foreign_rows(world, side, page.body) if method == "post" else {}
        failures.check(before == after, f"{name} {method} {url}: changed another side's object")
        # A list in a page's body is a repeated field ("registrations[]" is sent as "registrations").
        declared = {path.removesuffix("[]") for path in id_fields(page.body)}
        undeclared = {f for f in READ_FIELDS if not is_plain(f)} - declared
        failures.check(
            method != "post" or not undeclared,
            f"{name} reads body fields {sorted(undeclared)}: declare the ones taking ids as Id(kind) in its body "
            "(pages.py), the others in PLAIN_FIELDS",
        )
    failures.report()


@pytest.mark.parametrize("role", sorted(STAFF))
def test_required_two_factor_sends_a_password_only_staff_member_to_set_it_up_from_every_page(client, world, role):
    from prm.models import Tenant

    Tenant.objects.filter(pk=world.tenant_a.pk).update(require_mfa_for_staff=True)
    client.force_login(person(world, "a", role).user, backend="django.contrib.auth.backends.ModelBackend")
    set_up = reverse("mfa_activate_totp")
    failures = Failures()
    for name, params in tenant_routes():
        url = page_url(world, name, params, world.tenant_a.slug)
        response, _ = in_savepoint(lambda: client.get(url))  # noqa: B023
        failures.check(
            response.status_code == 302 and response.url.startswith(set_up), f"{name} {url}: {response.status_code}"
        )
    failures.report()
