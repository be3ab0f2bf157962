"""The isolation harness: every route of the project, walked from the URL resolver, as the wrong people.

Tenant routes (`/t/<slug>/…`) are resolved with objects of tenant A owned by partner organization X, then
requested as (1) a tenant admin of tenant B, (2) tenant B's admin on tenant B's address with A's object ids,
(3) a partner admin of another organization Y in tenant A, and (4) an anonymous visitor. Every one must get
404 (or a redirect to the login page for the anonymous visitor), and no response may show A's or X's data.

A route added later is covered with no edit here, as long as its URL parameters are known to OBJECT_KWARGS
(tests/security/conftest.py);
a route with an unknown parameter, or a non-tenant route that neither asks anonymous visitors to log in nor is
listed in PUBLIC_ROUTES, fails the harness. Domain apps register their parameters in OBJECT_KWARGS.
"""

import pytest
from django.urls import URLResolver, get_resolver, reverse

from tests.security.conftest import OBJECT_KWARGS, SECRET_MARKERS, TENANT_A_MARKERS

pytestmark = pytest.mark.django_db

# Routes anyone may open: login and account recovery, the health check, and the invitation link (a bearer
# token, refused under any other tenant's address: see test_public_tenant_routes_refuse_other_tenants_objects).
PUBLIC_ROUTES = {
    "healthz",
    "account_login",
    "account_logout",
    "account_signup",
    "account_inactive",
    "account_email_verification_sent",
    "account_confirm_email",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_confirm_login_code",
    "mfa_authenticate",
    # The language switcher of visitors without an account (a cookie, nothing of any program).
    "set_language",
    "invitation_accept",
    # The program's public application page, its logo and the emailed confirmation link (a bearer token).
    "apply",
    "apply_logo",
    "apply_confirm",
    # The program's public rules of engagement for deal registration.
    "program_rules",
}


