"""A plan started after the partner already accepted the agreement, invited a colleague and registered deals: the
partner's checklist shows those steps ticked, and the channel manager's panel says they were done before the plan
started."""

import re

import pytest
from playwright.sync_api import expect

from partners.models import PartnerStatus
from partners.services.onboarding import onboarding_start
from prm.events import record_event
from prm.roles import Role
from prm.services import invitation_create
from prm.tenancy import tenant_context

pytestmark = pytest.mark.e2e


@pytest.fixture
def onboarding(tenant, partner_org, partner_admin):
    """Northwind did three things before its (default) plan started."""
    with tenant_context(tenant):
        partner_org.status = PartnerStatus.ONBOARDING
        partner_org.save(update_fields=["status"])
        record_event(
            "agreement.accepted",
            subject=partner_org,
            payload={"partner_organization_id": partner_org.pk, "agreement_id": 1, "version_id": 1},
            actor=partner_admin,
        )
        invitation_create(
            actor=partner_admin,
            email="sam.sales@northwind.example",
            role=Role.PARTNER_SALES,
            partner_organization=partner_org,
        )
        for n in range(7):
            record_event(
                "deal.submitted",
                subject=tenant,
                payload={"registration_id": n, "partner_organization_id": partner_org.pk},
                actor=partner_admin,
            )
        return onboarding_start(partner=partner_org)


def test_a_plan_started_late_shows_the_steps_the_partner_did_already_as_done(
    page, sign_in, tenant, partner_org, partner_admin, tenant_admin, onboarding, screenshot
):
    sign_in(page.context, partner_admin.user)
    page.goto(f"/t/{tenant.slug}/portal/onboarding/")
    checklist = page.locator("#onboarding-checklist")
    expect(page.get_by_test_id("checklist-progress")).to_have_text("2 of 3 required steps done")
    for title in ("Accept the program agreement", "Invite your colleagues", "Register a first deal"):
        step = checklist.get_by_role("listitem").filter(has_text=title)
        expect(step).to_have_attribute("data-step-status", "done")
        expect(step).to_contain_text("before this plan started")
    expect(checklist.get_by_role("link", name="Read and accept")).to_have_count(0)
    expect(checklist.get_by_role("link", name="Edit the profile")).to_be_visible()  # the one still to do
    screenshot(page, "onboarding-done-before-start")

    page.context.clear_cookies()
    sign_in(page.context, tenant_admin.user)
    page.goto(f"/t/{tenant.slug}/partners/{partner_org.pk}/")
    panel = page.locator("#onboarding")
    expect(panel.get_by_test_id("onboarding-progress")).to_have_text("2/3 required")
    agreement = panel.get_by_role("row", name=re.compile("Accept the program agreement"))
    expect(agreement).to_contain_text("Done before the plan started")
    expect(agreement).to_contain_text("Lee Olson")
    expect(panel.get_by_test_id("done-before-start")).to_have_count(3)
