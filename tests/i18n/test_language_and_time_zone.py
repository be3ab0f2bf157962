"""Which language and time zone a person sees, on pages and in what is sent to them."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import gettext_lazy

from prm import services
from prm.i18n import lazy_format
from prm.models import Invitation, Notification, Tenant, User
from prm.notifications import notify
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.factories import StaffFactory

PORTAL = "/t/acme/portal/"


def choose(membership, *, language="", time_zone=""):
    User.objects.filter(pk=membership.user_id).update(language=language, time_zone=time_zone)


def program_defaults(tenant, *, language="", time_zone=""):
    Tenant.objects.filter(pk=tenant.pk).update(default_language=language, default_time_zone=time_zone)


def test_a_partner_user_who_chose_german_sees_the_portal_in_german(client, tenant, partner_admin):
    choose(partner_admin, language="de")
    login(client, partner_admin)

    response = client.get(PORTAL, HTTP_ACCEPT_LANGUAGE="fr")  # their own choice beats the browser's

    html = response.content.decode()
    assert response["Content-Language"] == "de"
    assert '<html lang="de"' in html
    assert "Ihre Organisation" in html and "Deal-Registrierung" in html and "Abmelden" in html
    assert "Your organization" not in html


def test_the_browser_language_applies_to_a_user_who_chose_none(client, tenant, partner_admin):
    program_defaults(tenant, language="de")
    login(client, partner_admin)

    html = client.get(PORTAL, HTTP_ACCEPT_LANGUAGE="fr-CH, fr;q=0.9, en;q=0.5").content.decode()

    assert "Votre organisation" in html and "Enregistrement d’opportunité" in html


def test_the_program_default_applies_when_the_browser_names_no_language_we_offer(client, tenant, partner_admin):
    program_defaults(tenant, language="de")
    login(client, partner_admin)

    html = client.get(PORTAL, HTTP_ACCEPT_LANGUAGE="ja, zh;q=0.8").content.decode()

    assert "Ihre Organisation" in html


def test_english_when_nobody_chose_anything(client, tenant, partner_admin):
    login(client, partner_admin)

    response = client.get(PORTAL)

    assert response["Content-Language"] == "en" and "Your organization" in response.content.decode()


def test_a_time_is_shown_in_the_users_zone_with_the_zones_name(client, tenant, tenant_admin):
    with tenant_context(tenant):
        invitation, _token = services.invitation_create(actor=tenant_admin, email="new@example.com", role="analyst")
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=datetime(2026, 12, 9, 12, 49, tzinfo=UTC))
    login(client, tenant_admin)

    choose(tenant_admin, time_zone="Europe/Berlin")
    assert "9 Dec 2026, 13:49 CET" in client.get("/t/acme/members/").content.decode()

    choose(tenant_admin, time_zone="")
    program_defaults(tenant, time_zone="America/New_York")
    assert "9 Dec 2026, 07:49 EST" in client.get("/t/acme/members/").content.decode()

    program_defaults(tenant)
    assert "9 Dec 2026, 12:49 UTC" in client.get("/t/acme/members/").content.decode()


def test_dates_and_money_follow_the_language():
    template = Template('{% load prm_format %}{{ when|date:"DATETIME_FORMAT" }} · {{ amount|money:"EUR" }}')
    context = Context({"when": datetime(2026, 12, 9, 12, 49, tzinfo=UTC), "amount": Decimal("25000.5")})
    shown = {}
    for language in ("en", "de", "fr"):
        with translation.override(language):
            shown[language] = template.render(context)
    assert shown["en"] == "9 Dec 2026, 12:49 UTC · 25,000.50 EUR"
    assert shown["de"] == "9. Dezember 2026, 12:49 UTC · 25.000,50 EUR"
    assert shown["fr"].startswith("9 décembre 2026, 12:49 UTC · 25") and shown["fr"].endswith("000,50 EUR")


def test_the_profile_stores_language_and_time_zone_and_refuses_an_unknown_zone(client, tenant, partner_admin):
    login(client, partner_admin)
    names = {"first_name": "Regina", "last_name": "Wise"}

    refused = client.post("/profile/", {**names, "language": "fr", "time_zone": "Mars/Olympus_Mons"})

    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'id="id_time_zone-error"' in html and "is not a time zone" in html
    assert User.objects.get(pk=partner_admin.user_id).time_zone == ""

    saved = client.post("/profile/", {**names, "language": "fr", "time_zone": "Europe/Paris"}, follow=True)

    assert "Votre profil est enregistré." in saved.content.decode()
    user = User.objects.get(pk=partner_admin.user_id)
    assert (user.language, user.time_zone) == ("fr", "Europe/Paris")


def test_tenant_admins_set_the_programs_default_language_and_zone(client, tenant, tenant_admin):
    login(client, tenant_admin)
    form = {"program_name": "Acme", "primary_colour": "#0d6efd", "default_language": "de"}

    refused = client.post("/t/acme/settings/", {**form, "default_time_zone": "Europe/Atlantis"})
    assert refused.status_code == 400 and 'id="id_default_time_zone-error"' in refused.content.decode()

    client.post("/t/acme/settings/", {**form, "default_time_zone": "Europe/Vienna"})
    tenant.refresh_from_db()
    assert (tenant.default_language, tenant.default_time_zone) == ("de", "Europe/Vienna")


def test_the_service_refuses_an_unknown_language_or_zone_naming_the_field(tenant, tenant_admin):
    from prm.errors import ValidationFailed

    with tenant_context(tenant), pytest.raises(ValidationFailed) as refused:
        services.tenant_settings_update(
            actor=tenant_admin, program_name="", primary_colour="#0d6efd", require_mfa_for_staff=False,
            default_language="de", default_time_zone="Nowhere/Special",
        )  # fmt: skip
    assert refused.value.field == "default_time_zone"
    with tenant_context(tenant), pytest.raises(ValidationFailed) as refused:
        services.tenant_settings_update(
            actor=tenant_admin, program_name="", primary_colour="#0d6efd", require_mfa_for_staff=False,
            default_language="xx",
        )  # fmt: skip
    assert refused.value.field == "default_language"


def test_an_invitation_arrives_in_the_programs_language_for_a_newcomer(
    tenant, tenant_admin, django_capture_on_commit_callbacks, mailoutbox
):
    program_defaults(tenant, language="fr", time_zone="Europe/Paris")
    tenant.refresh_from_db()
    with tenant_context(tenant), django_capture_on_commit_callbacks(execute=True):
        invitation, _token = services.invitation_create(actor=tenant_admin, email="neu@example.com", role="analyst")

    [mail] = mailoutbox
    assert mail.subject == f"Vous êtes invité à rejoindre {tenant.display_name}"
    assert "vous invite à rejoindre" in mail.body and "Analyste (lecture seule)" in mail.body
    assert "CET" in mail.body or "CEST" in mail.body  # the expiry, in the program's zone


def test_an_invitation_arrives_in_the_language_an_existing_user_chose(
    tenant, other_tenant, tenant_admin, django_capture_on_commit_callbacks, mailoutbox
):
    program_defaults(tenant, language="fr")
    elsewhere = StaffFactory(tenant=other_tenant)
    choose(elsewhere, language="de", time_zone="Europe/Berlin")
    with tenant_context(tenant), django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(actor=tenant_admin, email=elsewhere.user.email, role=Role.ANALYST)

    [mail] = mailoutbox
    assert mail.subject.startswith("Sie sind zu ") and "hat Sie eingeladen" in mail.body


def test_a_notification_is_written_and_emailed_in_each_readers_language(
    tenant, tenant_admin, django_capture_on_commit_callbacks, mailoutbox
):
    german, french = StaffFactory(tenant=tenant), StaffFactory(tenant=tenant)
    choose(german, language="de")
    choose(french, language="fr")
    title = lazy_format(gettext_lazy("API key “%(name)s” created"), name="CRM")
    with tenant_context(tenant), django_capture_on_commit_callbacks(execute=True):
        readers = User.objects.filter(pk__in=[german.user_id, french.user_id])
        notify(users=readers, kind="api_key.created", title=title, url="/t/acme/settings/")

    with tenant_context(tenant):
        titles = dict(Notification.objects.values_list("user_id", "title"))
    assert titles == {german.user_id: "API-Schlüssel „CRM“ erstellt", french.user_id: "Clé API « CRM » créée"}
    mails = {mail.to[0]: mail for mail in mailoutbox}
    assert "API-Schlüssel „CRM“ erstellt" in mails[german.user.email].subject
    assert "Öffnen:" in mails[german.user.email].body
    assert "L’ouvrir :" in mails[french.user.email].body


def test_the_api_answers_problem_titles_in_the_callers_language_but_keeps_the_type(client):
    response = client.get("/api/v1/partners/", HTTP_ACCEPT_LANGUAGE="de")

    body = response.json()
    assert response.status_code == 401
    assert body["title"] == "Nicht angemeldet" and body["type"].endswith("/not-authenticated")


def test_a_lazy_text_keeps_its_parameters_until_it_is_read():
    text = lazy_format(gettext_lazy("Welcome to %(program)s."), program="Acme")
    with translation.override("de"):
        assert str(text) == "Willkommen bei Acme."
    assert str(text) == "Welcome to Acme."


def test_a_visitor_without_an_account_switches_the_sign_in_page_to_french(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'data-testid="language-picker"' in page and "Français" in page and "Deutsch" in page

    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/accounts/login/"})
    assert response.status_code == 302

    assert "Se connecter" in client.get("/accounts/login/").content.decode()
