"""A partner follows its tier: "My tier" shows what the next tier needs; after a won deal and a certification (made
through the services) the events they record are relayed, the on-demand (debounced) recalculation of the partner
runs, and a reload shows the new tier and its benefits — no explicit recalculation.

A channel manager follows the program: the tiers overview with its chart, a partner close to promotion, its tier
history, and an override set there."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dealreg.services import registrations as deals
from dealreg.services.protection import deal_mark_won
from dealreg.services.review import deal_approve
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.dealreg.helpers import deal_fields
from tests.enablement.certifications_support import certify
from tests.enablement.certifications_support import program as learning_program
from tests.factories import PartnerOrganizationFactory, StaffFactory, TenantFactory
from tests.tiering.support import make_program, metrics  # noqa: F401 - the test-only metrics fixture
from tiering.models import TierAssessment, TierChange
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

    # One unit of work, as a partner's day would bring them: the events it records (deal.won, course.completed,
    # certification.awarded) are relayed on commit, the first queues the partner's recalculation and the others find
    # it queued (debounced); the queued task runs once the relay has committed and reads everything.
    with tenant_context(p.tenant):
        deal = deals.deal_create(actor=p.learner, submit=True, **deal_fields())
        deal = deal_approve(actor=p.admin, registration=deal)
        deal_mark_won(actor=p.learner, registration=deal, closed_amount=Decimal("48000"))
        certify(p)
    with tenant_context(p.tenant):
        promotion = TierAssessment.objects.filter(partner_organization=p.partner).first()
        assert promotion.change == TierChange.PROMOTED and promotion.tier.name == "Certified seller"

    page.reload()
    expect(page.get_by_test_id("tier-name")).to_have_text("Certified seller")
    expect(page.get_by_test_id("tier-benefits")).to_contain_text("120 days")
    expect(page.get_by_test_id("benefit-auto-approve")).to_have_text("50,000.00 USD")
    expect(page.get_by_test_id("tier-top")).to_be_visible()
    expect(page.get_by_test_id("tier-assessment").first).to_contain_text("Promoted")
    screenshot(page, "my-tier-promoted")


def test_a_channel_manager_opens_the_overview_and_overrides_a_partners_tier(page, sign_in, screenshot, metrics):  # noqa: F811
    tenant = TenantFactory(slug="tierstaff", name="Tierstaff Networks")
    make_program(tenant)
    near = PartnerOrganizationFactory(tenant=tenant, name="Nearly Gold Ltd")
    steady = PartnerOrganizationFactory(tenant=tenant, name="Steady Silver Ltd")
    metrics.set(near, revenue=90000, certified=3)
    metrics.set(steady, revenue=30000, certified=1)
    with tenant_context(tenant):
        tiers_recalculate()
    manager = StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER)
    sign_in(page.context, manager.user)

    page.goto(f"/t/{tenant.slug}/console/")
    page.get_by_test_id("nav-tiers").click()
    chart = page.get_by_test_id("tier-distribution-chart")
    expect(chart).to_be_visible()
    expect(chart.get_by_test_id("tier-bar")).to_have_count(4)
    expect(page.get_by_test_id("tier-close-rule")).to_contain_text("at least 80 %")
    close = page.get_by_test_id("tier-close-partner")
    expect(close).to_have_count(1)
    expect(close).to_contain_text("Silver → Gold")
    screenshot(page, "tiers-overview")

    close.get_by_role("link", name="Nearly Gold Ltd").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tier history of Nearly Gold Ltd")
    expect(page.get_by_test_id("tier-name")).to_have_text("Silver")
    form = page.get_by_test_id("tier-override-form")
    form.get_by_label("Tier").select_option(label="Gold")
    form.get_by_label("Ends on").fill((timezone.localdate() + timedelta(days=30)).isoformat())
    form.get_by_label("Reason").fill("Launch partner for the new firewall line")
    form.get_by_role("button", name="Set override").click()
    expect(page.get_by_test_id("tier-name")).to_have_text("Gold")
    expect(page.get_by_test_id("tier-override")).to_contain_text("Launch partner for the new firewall line")
    expect(page.get_by_test_id("tier-assessment").first).to_contain_text("Set by an override")
    screenshot(page, "tier-history-override")
