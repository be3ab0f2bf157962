"""In a real browser (issue 16, 4.7 and 4.9): a signed-out visitor of the program's address sees its branded front
page and reaches the application form; a channel manager suspends a partner from a closed "Suspend…" button with its
own question, and the history then reads "Status: Active → Suspended" with the manager's name."""

import re

import pytest
from playwright.sync_api import expect

from prm.tenancy import tenant_context

pytestmark = pytest.mark.e2e


def test_signed_out_visitor_sees_the_branded_front_page_and_applies(page, tenant):
    with tenant_context(tenant):
        tenant.program_name, tenant.primary_colour = "Acme Shield Partners", "#aa3300"
        tenant.save(update_fields=["program_name", "primary_colour"])

    page.goto(f"/t/{tenant.slug}/")

    expect(page.get_by_test_id("program-name")).to_have_text("Acme Shield Partners")
    expect(page.locator(".prm-navbar")).to_have_css("background-color", "rgb(170, 51, 0)")
    expect(page.get_by_test_id("front-page-sign-in")).to_be_visible()
    page.get_by_role("link", name="Apply to become a partner").click()
    expect(page).to_have_url(re.compile(rf"/t/{tenant.slug}/apply/$"))
    expect(page.get_by_role("heading", name="Become a partner")).to_be_visible()
    expect(page.locator('link[rel="icon"]')).to_have_attribute("href", re.compile(r"favicon\.svg$"))


def test_suspending_opens_its_own_box_and_the_history_reads_plainly(page, sign_in, tenant, tenant_admin, partner_org):
    sign_in(page.context, tenant_admin.user)
    page.goto(f"/t/{tenant.slug}/partners/{partner_org.pk}/")

    suspend_reason = page.get_by_label("Why is this partner suspended?")
    offboard_reason = page.get_by_label("Why is this partner offboarded?")
    expect(suspend_reason).to_be_hidden()
    expect(offboard_reason).to_be_hidden()

    page.get_by_test_id("lifecycle-suspended").locator("summary").click()
    expect(suspend_reason).to_be_visible()
    expect(offboard_reason).to_be_hidden()
    suspend_reason.fill("Unpaid invoices since March.")
    page.get_by_test_id("lifecycle-suspended").get_by_role("button", name="Suspend").click()
    # The card is swapped in place by htmx: reloading before its answer arrives would abort the request.
    expect(page.locator("#partner-lifecycle").get_by_role("status")).to_be_visible()

    page.reload()
    history = page.locator("#history-heading").locator("xpath=ancestor::section")
    row = history.get_by_test_id("history-row").first
    expect(row).to_contain_text("Status changed")
    expect(row).to_contain_text("Status: Active → Suspended")
    expect(row).to_contain_text(str(tenant_admin.user))
    expect(history).not_to_contain_text("status_reason")
    expect(history).not_to_contain_text("PartnerOrganization")
