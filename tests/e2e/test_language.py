"""A partner user switches the portal to German and their time zone on the profile page: labels, the confirmation
and the times of their deals follow (the browser says en-US and UTC, the user's own choice wins); a deal they
register in German is confirmed in German with its review deadline in their zone, and the e-mail its approval
sends them is German although the channel manager who approves works in English."""

import datetime
import re
import zoneinfo

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from dealreg import services
from dealreg.models import DealRegistration
from prm.tenancy import tenant_context

pytestmark = pytest.mark.e2e

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def test_partner_switches_to_german_and_sees_times_in_their_zone(page, sign_in, tenant, partner_admin):
    with tenant_context(tenant):
        deal = services.deal_create(
            actor=partner_admin,
            submit=True,
            customer_name="Initech GmbH",
            customer_website="initech.de",
            amount="48000",
            currency="EUR",
            expected_close_date=timezone.localdate() + datetime.timedelta(days=40),
        )
        submitted = datetime.datetime(2026, 12, 9, 12, 49, tzinfo=datetime.UTC)
        DealRegistration.objects.filter(pk=deal.pk).update(submitted_at=submitted)
    sign_in(page.context, partner_admin.user)

    page.goto("/profile/")
    page.get_by_label("Language").select_option("de")
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("alert")).to_contain_text("Ihr Profil ist gespeichert.")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.goto(f"/t/{tenant.slug}/portal/")
    expect(page.get_by_role("heading", name="Willkommen, Lee")).to_be_visible()
    expect(page.get_by_role("heading", name="Ihre Organisation")).to_be_visible()

    page.goto(f"/t/{tenant.slug}/deals/{deal.pk}/")
    expect(page.get_by_text(re.compile(r"eingereicht 9\. Dezember 2026, 13:49 CET"))).to_be_visible()
    expect(page.get_by_text("48.000,00 EUR").first).to_be_visible()


def test_partner_registers_a_deal_in_german_and_gets_the_approval_email_in_german(
    page, browser, base_url, sign_in, tenant, partner_admin, tenant_admin, mailoutbox
):
    sign_in(page.context, partner_admin.user)
    page.goto("/profile/")
    page.get_by_label("Language").select_option("de")
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Ihr Profil ist gespeichert.")

    # The form speaks German: its labels, and the refusal of a close date in the past.
    page.goto(f"/t/{tenant.slug}/deals/new/")
    expect(page.get_by_role("heading", name="Deal registrieren")).to_be_visible()
    page.get_by_label("Kundenunternehmen").fill("Initech GmbH")
    page.get_by_label("Website oder Domain des Kunden").fill("initech.de")
    page.get_by_label("Betrag").fill("48000")
    page.get_by_label("Voraussichtliches Abschlussdatum").fill("2020-01-31")
    page.get_by_role("button", name="Registrierung einreichen").click()
    expect(page.get_by_text("Das voraussichtliche Abschlussdatum liegt in der Vergangenheit")).to_be_visible()
    close = timezone.localdate() + datetime.timedelta(days=40)
    page.get_by_label("Voraussichtliches Abschlussdatum").fill(close.isoformat())
    page.get_by_role("button", name="Registrierung einreichen").click()

    # The confirmation: German words, the review deadline in Berlin time with the zone's name.
    expect(page.get_by_role("heading", name="Initech GmbH")).to_be_visible()
    with tenant_context(tenant):
        deal = DealRegistration.objects.get(customer_name="Initech GmbH")
    with translation.override("de"), timezone.override(BERLIN):
        due = date_format(timezone.localtime(deal.review_due_at), "DATETIME_FORMAT")
    assert due.endswith((" CET", " CEST"))
    expect(page.get_by_role("alert")).to_contain_text(
        f"Initech GmbH ist eingereicht. Ein Channel-Manager entscheidet bis {due}."
    )
    expect(page.get_by_test_id("deal-status")).to_have_text("Eingereicht")

    # A channel manager who works in English approves it; the partner's e-mail is written in German.
    manager = browser.new_context(base_url=base_url, locale="en-US", timezone_id="UTC")
    sign_in(manager, tenant_admin.user)
    desk = manager.new_page()
    desk.set_default_timeout(10_000)
    desk.goto(f"/t/{tenant.slug}/deals/{deal.pk}/")
    desk.get_by_role("button", name="Approve").click()
    expect(desk.get_by_role("alert").first).to_contain_text("Approved: Initech GmbH is protected until")
    manager.close()

    # The protection period ends on a calendar day of the program (set on approval), written the German way; between
    # 23:00 and midnight UTC Berlin's day is already the next one, so it is not "Berlin today + 90 days".
    with tenant_context(tenant):
        deal.refresh_from_db()
    with translation.override("de"):
        protected_until = date_format(deal.protected_until, "DATE_FORMAT")
    [email] = [m for m in mailoutbox if m.to == [partner_admin.user.email]]
    assert email.subject.endswith(f"Initech GmbH ist genehmigt: geschützt bis {protected_until}")
    assert "Öffnen:" in email.body and "Open it" not in email.body

    page.reload()
    expect(page.get_by_test_id("deal-status")).to_have_text("Genehmigt")
