"""The partner's onboarding checklist advancing as the partner admin does the steps, until the partner is active;
the channel manager's progress page and the partner page's onboarding panel."""

import re

import pytest
from playwright.sync_api import expect

from partners.models import PartnerStatus
from partners.services.onboarding import onboarding_start
from prm.events import record_event
from prm.tenancy import tenant_context

pytestmark = pytest.mark.e2e


@pytest.fixture
def onboarding(tenant, partner_org):
    """Northwind Secure approved with the default plan running (agreement, profile and colleagues required)."""
    with tenant_context(tenant):
        partner_org.status = PartnerStatus.ONBOARDING
        partner_org.save(update_fields=["status"])
        return onboarding_start(partner=partner_org)


def checklist_progress(page):
    return page.get_by_test_id("checklist-progress")


def test_the_checklist_advances_step_by_step_until_the_partner_is_active(
    page, sign_in, tenant, partner_org, partner_admin, onboarding, screenshot
):
    sign_in(page.context, partner_admin.user)
    page.goto(f"/t/{tenant.slug}/portal/")
    expect(checklist_progress(page)).to_have_text("0 of 3 required steps done")
    checklist = page.locator("#onboarding-checklist")
    expect(checklist.get_by_text("Still missing: legal name, website")).to_be_visible()
    screenshot(page, "onboarding-checklist")

    # Complete the profile from the checklist's link.
    checklist.get_by_role("link", name="Edit the profile").click()
    page.get_by_label("Legal name").fill("Northwind Secure GmbH")
    page.get_by_label("Website").fill("https://northwind.example")
    page.get_by_label("Email domains").fill("northwind.example")
    page.get_by_label("Country").select_option("DE")
    page.get_by_label("Europe, Middle East and Africa (EMEA)").check()
    page.get_by_label("Industries").fill("Banking; Insurance")
    page.get_by_label("Company size").select_option("51-200")
    page.get_by_role("button", name="Save profile").click()
    page.goto(f"/t/{tenant.slug}/portal/")
    expect(checklist_progress(page)).to_have_text("1 of 3 required steps done")

    # Invite a colleague from the checklist's link.
    page.locator("#onboarding-checklist").get_by_role("link", name="Invite colleagues").click()
    page.get_by_label("Email").fill("sam.sales@northwind.example")
    page.get_by_role("button", name="Send invitation").click()
    page.goto(f"/t/{tenant.slug}/portal/")
    expect(checklist_progress(page)).to_have_text("2 of 3 required steps done")

    # The agreements module records the acceptance (its own pages are tested with it).
    with tenant_context(tenant):
        record_event(
            "agreement.accepted",
            subject=partner_org,
            payload={"partner_organization_id": partner_org.pk, "agreement_id": 1, "version_id": 1},
            actor=partner_admin,
        )
    page.goto(f"/t/{tenant.slug}/portal/")
    expect(page.get_by_role("heading", name="Onboarding complete")).to_be_visible()
    expect(checklist_progress(page)).to_have_text("3 of 3 required steps done")
    with tenant_context(tenant):
        partner_org.refresh_from_db()
    assert partner_org.status == PartnerStatus.ACTIVE


def test_the_channel_manager_follows_every_plan_and_ticks_off_the_kick_off_call(
    page, sign_in, tenant, tenant_admin, partner_org, onboarding, screenshot
):
    sign_in(page.context, tenant_admin.user)
    page.goto(f"/t/{tenant.slug}/console/")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Onboarding").click()
    expect(page).to_have_url(re.compile(rf"/t/{tenant.slug}/onboarding/$"))
    expect(page.get_by_test_id("count-on-track")).to_have_text("1")
    row = page.get_by_role("row", name=re.compile("Northwind Secure"))
    expect(row).to_contain_text("0/3 required")
    screenshot(page, "onboarding-progress")

    row.get_by_role("link", name="Northwind Secure").click()
    panel = page.locator("#onboarding")
    kick_off = panel.get_by_role("row", name=re.compile("Kick-off call"))
    kick_off.get_by_role("button", name="Mark done").click()
    expect(page.get_by_role("alert").filter(has_text="is done")).to_be_visible()
    expect(page.locator("#onboarding").get_by_role("row", name=re.compile("Kick-off call"))).to_contain_text("Done")
