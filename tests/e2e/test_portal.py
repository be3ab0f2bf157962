"""The partner portal on a desktop and on a phone, where the navbar folds into its toggler."""

import re

import pytest
from playwright.sync_api import expect

from prm.roles import Role
from tests.e2e.helpers import PHONE
from tests.factories import PartnerUserFactory

pytestmark = pytest.mark.e2e


def test_partner_portal_shows_the_organization_and_its_colleagues(page, sign_in, tenant, partner_admin, screenshot):
    PartnerUserFactory(
        tenant=tenant,
        partner_organization=partner_admin.partner_organization,
        role=Role.PARTNER_SALES,
        user__email="sam.sales@northwind.example",
        user__first_name="Sam",
        user__last_name="Reyes",
    )
    sign_in(page.context, partner_admin.user)

    page.goto(f"/t/{tenant.slug}/portal/")

    expect(page.get_by_role("heading", name="Welcome, Lee")).to_be_visible()
    expect(page.get_by_role("button", name="Toggle navigation")).to_be_hidden()
    expect(page.get_by_role("link", name="Team")).to_be_visible()
    colleagues = page.locator(".card", has=page.get_by_role("heading", name="Colleagues in the program"))
    expect(colleagues.get_by_role("listitem")).to_have_text([re.compile("Lee Olson"), re.compile("Sam Reyes")])
    expect(page.get_by_role("link", name="Console")).to_have_count(0)
    screenshot(page, "portal")


@pytest.mark.browser_context_args(viewport=PHONE, is_mobile=True, has_touch=True)
def test_partner_portal_on_a_phone_collapses_the_navbar_into_the_toggler(
    page, sign_in, tenant, partner_admin, screenshot
):
    sign_in(page.context, partner_admin.user)
    page.goto(f"/t/{tenant.slug}/portal/")

    expect(page.get_by_role("heading", name=re.compile(r"^Welcome,"))).to_be_visible()
    toggler = page.get_by_role("button", name="Toggle navigation")
    expect(toggler).to_be_visible()
    expect(page.get_by_role("link", name="Team")).to_be_hidden()
    no_sideways_scroll = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert no_sideways_scroll
    screenshot(page, "portal-phone")

    toggler.tap()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    page.get_by_role("link", name="Team").tap()
    expect(page).to_have_url(re.compile(rf"/t/{tenant.slug}/portal/team/$"))
    expect(page.get_by_role("button", name="Send invitation")).to_be_visible()
