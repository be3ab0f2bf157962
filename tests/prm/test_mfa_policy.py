"""A program that requires two-factor authentication holds to it on every way in that uses the session: its pages
send a member without TOTP to set it up, and the API (session + `X-Tenant`) refuses every method with a 403
problem until they have. Staff are covered by `require_mfa_for_staff`; partner users by `require_mfa_for_partners`
(partner admins only, or every partner user)."""

import pytest
from allauth.mfa.models import Authenticator
from rest_framework.test import APIClient

from prm.errors import ValidationFailed
from prm.models import Event, Tenant
from prm.roles import Role
from prm.services import tenant_settings_update
from prm.tenancy import tenant_context
from tests.api.conftest import key_client, problem_of
from tests.conftest import login
from tests.factories import PartnerUserFactory, StaffFactory

pytestmark = pytest.mark.django_db

MFA_REQUIRED = "two-factor set-up required"


def require(tenant, **policy):
    Tenant.objects.filter(pk=tenant.pk).update(**policy)


def enrol(membership):
    Authenticator.objects.create(user=membership.user, type=Authenticator.Type.TOTP, data={"secret": "x"})


def api_session(membership):
    return login(APIClient(), membership)


def every_method(client, tenant, partner_org):
    """One request of each method the API takes, through the session with `X-Tenant`."""
    detail = f"/api/v1/partners/{partner_org.pk}/"
    headers = {"HTTP_X_TENANT": tenant.slug}
    return {
        "GET": client.get("/api/v1/partners/", **headers),
        "HEAD": client.head("/api/v1/partners/", **headers),
        "OPTIONS": client.options("/api/v1/partners/", **headers),
        "POST": client.post("/api/v1/partners/", {"name": "Contoso"}, format="json", **headers),
        "PUT": client.put(detail, {"name": "Contoso"}, format="json", **headers),
        "PATCH": client.patch(detail, {"name": "Contoso"}, format="json", **headers),
        "DELETE": client.delete(detail, **headers),
    }


def assert_mfa_refused(response):
    if response.request["REQUEST_METHOD"] == "HEAD":
        assert response.status_code == 403
        return
    body = problem_of(response, 403)
    assert MFA_REQUIRED in body["detail"].lower()
    assert body["type"].endswith("/mfa-setup-required")


def test_staff_without_totp_is_refused_by_every_api_method_when_the_program_requires_it(
    tenant, tenant_admin, partner_org
):
    require(tenant, require_mfa_for_staff=True)

    responses = every_method(api_session(tenant_admin), tenant, partner_org)

    for method, response in responses.items():
        assert response.status_code == 403, method
        assert_mfa_refused(response)
    assert partner_org.__class__.unscoped.filter(name="Contoso").count() == 0


def test_staff_with_totp_uses_the_api_when_the_program_requires_it(tenant, tenant_admin, partner_org):
    require(tenant, require_mfa_for_staff=True)
    enrol(tenant_admin)

    response = api_session(tenant_admin).get("/api/v1/partners/", HTTP_X_TENANT=tenant.slug)

    assert response.status_code == 200
    assert [p["id"] for p in response.json()["results"]] == [partner_org.pk]


def test_staff_without_totp_still_uses_the_api_of_a_program_that_does_not_require_it(tenant, tenant_admin):
    response = api_session(tenant_admin).get("/api/v1/partners/", HTTP_X_TENANT=tenant.slug)
    assert response.status_code == 200


def test_api_keys_are_not_asked_for_two_factor(tenant, admin_key):
    require(tenant, require_mfa_for_staff=True, require_mfa_for_partners=Tenant.PartnerMfa.ALL)
    assert key_client(admin_key[1]).get("/api/v1/partners/").status_code == 200


