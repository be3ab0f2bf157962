"""A partner follows its tier: "My tier" shows what the next tier needs; after a won deal and a certification (made
through the services) and a recalculation, a reload shows the new tier and its benefits."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from dealreg.services import registrations as deals
from dealreg.services.protection import deal_mark_won
from dealreg.services.review import deal_approve
from prm.tenancy import tenant_context
from tests.dealreg.helpers import deal_fields
from tests.enablement.certifications_support import certify
from tests.enablement.certifications_support import program as learning_program
from tests.tiering.support import make_program
from tiering.services.recalculation import tiers_recalculate

pytestmark = pytest.mark.e2e

TIERS = [
    ("Registered", [], {"deal_protection_days": 60}),
    (
        "Certified seller",
        [("won_deals", "1"), ("certified_people", "1")],
        {"deal_protection_days": 120, "deal_auto_approve_limit": Decimal("50000")},
    ),
]


def test_a_partner_sees_its_progress_then_its_new_tier(page, sign_in, screenshot):
    p = learning_program("tierco")
    make_program(p.tenant, tiers=TIERS)
    with tenant_context(p.tenant):
        tiers_recalculate()
    sign_in(page.context, p.learner.user)
    page.goto(f"/t/{p.tenant.slug}/portal/")
    expect(page.get_by_test_id("tier-card-name")).to_have_text("Registered")
    page.get_by_test_id("tier-card").get_by_role("link", name="My tier").click()
    expect(page.get_by_test_id("tier-name")).to_have_text("Registered")
    expect(page.get_by_test_id("tier-progress")).to_contain_text("Progress to Certified seller")
    expect(page.get_by_test_id("tier-metric")).to_have_count(2)
    expect(page.get_by_test_id("tier-missing")).to_contain_text("to reach Certified seller")
    screenshot(page, "my-tier-registered")

    with tenant_context(p.tenant):
        deal = deals.deal_create(actor=p.learner, submit=True, **deal_fields())
        deal = deal_approve(actor=p.admin, registration=deal)
        deal_mark_won(actor=p.learner, registration=deal, closed_amount=Decimal("48000"))
    certify(p)
    with tenant_context(p.tenant):
        tiers_recalculate()

    page.reload()
    expect(page.get_by_test_id("tier-name")).to_have_text("Certified seller")
    expect(page.get_by_test_id("tier-benefits")).to_contain_text("120 days")
    expect(page.get_by_test_id("benefit-auto-approve")).to_have_text("50,000.00 USD")
    expect(page.get_by_test_id("tier-top")).to_be_visible()
    # Newest first; the won deal and the award may each have been assessed on demand before the run.
    expect(page.get_by_test_id("tier-assessment").first).to_contain_text("Promoted")
    screenshot(page, "my-tier-promoted")
