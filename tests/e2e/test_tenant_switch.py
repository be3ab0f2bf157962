"""One login, several programs: the navbar's "Switch program" menu."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PartnerUserFactory

pytestmark = pytest.mark.e2e


def test_member_of_two_programs_switches_program_from_the_navbar(page, sign_in, tenant, other_tenant, tenant_admin):
    user = tenant_admin.user
    PartnerUserFactory(tenant=other_tenant, user=user)
    sign_in(page.context, user)

    page.goto("/")
    expect(page.get_by_role("heading", name="Your partner programs")).to_be_visible()
    page.get_by_role("link", name=tenant.display_name).click()
    expect(page).to_have_url(re.compile(rf"/t/{tenant.slug}/console/$"))
    expect(page.locator(".navbar-brand")).to_have_text(tenant.display_name)

    page.locator("#tenantSwitcher").click()
    switcher = page.locator("[aria-labelledby=tenantSwitcher]")
    expect(switcher.get_by_role("link", name=tenant.display_name)).to_have_class(re.compile(r"\bactive\b"))
    switcher.get_by_role("link", name=other_tenant.display_name).click()

    expect(page).to_have_url(re.compile(rf"/t/{other_tenant.slug}/portal/$"))
    expect(page.locator(".navbar-brand")).to_have_text(other_tenant.display_name)
    expect(page).to_have_title(re.compile(re.escape(other_tenant.display_name)))
    expect(page.get_by_role("link", name="Console")).to_have_count(0)