@pytest.mark.parametrize(
    ("policy", "role", "refused"),
    [
        (Tenant.PartnerMfa.NONE, Role.PARTNER_ADMIN, False),
        (Tenant.PartnerMfa.ADMINS, Role.PARTNER_ADMIN, True),
        (Tenant.PartnerMfa.ADMINS, Role.PARTNER_SALES, False),
        (Tenant.PartnerMfa.ALL, Role.PARTNER_SALES, True),
        (Tenant.PartnerMfa.ALL, Role.PARTNER_MARKETING, True),
    ],
)
def test_program_requires_two_factor_of_partner_admins_or_every_partner_user(
    client, tenant, partner_org, policy, role, refused
):
    require(tenant, require_mfa_for_partners=policy)
    partner = PartnerUserFactory(tenant=tenant, partner_organization=partner_org, role=role)

    page = login(client, partner).get(f"/t/{tenant.slug}/portal/")
    api = api_session(partner).get("/api/v1/partners/", HTTP_X_TENANT=tenant.slug)

    if refused:
        assert page.status_code == 302
        assert page["Location"].startswith("/accounts/2fa/totp/activate/")
        assert_mfa_refused(api)
    else:
        assert (page.status_code, api.status_code) == (200, 200)


def test_partner_with_totp_passes_when_every_partner_user_must_have_it(client, tenant, partner_admin, partner_org):
    require(tenant, require_mfa_for_partners=Tenant.PartnerMfa.ALL)
    enrol(partner_admin)

    assert login(client, partner_admin).get(f"/t/{tenant.slug}/portal/").status_code == 200
    api = api_session(partner_admin).get("/api/v1/partners/", HTTP_X_TENANT=tenant.slug)
    assert [p["id"] for p in api.json()["results"]] == [partner_org.pk]


def test_requiring_it_of_partners_does_not_require_it_of_staff(client, tenant, tenant_admin):
    require(tenant, require_mfa_for_partners=Tenant.PartnerMfa.ALL)
    assert login(client, tenant_admin).get(f"/t/{tenant.slug}/console/").status_code == 200


def test_public_pages_of_the_program_also_send_its_members_to_enrol(client, tenant, tenant_admin):
    require(tenant, require_mfa_for_staff=True)
    response = login(client, tenant_admin).get(f"/t/{tenant.slug}/rules/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")


def test_tenant_admin_requires_two_factor_of_partners_on_the_settings_page(client, tenant, tenant_admin, partner_admin):
    enrol(tenant_admin)
    login(client, tenant_admin)
    page = client.get(f"/t/{tenant.slug}/settings/").content.decode()
    assert 'name="require_mfa_for_partners"' in page

    response = client.post(
        f"/t/{tenant.slug}/settings/",
        {"program_name": "Acme", "primary_colour": "#aa3300", "require_mfa_for_partners": "admins"},
        follow=True,
    )

    assert response.status_code == 200
    assert Tenant.objects.get(pk=tenant.pk).require_mfa_for_partners == Tenant.PartnerMfa.ADMINS
    history = response.content.decode().split('id="history-heading"', 1)[1]
    assert "Two-factor sign-in required for</span>: No partner user → Partner admins" in history
    visit = login(client, partner_admin).get(f"/t/{tenant.slug}/portal/")
    assert visit["Location"].startswith("/accounts/2fa/totp/activate/")


def test_an_unknown_partner_policy_is_refused_by_the_service(tenant, tenant_admin):
    with tenant_context(tenant), pytest.raises(ValidationFailed) as refused:
        tenant_settings_update(
            actor=tenant_admin,
            program_name="Acme",
            primary_colour="#aa3300",
            require_mfa_for_staff=False,
            require_mfa_for_partners="sometimes",
        )
    assert refused.value.field == "require_mfa_for_partners"
    assert Tenant.objects.get(pk=tenant.pk).require_mfa_for_partners == Tenant.PartnerMfa.NONE


def test_partner_mfa_policy_change_is_in_the_settings_event(tenant, tenant_admin):
    with tenant_context(tenant):
        tenant_settings_update(
            actor=tenant_admin,
            program_name="Acme",
            primary_colour="#aa3300",
            require_mfa_for_staff=False,
            require_mfa_for_partners=Tenant.PartnerMfa.ALL,
        )
        event = Event.objects.filter(type="tenant.settings_updated").latest("pk")
    assert event.payload["require_mfa_for_partners"] == "all"
    assert "require_mfa_for_partners" in event.payload["changed"]


def test_staff_of_another_role_are_also_refused(tenant, partner_org):
    require(tenant, require_mfa_for_staff=True)
    analyst = StaffFactory(tenant=tenant, role=Role.ANALYST)
    assert_mfa_refused(api_session(analyst).get("/api/v1/partners/", HTTP_X_TENANT=tenant.slug))
