"""A channel manager's review of deal registrations in a real browser (issue 16, 4.2, 4.5 and 4.9): the earlier of
two registrations of a customer shows the conflict with the later one, in the queue and on its page; rejecting
without a reason shows the error where the reviewer is looking, on a screen with no partner's Withdraw form; the
queue fits a phone (no sideways scrolling) and keeps the customer on one or two lines on a desktop."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dealreg import services
from prm.tenancy import tenant_context
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory

pytestmark = pytest.mark.e2e

PHONE_375 = {"width": 375, "height": 812}


def register(tenant, organization_name, customer, website, *, amount="48000"):
    partner = PartnerOrganizationFactory(tenant=tenant, name=organization_name)
    seller = PartnerUserFactory(tenant=tenant, partner_organization=partner)
    with tenant_context(tenant):
        return services.deal_create(
            actor=seller,
            submit=True,
            customer_name=customer,
            customer_website=website,
            amount=amount,
            currency="USD",
            expected_close_date=timezone.localdate() + datetime.timedelta(days=45),
        )


def queue_with_long_names(tenant):
    """A queue as a real program has it: long customer and partner names, domains, conflicts."""
    earlier = register(
        tenant, "Northwind Secure Networks International", "Sydney Harbour Logistics Pty Ltd", "harbourlogistics.com.au"
    )
    later = register(
        tenant, "Contoso Integrators EMEA", "Sydney Harbour Logistics", "https://www.harbourlogistics.com.au/contact"
    )
    register(
        tenant,
        "Fabrikam Managed Services",
        "Osaka Precision Manufacturing Kabushiki Kaisha",
        "osaka-precision-manufacturing.co.jp",
        amount="1250000",
    )
    return earlier, later


def test_the_earlier_registration_shows_its_conflict_with_the_later_one(page, sign_in, tenant, tenant_admin):
    earlier, later = queue_with_long_names(tenant)
    sign_in(page.context, tenant_admin.user)

    page.goto(f"/t/{tenant.slug}/deals/review/")
    row = page.locator(f'tr[data-registration="{earlier.pk}"]')
    expect(row.locator('[data-label="Conflicts"]')).to_have_text("1")

    row.get_by_role("link", name="Sydney Harbour Logistics Pty Ltd").click()
    conflicts = page.locator("#conflicts")
    expect(conflicts).to_contain_text("Conflicts (1)")
    expect(conflicts).to_contain_text("Contoso Integrators EMEA")
    expect(conflicts).to_contain_text("registered after this one")
    conflicts.get_by_role("link", name="Sydney Harbour Logistics", exact=True).click()
    expect(page).to_have_url(f"{page.url.split('/t/')[0]}/t/{tenant.slug}/deals/{later.pk}/")
    expect(page.locator("#conflicts")).to_contain_text("Northwind Secure Networks International")


def test_rejecting_without_a_reason_shows_the_error_where_the_reviewer_is(page, sign_in, tenant, tenant_admin):
    earlier, _later = queue_with_long_names(tenant)
    sign_in(page.context, tenant_admin.user)
    page.goto(f"/t/{tenant.slug}/deals/{earlier.pk}/")
    # The staff screen has the decision, not the partner's steps.
    expect(page.get_by_role("button", name="Withdraw")).to_have_count(0)
    expect(page.get_by_text("A channel manager decides by")).to_have_count(0)
    expect(page.get_by_label("Explanation for the partner")).to_be_visible()
    expect(page.locator("#reject-note-help")).to_contain_text("The partner reads this explanation")

    page.get_by_label("Explanation for the partner").fill("Another partner holds this customer")
    page.get_by_role("button", name="Reject").click()

    errors = page.get_by_test_id("decision-errors")
    expect(errors).to_contain_text("Choose the reason from the list.")
    expect(errors).to_be_in_viewport()
    reason = page.locator("#reject-reason")
    expect(reason).to_be_in_viewport()
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#reject-reason-error")).to_be_in_viewport()
    expect(page.get_by_label("Explanation for the partner")).to_have_value("Another partner holds this customer")

    reason.select_option("duplicate")
    page.get_by_role("button", name="Reject").click()
    expect(page.get_by_test_id("deal-status")).to_have_text("Rejected")
    expect(page.get_by_test_id("attribution-closed")).to_be_visible()


@pytest.mark.browser_context_args(viewport=PHONE_375, is_mobile=True, has_touch=True)
def test_the_review_queue_fits_a_phone(page, sign_in, tenant, tenant_admin, screenshot):
    earlier, _later = queue_with_long_names(tenant)
    sign_in(page.context, tenant_admin.user)

    page.goto(f"/t/{tenant.slug}/deals/review/")

    screenshot(page, "deal-queue-phone")
    # The oldest registration, first in the queue, shows without scrolling; none scrolls sideways.
    expect(page.get_by_role("link", name="Sydney Harbour Logistics Pty Ltd")).to_be_in_viewport()
    customer = page.get_by_role("link", name="Osaka Precision Manufacturing Kabushiki Kaisha")
    customer.scroll_into_view_if_needed()
    expect(customer).to_be_in_viewport(ratio=1)
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), "the queue scrolls sideways"
    # Each registration shows what its values are.
    row = page.locator(f'tr[data-registration="{earlier.pk}"]')
    expect(row.locator('[data-label="Partner"]')).to_be_visible()
    expect(row.locator('[data-label="Conflicts"]')).to_contain_text("1")
    expect(page.get_by_label("Waiting at least")).to_be_visible()
    expect(page.get_by_label("Note to the partners (optional)")).to_be_visible()


def test_the_review_queue_keeps_a_customer_on_one_or_two_lines_on_a_desktop(
    page, sign_in, tenant, tenant_admin, screenshot
):
    queue_with_long_names(tenant)
    sign_in(page.context, tenant_admin.user)
    page.goto(f"/t/{tenant.slug}/deals/review/")

    for name in ("Osaka Precision Manufacturing Kabushiki Kaisha", "Sydney Harbour Logistics Pty Ltd"):
        cell = page.locator("td.deal-customer", has=page.get_by_role("link", name=name, exact=True))
        link_lines = cell.get_by_role("link").evaluate(
            "el => Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight))"
        )
        assert link_lines <= 2, f"{name} takes {link_lines} lines"
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    label = page.get_by_label("Waiting at least")
    expect(label).to_be_visible()
    screenshot(page, "deal-queue")
