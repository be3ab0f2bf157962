"""The staff console (with its chart) and the program settings page, as a tenant admin sees them."""

import re

import pytest
from playwright.sync_api import expect

from partners.models import PartnerType
from tests.factories import PartnerOrganizationFactory

pytestmark = pytest.mark.e2e


def test_console_counts_partners_and_draws_partners_by_type(page, sign_in, tenant, tenant_admin, screenshot):
    for partner_type, count in [(PartnerType.VAR, 4), (PartnerType.MSP, 3), (PartnerType.RESELLER, 2)]:
        for _ in range(count):
            PartnerOrganizationFactory(tenant=tenant, partner_type=partner_type)
    sign_in(page.context, tenant_admin.user)

    page.goto(f"/t/{tenant.slug}/console/")

    expect(page.get_by_test_id("partner-total")).to_have_text("9")
    chart = page.get_by_role("img", name="Bar chart of partners by type")
    expect(chart).to_be_visible()
    # Chart.js registers every chart it drew on its canvas.
    page.wait_for_function("() => window.Chart && Chart.getChart('partnersByType')?.data.datasets[0].data.length === 3")
    screenshot(page, "console")


def test_tenant_admin_renames_the_program_and_the_navbar_shows_it(page, sign_in, tenant, tenant_admin, screenshot):
    sign_in(page.context, tenant_admin.user)
    page.goto(f"/t/{tenant.slug}/console/")
    page.get_by_role("link", name="Settings").click()
    expect(page).to_have_url(re.compile(rf"/t/{tenant.slug}/settings/$"))

    page.get_by_label("Program name").fill("Acme Secure Partners")
    page.get_by_label("Primary colour").fill("#6f42c1")
    page.get_by_role("button", name="Save settings").click()

    expect(page.get_by_role("alert")).to_contain_text("Program settings saved.")
    expect(page.locator(".navbar-brand")).to_have_text("Acme Secure Partners")
    expect(page.locator(".prm-navbar")).to_have_css("background-color", "rgb(111, 66, 193)")
    screenshot(page, "settings")
