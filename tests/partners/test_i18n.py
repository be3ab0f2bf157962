"""Partners speak the reader's language: form errors naming the field, page messages, the onboarding checklist,
notifications (each partner admin in their own), and the emails to an applicant (in the language they applied in).
Text written once for everyone (the default onboarding plan) follows the program's default language."""

import re
from datetime import date
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse

from partners.models import PartnerApplication, PartnerStatus
from prm.models import Notification, User
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.factories import PartnerUserFactory, make_agreement
from tests.partners.onboarding_support import start
from tests.partners.test_views_recruitment_apply import form as application_form

pytestmark = pytest.mark.django_db

PROFILE = "/t/acme/portal/profile/"


def choose(membership, language):
    User.objects.filter(pk=membership.user_id).update(language=language)


def field_error(html, field):
    match = re.search(rf'id="id_{field}-error">([^<]*)<', html)
    assert match, f"no error beside {field}"
    return unescape(match.group(1))


def test_a_german_partner_admin_is_told_in_german_which_profile_field_is_wrong(client, tenant, partner_admin):
    choose(partner_admin, "de")
    login(client, partner_admin)

    refused = client.post(PROFILE, {"country": "D1", "regions": ["EMEA"]})

    html = refused.content.decode()
    assert refused.status_code == 400
    assert field_error(html, "country") == "Bitte eine gültige Auswahl treffen. D1 ist keine gültige Auswahl."
    assert ">Land<" in html and "Vertriebsregionen" in html and '<option value="DE">Deutschland</option>' in html

    saved = client.post(PROFILE, {"country": "DE", "regions": ["EMEA"]}, follow=True)

    assert "Das Profil von Northwind Secure ist gespeichert." in saved.content.decode()


def test_a_german_partner_admin_follows_the_onboarding_checklist_in_german(client, tenant, partner_org, partner_admin):
    tenant.default_language = "de"  # the program's language: its default plan is written in German
    tenant.save(update_fields=["default_language"])
    with tenant_context(tenant):
        partner_org.status = PartnerStatus.ONBOARDING
        partner_org.save(update_fields=["status"])
    start(tenant, partner_org)
    choose(partner_admin, "de")
    login(client, partner_admin)

    page = client.get("/t/acme/portal/onboarding/").content.decode()

    assert "Vervollständigen Sie Ihr Unternehmensprofil" in page and "Laden Sie Ihre Kollegen ein" in page
    assert 'href="/t/acme/portal/profile/">Profil bearbeiten' in page
    assert "Es fehlen noch: Firmenname, Website" in page
    assert "Complete your company profile" not in page


def test_each_partner_admin_is_asked_to_accept_an_agreement_in_their_own_language(tenant, tenant_admin, partner_admin):
    french = PartnerUserFactory(tenant=tenant)
    choose(partner_admin, "de")
    choose(french, "fr")

    make_agreement(tenant, actor=tenant_admin, reaccept_by=date(2099, 4, 9))

    with tenant_context(tenant):
        titles = dict(Notification.objects.filter(kind="agreement.acceptance_requested").values_list("user", "title"))
    assert titles[partner_admin.user_id] == "Bitte akzeptieren Sie Partner program agreement v1 bis zum 9. April 2099"
    assert titles[french.user_id] == "Veuillez accepter Partner program agreement v1 avant le 9 avril 2099"


def test_an_applicant_on_the_french_page_is_emailed_in_french(client, tenant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("apply", args=[tenant.slug]), application_form(), HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 200
    with tenant_context(tenant):
        assert PartnerApplication.objects.get().language == "fr"
    [email] = mail.outbox
    assert email.subject == f"Confirmez votre candidature à {tenant.display_name}"
