"""Market development funds in a real browser (issue 14): a partner asks for funds for a webinar, marketing
approves, the partner claims with an invoice PDF and a leads CSV, marketing approves part of it, finance creates,
exports and confirms the payout batch, the partner sees the claim paid and the fund's page shows the ROI."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from prm.roles import Role
from tests.e2e.helpers import DESKTOP
from tests.factories import StaffFactory
from tests.mdf.factories import PDF, FundFactory, allocate, leads_csv, today

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 812}


def as_user(page, sign_in, user):
    page.context.clear_cookies()
    sign_in(page.context, user)


def test_mdf_journey(page, sign_in, screenshot, tenant, partner_org, partner_admin):
    fund = FundFactory(tenant=tenant, name="FY27 H1 partner marketing")
    allocate(tenant, fund, partner_org, "10000")
    marketing = StaffFactory(tenant=tenant, role=Role.MARKETING, user__first_name="Mara")
    finance = StaffFactory(tenant=tenant, role=Role.FINANCE, user__first_name="Fin")
    start = today() + timedelta(days=10)

    # The partner asks for funds for a webinar.
    as_user(page, sign_in, partner_admin.user)
    page.goto(f"/t/{tenant.slug}/funds/")
    expect(page.get_by_test_id("mdf-available")).to_contain_text("10,000.00")
    page.get_by_test_id("mdf-new-request").click()
    page.get_by_label("Fund").select_option(str(fund.pk))
    page.get_by_label("Activity type").select_option("webinar")
    page.get_by_label("Title").fill("Zero-trust webinar for IT leads")
    page.get_by_label("Start date").fill(start.isoformat())
    page.get_by_label("End date").fill((start + timedelta(days=1)).isoformat())
    page.get_by_label("Planned cost").fill("4000")
    page.get_by_label("Requested amount").fill("2000")
    page.get_by_label("Expected leads").fill("40")
    page.get_by_label("Campaign code").fill("WEBINAR-ZT")
    page.get_by_test_id("mdf-request-submit").click()
    expect(page.get_by_test_id("mdf-status")).to_have_text("Submitted")
    request_url = page.url

    # Marketing approves it.
    as_user(page, sign_in, marketing.user)
    page.goto(f"/t/{tenant.slug}/mdf/requests/")
    page.get_by_role("link", name="Zero-trust webinar for IT leads").click()
    page.get_by_label("Decision").select_option("approve")
    page.get_by_test_id("mdf-decide").click()
    expect(page.get_by_test_id("mdf-status")).to_have_text("Approved")

    # The partner claims with the invoice and the leads.
    as_user(page, sign_in, partner_admin.user)
    page.goto(request_url)
    page.get_by_test_id("mdf-claim").click()
    page.get_by_label("Actual cost").fill("4000")
    page.get_by_label("Claimed amount").fill("2000")
    page.get_by_label("Invoice number").fill("INV-ZT-2027-01")
    page.get_by_label("Invoice (PDF, PNG or JPEG)").set_input_files(
        {"name": "invoice.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_label("Leads (CSV)").set_input_files(
        {"name": "leads.csv", "mimeType": "text/csv", "buffer": leads_csv()}
    )
    page.get_by_test_id("mdf-claim-submit").click()
    claim = page.get_by_test_id("mdf-claim-card")
    expect(claim).to_contain_text("INV-ZT-2027-01")
    expect(claim).to_contain_text("2 leads")

    # Marketing approves part of it.
    as_user(page, sign_in, marketing.user)
    page.goto(f"/t/{tenant.slug}/mdf/claims/")
    page.get_by_role("link", name="Invoice INV-ZT-2027-01").click()
    form = page.get_by_test_id("mdf-claim-decision")
    form.get_by_label("Decision").select_option("approve")
    form.get_by_label("Approved amount").fill("1500")
    page.get_by_test_id("mdf-claim-decide").click()
    expect(page.get_by_test_id("mdf-claim-approved")).to_contain_text("1,500.00")

    # Finance creates the payout batch, exports it and confirms it.
    as_user(page, sign_in, finance.user)
    page.goto(f"/t/{tenant.slug}/mdf/payouts/")
    expect(page.get_by_test_id("mdf-payout-row")).to_contain_text("INV-ZT-2027-01")
    page.get_by_label("Fund").select_option(str(fund.pk))
    page.get_by_label("Batch reference").fill("PAY-2027-01")
    page.get_by_test_id("mdf-batch-create").click()
    with page.expect_download() as download:
        page.get_by_test_id("mdf-batch-export").click()
    exported = open(download.value.path(), encoding="utf-8").read()
    assert "PAY-2027-01" in exported and "1500.00" in exported and "WEBINAR-ZT" in exported
    page.get_by_test_id("mdf-batch-confirm").click()
    expect(page.get_by_test_id("mdf-batch")).to_contain_text("Confirmed")

    # The partner sees the claim paid.
    as_user(page, sign_in, partner_admin.user)
    page.goto(f"/t/{tenant.slug}/funds/")
    expect(page.get_by_test_id("mdf-claim-row")).to_contain_text("Paid")
    # On a phone: Bootstrap's responsive layout, no sideways scrolling.
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "mdf-partner-funds-phone")
    page.set_viewport_size(DESKTOP)

    # The fund's page shows the ROI: 1,500 spent, no won revenue yet.
    as_user(page, sign_in, finance.user)
    page.goto(f"/t/{tenant.slug}/mdf/funds/{fund.pk}/")
    expect(page.get_by_test_id("mdf-roi-chart")).to_be_visible()
    expect(page.get_by_test_id("mdf-fund-roi")).to_have_text("ROI -100.0 %")
    expect(page.get_by_test_id("mdf-roi-row")).to_contain_text("750.00")  # cost per lead: 1,500 ÷ 2
    screenshot(page, "mdf-fund-roi")
