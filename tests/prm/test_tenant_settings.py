"""Program settings: branding and MFA policy, their history, and the private logo."""

import pytest
from allauth.mfa.models import Authenticator
from django.core.files.uploadedfile import SimpleUploadedFile

from prm.models import Tenant
from prm.roles import Role
from tests.conftest import login
from tests.factories import PartnerUserFactory
from tests.prm.helpers import TINY_JPEG, tiny_png

URL = "/t/acme/settings/"


def settings_form(**changes):
    return {"program_name": "Acme Partner Network", "primary_colour": "#aa3300", **changes}


def saved(tenant):
    return Tenant.objects.get(pk=tenant.pk)


def test_tenant_admin_renames_the_program_and_recolours_the_navbar(client, tenant, tenant_admin):
    login(client, tenant_admin)

    response = client.post(URL, settings_form(), follow=True)

    assert response.redirect_chain == [(URL, 302)]
    html = response.content.decode()
    assert "Program settings saved." in html
    assert "<span>Acme Partner Network</span>" in html
    assert "--prm-brand: #aa3300;" in html
    assert (saved(tenant).program_name, saved(tenant).primary_colour) == ("Acme Partner Network", "#aa3300")


def test_settings_changes_are_listed_in_the_history_with_who_made_them(client, tenant, tenant_admin):
    login(client, tenant_admin)
    before = saved(tenant).program_name

    response = client.post(URL, settings_form(primary_colour="#AA3300"), follow=True)

    history = response.content.decode().split('id="history-heading"', 1)[1]
    assert f"<td>{tenant_admin.user}</td>" in history
    assert f"Program name</span>: {before} → Acme Partner Network" in history
    assert "Primary colour</span>: #0d6efd → #aa3300" in history


@pytest.mark.parametrize(
    ("colour", "text"),
    [
        ("red", "Enter a colour as #RRGGBB"),
        ("#12345g", "Enter a colour as #RRGGBB"),
        ("", "required"),
        ("#000;} body{display:none", "at most 7 characters"),
    ],
)
def test_invalid_colour_is_refused_on_its_field_and_nothing_is_saved(client, tenant, tenant_admin, colour, text):
    login(client, tenant_admin)
    before = saved(tenant)

    response = client.post(URL, settings_form(primary_colour=colour))

    assert response.status_code == 400
    html = response.content.decode()
    error = html.split('id="id_primary_colour-error">', 1)[1].split("</div>", 1)[0]
    assert text in error
    after = saved(tenant)
    assert (after.program_name, after.primary_colour) == (before.program_name, before.primary_colour)
    # The page is drawn with the saved branding, not the refused input.
    assert f"--prm-brand: {before.primary_colour};" in html
    assert f"<span>{before.display_name}</span>" in html


def test_requiring_mfa_sends_staff_without_it_to_enrol_but_not_partners(client, tenant, tenant_admin, partner_admin):
    login(client, tenant_admin)

    client.post(URL, settings_form(require_mfa_for_staff="on"))

    assert saved(tenant).require_mfa_for_staff is True
    staff_visit = client.get("/t/acme/console/")
    assert staff_visit.status_code == 302
    assert staff_visit["Location"].startswith("/accounts/2fa/totp/activate")
    login(client, partner_admin)
    assert client.get("/t/acme/portal/").status_code == 200


def upload(name, content, content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("name", "content", "served_as"),
    [("logo.png", tiny_png(), "image/png"), ("logo.JPEG", TINY_JPEG, "image/jpeg")],
    ids=["png", "jpeg"],
)
def test_logo_upload_is_accepted_and_served_as_public_branding(
    client, tenant, tenant_admin, partner_admin, other_tenant, name, content, served_as
):
    login(client, tenant_admin)

    response = client.post(URL, settings_form(logo=upload(name, content)))

    assert response.status_code == 302
    stored = saved(tenant).logo.name
    assert stored.startswith("branding/acme/logo-")
    assert name not in stored  # the server names stored files
    # A partner user of the program sees it …
    login(client, partner_admin)
    served = client.get("/t/acme/branding/logo/")
    assert served.status_code == 200
    assert served["Content-Type"] == served_as
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == content
    # … and so does a visitor of the program's front page (branding, like the application page's logo).
    client.logout()
    anonymous = client.get("/t/acme/branding/logo/")
    assert anonymous.status_code == 200 and b"".join(anonymous.streaming_content) == content
    assert "/t/acme/branding/logo/" in client.get("/t/acme/").content.decode()


@pytest.mark.parametrize(
    ("name", "content", "text"),
    [
        ("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "PNG or JPEG"),
        ("logo.png", TINY_JPEG, "PNG or JPEG"),
        ("logo.gif", b"GIF89a" + b"\x00" * 20, "PNG or JPEG"),
        ("logo.png", tiny_png() + b"\x00" * (512 * 1024), "larger than 512 KB"),
    ],
    ids=["svg-named-png", "jpeg-named-png", "gif", "too-large"],
)
def test_bad_logo_is_refused_naming_the_logo_field_and_nothing_is_saved(
    client, tenant, tenant_admin, private_media, name, content, text
):
    login(client, tenant_admin)

    response = client.post(URL, settings_form(logo=upload(name, content)))

    assert response.status_code == 400
    error = response.content.decode().split('id="id_logo-error">', 1)[1].split("</div>", 1)[0]
    assert text in error
    after = saved(tenant)
    assert after.logo.name == ""
    assert after.program_name != "Acme Partner Network"
    assert not private_media.exists() or not any(private_media.rglob("*.*"))


def test_logo_can_be_removed(client, tenant, tenant_admin):
    login(client, tenant_admin)
    client.post(URL, settings_form(logo=upload("logo.png", tiny_png())))

    client.post(URL, settings_form(remove_logo="on"))

    assert saved(tenant).logo.name == ""
    assert client.get("/t/acme/branding/logo/").status_code == 404


@pytest.mark.parametrize("role", [Role.CHANNEL_MANAGER, Role.ANALYST, Role.PARTNER_ADMIN])
def test_only_tenant_admins_change_settings(client, tenant, member, role):
    login(client, member(role))
    before = saved(tenant)

    response = client.post(URL, settings_form(logo=upload("logo.png", tiny_png())))

    assert response.status_code == 404
    after = saved(tenant)
    assert (after.program_name, after.primary_colour, after.logo.name) == (before.program_name, "#0d6efd", "")


def test_partner_user_sees_the_logo_of_their_program_in_the_navbar(client, tenant, tenant_admin, partner_org):
    login(client, tenant_admin)
    client.post(URL, settings_form(logo=upload("logo.png", tiny_png())))
    login(client, PartnerUserFactory(tenant=tenant, partner_organization=partner_org, role=Role.PARTNER_SALES))

    html = client.get("/t/acme/portal/").content.decode()

    assert 'src="/t/acme/branding/logo/"' in html


def test_mfa_policy_change_is_in_the_history(client, tenant, tenant_admin):
    Authenticator.objects.create(user=tenant_admin.user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    login(client, tenant_admin)

    response = client.post(URL, settings_form(require_mfa_for_staff="on"), follow=True)

    assert response.status_code == 200  # enrolled in two-factor: the admin stays on the page
    history = response.content.decode().split('id="history-heading"', 1)[1]
    assert "Two-factor sign-in required for staff</span>: No → Yes" in history
    assert f"<td>{tenant_admin.user}</td>" in history
