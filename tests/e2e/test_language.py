"""A partner user switches the portal to German and their time zone on the profile page: labels, the confirmation
and the times of their deals follow (the browser says en-US and UTC, the user's own choice wins)."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dealreg import services
from dealreg.models import DealRegistration
from prm.tenancy import tenant_context

pytestmark = pytest.mark.e2e


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
