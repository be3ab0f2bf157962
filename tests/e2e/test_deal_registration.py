"""Deal registration end to end: a partner registers a deal on a phone and is warned, as it types, that the customer
is already registered; a channel manager approves it from the review queue; the partner sees the deal protected
until the right date."""

import datetime
import re

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from dealreg import services
from prm.tenancy import tenant_context
from tests.e2e.helpers import DESKTOP, PHONE
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory

pytestmark = pytest.mark.e2e


@pytest.mark.browser_context_args(viewport=PHONE, is_mobile=True, has_touch=True)
def test_partner_registers_on_a_phone_sees_the_conflict_and_the_approval(
    page, browser, base_url, sign_in, tenant, partner_admin, tenant_admin, screenshot
):
    # Another partner already registered the customer.
    rival = PartnerUserFactory(
        tenant=tenant, partner_organization=PartnerOrganizationFactory(tenant=tenant, name="Contoso Integrators")
    )
    close = timezone.localdate() + datetime.timedelta(days=40)
    with tenant_context(tenant):
        services.deal_create(
            actor=rival,
            submit=True,
            customer_name="Initech GmbH",
            customer_website="initech.de",
            amount="30000",
            currency="USD",
            expected_close_date=close,
        )

    # The partner registers the deal on a phone.
    sign_in(page.context, partner_admin.user)
    page.goto(f"/t/{tenant.slug}/deals/new/")
    expect(page.get_by_role("heading", name="Register a deal")).to_be_visible()
    page.get_by_label("Customer company").fill("Initech")
    page.get_by_label("Customer website or domain").fill("https://www.initech.de")
    warning = page.get_by_test_id("conflict-warning")
    expect(warning).to_contain_text("This customer is already registered by another partner.")
    expect(warning).not_to_contain_text("Contoso")
    page.get_by_label("Amount").fill("48000")
    page.get_by_label("Expected close date").fill(close.isoformat())
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"
    screenshot(page, "deal-registration-phone")
    page.get_by_role("button", name="Submit registration").tap()

    expect(page.get_by_role("heading", name="Initech")).to_be_visible()
    expect(page.get_by_test_id("deal-status")).to_have_text("Submitted")
    registration_url = page.url

    # A channel manager approves it from the review queue (on a desktop).
    manager = browser.new_context(base_url=base_url, viewport=DESKTOP, locale="en-US", timezone_id="UTC")
    sign_in(manager, tenant_admin.user)
    desk = manager.new_page()
    desk.set_default_timeout(10_000)
    desk.goto(f"/t/{tenant.slug}/deals/review/")
    row = desk.locator("tr", has=desk.get_by_role("link", name="Initech", exact=True))
    expect(row).to_contain_text(partner_admin.partner_organization.name)
    row.get_by_role("link", name="Initech", exact=True).click()
    expect(desk.locator("#conflicts")).to_contain_text("Contoso Integrators")
    protection_end = timezone.localdate() + datetime.timedelta(days=90)
    shown_until = date_format(protection_end)
    expect(desk.locator("#decision")).to_contain_text(f"Protected until {shown_until}")
    screenshot(desk, "deal-decision")
    desk.get_by_role("button", name="Approve").click()
    expect(desk.get_by_role("alert").first).to_contain_text(f"protected until {shown_until}")
    manager.close()

    # The partner sees the deal protected until that date.
    page.goto(registration_url)
    expect(page.get_by_test_id("deal-status")).to_have_text("Approved")
    expect(page.get_by_test_id("protection")).to_contain_text(f"Protected until {shown_until}")
    page.goto(f"/t/{tenant.slug}/deals/")
    expect(page.locator("#my-registrations")).to_contain_text(re.compile(rf"Protected until\s+{shown_until}"))
