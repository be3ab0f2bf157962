"""A company applies on the program's public page, confirms by email, and a channel manager approves it from the
queue: the partner is onboarding and its admin is invited."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from partners.models import ApplicationStatus, PartnerApplication, PartnerOrganization, PartnerStatus
from prm.tenancy import tenant_context
from tests.factories import IppCriterionFactory

pytestmark = pytest.mark.e2e


def link_path(body: str, pattern: str) -> str:
    match = re.search(rf"https?://\S+{pattern}\S+/", body)
    assert match, body
    return urlsplit(match.group(0)).path


def test_a_company_applies_confirms_and_is_approved_from_the_queue(
    page, new_context, sign_in, tenant, tenant_admin, mailoutbox, screenshot
):
    IppCriterionFactory(tenant=tenant, label="DACH headquarters", value=["DE", "AT", "CH"], weight=30)
    IppCriterionFactory(
        tenant=tenant, label="Customer base", attribute="customer_count", operator="gte", value=100, weight=20
    )

    applicant = new_context().new_page()
    applicant.goto(f"/t/{tenant.slug}/apply/")
    expect(applicant.get_by_test_id("program-name")).to_have_text(tenant.display_name)
    applicant.get_by_label("Company name").fill("Contoso Security")
    applicant.get_by_label("Website").fill("contoso-security.de")
    applicant.get_by_label("First name").fill("Klara")
    applicant.get_by_label("Work email").fill("klara@contoso-security.de")
    applicant.get_by_label("What kind of partner are you?").select_option(label="Managed service provider")
    applicant.get_by_label("Country").select_option("DE")
    applicant.get_by_label("Customers").fill("40")
    screenshot(applicant, "apply")
    applicant.get_by_role("button", name="Send application").click()
    expect(applicant.get_by_test_id("apply-sent")).to_contain_text("klara@contoso-security.de")

    applicant.goto(link_path(mailoutbox[-1].body, "/apply/confirm/"))
    applicant.get_by_role("button", name="Confirm my application").click()
    expect(applicant.get_by_test_id("apply-confirmed")).to_contain_text("your application is confirmed")

    sign_in(page.context, tenant_admin.user)
    page.goto(f"/t/{tenant.slug}/console/")
    expect(page.get_by_test_id("applications-waiting")).to_contain_text("1")
    page.get_by_test_id("nav-applications").click()
    page.get_by_role("link", name="Contoso Security").click()
    expect(page.get_by_test_id("ipp-score")).to_contain_text("60")
    expect(page.get_by_test_id("ipp-explanation")).to_contain_text("Customer count 40 is below 100")
    screenshot(page, "application")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("alert").first).to_contain_text("Contoso Security is approved")
    expect(page.get_by_test_id("application-status")).to_have_text("Approved")

    with tenant_context(tenant):
        assert PartnerApplication.objects.get().status == ApplicationStatus.APPROVED
        assert PartnerOrganization.objects.get(name="Contoso Security").status == PartnerStatus.ONBOARDING
    assert "/invitations/accept/" in mailoutbox[-1].body and mailoutbox[-1].to == ["klara@contoso-security.de"]