def all_routes(patterns=None, params=(), namespace=""):
    """(name, URL parameter names) of every route in the project; names carry their namespace ("api:…")."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        names = params + tuple(pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from all_routes(pattern.url_patterns, names, inner)
        else:
            yield (f"{namespace}{pattern.name}" if pattern.name else None), names


def tenant_routes():
    return sorted({(name, params) for name, params in all_routes() if "tenant_slug" in params})


def is_api_route(name) -> bool:
    return bool(name) and name.startswith("api:")


def route_url(name, params, world, slug):
    unknown = [p for p in params if p != "tenant_slug" and p not in OBJECT_KWARGS]
    assert name, f"unnamed route with parameters {params}: name it so the harness can cover it"
    assert not unknown, f"route {name!r}: add {unknown} to OBJECT_KWARGS in the isolation harness"
    kwargs = {p: OBJECT_KWARGS[p](world) for p in params if p != "tenant_slug"}
    return reverse(name, kwargs={"tenant_slug": slug, **kwargs})


def assert_not_found(response, name, url, method):
    """404 — or 405 when the route does not take this method at all (it looks nothing up, so reveals nothing)."""
    if response.status_code == 405:
        assert method.upper() not in response["Allow"], (name, url, method)
        return
    assert response.status_code == 404, (name, url, method, response.status_code)


def assert_no_leak(response, who, url, markers=SECRET_MARKERS):
    body = response.content.decode(errors="replace")
    leaked = [marker for marker in markers if marker in body]
    assert not leaked, f"{who} saw {leaked} at {url}"


def as_user(client, membership):
    client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_harness_knows_every_route():
    names = [name for name, _ in all_routes()]
    assert len(names) == len(set(names)), "route names must be unique for the harness"
    assert len(tenant_routes()) >= 10


@pytest.mark.parametrize("method", ["get", "post"])
def test_user_of_another_tenant_gets_404_on_every_tenant_route(client, world, method):
    as_user(client, world.admin_b)
    for name, params in tenant_routes():
        url = route_url(name, params, world, world.tenant_a.slug)
        response = getattr(client, method)(url)
        if name in PUBLIC_ROUTES:
            # A bearer link (the invitation) shows its holder what it offers; it must still not crash.
            assert response.status_code < 500, (name, url, response.status_code)
            continue
        assert_not_found(response, name, url, method)
        assert_no_leak(response, "tenant B's admin", url, SECRET_MARKERS + TENANT_A_MARKERS)


@pytest.mark.parametrize("method", ["get", "post"])
def test_other_tenants_object_ids_under_own_address_get_404(client, world, method):
    as_user(client, world.admin_b)
    for name, params in tenant_routes():
        if params == ("tenant_slug",):
            continue
        url = route_url(name, params, world, world.tenant_b.slug)
        response = getattr(client, method)(url)
        assert_not_found(response, name, url, method)
        assert_no_leak(response, "tenant B's admin", url, SECRET_MARKERS + TENANT_A_MARKERS)


@pytest.mark.parametrize("method", ["get", "post"])
def test_partner_of_another_organization_gets_404_or_sees_nothing_of_it(client, world, method):
    as_user(client, world.partner_y)
    for name, params in tenant_routes():
        if name in PUBLIC_ROUTES:
            continue
        url = route_url(name, params, world, world.tenant_a.slug)
        response = getattr(client, method)(url)
        if params != ("tenant_slug",):
            # The route names an object of organization X (or a staff-only object): it must not exist for Y.
            assert_not_found(response, name, url, method)
        assert response.status_code < 500, (name, url, response.status_code)
        assert_no_leak(response, "a partner of organization Y", url)


def test_public_tenant_routes_refuse_other_tenants_objects(client, world):
    for name, params in tenant_routes():
        if name in PUBLIC_ROUTES and params != ("tenant_slug",):
            url = route_url(name, params, world, world.tenant_b.slug)
            response = client.get(url)
            assert response.status_code == 404, (name, url, response.status_code)
            assert_no_leak(response, "a visitor at tenant B's address", url, SECRET_MARKERS + TENANT_A_MARKERS)


def test_anonymous_visitor_is_sent_to_login_on_every_private_route(client, world):
    login_url = reverse("account_login")
    for name, params in sorted(set(all_routes()), key=lambda route: (route[0] or "", route[1])):
        if name in PUBLIC_ROUTES or is_api_route(name):
            continue  # API routes answer 401 instead: tests/security/test_api_isolation.py
        if "tenant_slug" in params:
            url = route_url(name, params, world, world.tenant_a.slug)
        else:
            assert params == (), f"non-tenant route {name!r} with parameters must be listed in PUBLIC_ROUTES"
            url = reverse(name)
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(login_url), (name, url, response.status_code)
        assert_no_leak(response, "an anonymous visitor", url, SECRET_MARKERS + TENANT_A_MARKERS)


def test_unknown_tenant_slug_gets_a_clear_404(client, world):
    as_user(client, world.admin_a)
    response = client.get("/t/no-such-program/console/")
    assert response.status_code == 404
    assert b"There is no partner program at this address." in response.content


def test_user_of_tenant_a_typing_tenant_b_address_gets_404_page(client, world):
    as_user(client, world.admin_a)
    response = client.get(f"/t/{world.tenant_b.slug}/console/")
    assert response.status_code == 404
    assert b"There is no partner program at this address." in response.content
    assert b"Beta Vendor" not in response.content


def test_public_application_page_of_tenant_b_shows_nothing_of_tenant_a(client, world):
    """Tenant B's public page carries B's branding only; A's confirmation link is unknown there, and the
    application it confirms stays unconfirmed."""
    from partners.models import ApplicationStatus, PartnerApplication
    from prm.tenancy import tenant_context

    for who in (None, world.admin_a, world.member_x):
        if who is not None:
            as_user(client, who)
        response = client.get(reverse("apply", args=[world.tenant_b.slug]))
        assert response.status_code == 200
        assert b"Beta Vendor" in response.content
        assert_no_leak(response, "a visitor of tenant B's application page", "apply", SECRET_MARKERS + TENANT_A_MARKERS)
        for method in ("get", "post"):
            url = reverse("apply_confirm", args=[world.tenant_b.slug, world.confirmation_token])
            response = getattr(client, method)(url)
            assert response.status_code == 404, (method, response.status_code)
            assert_no_leak(response, "tenant A's token under tenant B", url, SECRET_MARKERS + TENANT_A_MARKERS)
        client.logout()
    with tenant_context(world.tenant_a):
        pending = PartnerApplication.objects.get(company_name="Xylophone Secure Pending")
        assert pending.status == ApplicationStatus.PENDING_CONFIRMATION
