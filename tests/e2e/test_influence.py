"""Influence in a real browser (issue 15, item 1): a partner claims influence on a deal another partner registered
(naming the customer and what it did), a channel manager finds the deal among the suggestions of the influence queue
and accepts the claim with a share, and the partner then sees the deal in its list, marked as shared, and reads it."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dealreg import services
from prm.tenancy import tenant_context
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory

pytestmark = pytest.mark.e2e


def test_a_partner_claims_influence_staff_accept_and_the_partner_sees_the_shared_deal(
    page, sign_in, tenant, tenant_admin, partner_admin
):
    registering = PartnerOrganizationFactory(tenant=tenant, name="Contoso Integrators")
    seller = PartnerUserFactory(tenant=tenant, partner_organization=registering)
    with tenant_context(tenant):
        deal = services.deal_create(
            actor=seller,
            submit=True,
            customer_name="Lyon Biotech SAS",
            customer_website="lyonbiotech.fr",
            amount="84000",
            currency="USD",
            expected_close_date=timezone.localdate() + datetime.timedelta(days=45),
        )
        services.deal_approve(actor=tenant_admin, registration=deal)

    # The partner (Northwind) claims influence from its portal.
    sign_in(page.context, partner_admin.user)
    page.goto(f"/t/{tenant.slug}/deals/influence/")
    form = page.get_by_test_id("influence-claim-form")
    form.get_by_label("Customer company").fill("Lyon Biotech")
    form.get_by_label("Customer website or domain").fill("lyonbiotech.fr")
    form.get_by_label("What your organization did").fill("Ran the zero-trust proof of concept with their IT team.")
    form.get_by_label("Link to the evidence (optional)").fill("https://northwind.example/poc-report")
    form.get_by_role("button", name="Send the claim").click()
    expect(page.get_by_text("Your claim is with the channel manager")).to_be_visible()
    expect(page.get_by_test_id("claim-status")).to_have_text("Pending")
    assert page.goto(f"/t/{tenant.slug}/deals/{deal.pk}/").status == 404  # not shared with it yet

    # The channel manager accepts it on the suggested deal with a 25% share.
    page.context.clear_cookies()
    sign_in(page.context, tenant_admin.user)
    page.goto(f"/t/{tenant.slug}/deals/influence/review/")
    claim = page.get_by_test_id("pending-claim")
    expect(claim).to_contain_text("Ran the zero-trust proof of concept")
    suggestion = claim.get_by_role("radio", name=f"#{deal.pk} Lyon Biotech SAS")
    expect(suggestion).to_be_checked()
    claim.get_by_label("Share (%)").fill("25")
    claim.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Claim accepted")).to_be_visible()
    expect(page.get_by_test_id("pending-claim")).to_have_count(0)

    # The partner sees the deal, shared, and reads it.
    page.context.clear_cookies()
    sign_in(page.context, partner_admin.user)
    page.goto(f"/t/{tenant.slug}/deals/")
    row = page.get_by_test_id("shared-deal-row")
    expect(row).to_contain_text("Contoso Integrators's deal · you: influenced, 25%")
    page.get_by_role("link", name="Lyon Biotech SAS").click()
    expect(page.get_by_test_id("shared-deal")).to_contain_text("influenced, 25%")
    expect(page.get_by_role("button", name="Withdraw")).to_have_count(0)
    page.goto(f"/t/{tenant.slug}/deals/influence/")
    expect(page.get_by_test_id("claim-status")).to_have_text("Accepted")
