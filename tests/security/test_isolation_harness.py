"""The isolation harness: every route of the project, walked from the URL resolver, as the wrong people.

Tenant routes (`/t/<slug>/…`) are resolved with objects of tenant A owned by partner organization X. Here they are
requested anonymously (a redirect to the login page) and public ones under tenant B's address; every role of every
side (X's, Y's, tenant B's) walks them in test_role_harness.py.

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
    # A certificate's public verification page (an unguessable code), and what verifiers and wallets fetch: the
    # issuer's did:web document and keys, and the revocation status list.
    "certification_verify",
    "credential_issuer_did",
    "credential_jwks",
    "credential_status_list",
    # A SCORM package's files: reached with a signed, short-lived content token in the path, never a session (on
    # CONTENT_ORIGIN there is none).
    "scorm_content",
    # The program's front page for visitors who are not signed in (sign in, apply), and its logo.
    "tenant_home",
    "tenant_logo",
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
