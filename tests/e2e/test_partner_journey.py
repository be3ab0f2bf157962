"""The whole way in: a company applies on the public page, a channel manager approves it, the partner admin accepts
the invitation, accepts the program agreement, completes the profile and watches the checklist advance until the
partner is active."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from partners.models import OnboardingStepKind, PartnerOrganization, PartnerStatus
from prm.tenancy import tenant_context
from tests.factories import make_agreement
from tests.partners.onboarding_support import make_plan

pytestmark = pytest.mark.e2e

PASSWORD = "harbour-lantern-copper-19"

# Two required steps and an optional first deal: activation must not wait for the optional one.
PLAN = [
    {"title": "Accept the program agreement", "kind": OnboardingStepKind.ACCEPT_AGREEMENT, "due_offset_days": 7},
    {"title": "Complete the company profile", "kind": OnboardingStepKind.COMPLETE_PROFILE, "due_offset_days": 14},
    {"title": "Register a first deal", "kind": OnboardingStepKind.REGISTER_DEAL, "required": False},
]


def link_path(body: str, pattern: str) -> str:
    """A link's path from an email (emails carry SITE_URL; the browser talks to the live server)."""
    match = re.search(rf"https?://\S+{pattern}\S+/", body)
    assert match, body
    return urlsplit(match.group(0)).path


def test_apply_approve_join_accept_agreement_complete_profile_and_become_active(
    page, new_context, sign_in, tenant, tenant_admin, mailoutbox, screenshot
):
    make_plan(tenant, PLAN, name="Partner onboarding")
    make_agreement(tenant, actor=tenant_admin, body="The partner sells Sentinel products under the program's rules.")

    # A company applies on the public page and confirms its address.
    applicant = new_context().new_page()
    applicant.goto(f"/t/{tenant.slug}/apply/")
    applicant.get_by_label("Company name").fill("Contoso Security")
    applicant.get_by_label("Website").fill("https://www.contoso-security.de")
    applicant.get_by_label("First name").fill("Klara")
    applicant.get_by_label("Work email").fill("klara@contoso-security.de")
    applicant.get_by_label("What kind of partner are you?").select_option(label="Managed service provider")
    applicant.get_by_label("Country").select_option("DE")
    applicant.get_by_role("button", name="Send application").click()
    expect(applicant.get_by_test_id("apply-sent")).to_contain_text("klara@contoso-security.de")
    applicant.goto(link_path(mailoutbox[-1].body, "/apply/confirm/"))
    applicant.get_by_role("button", name="Confirm my application").click()
    expect(applicant.get_by_test_id("apply-confirmed")).to_be_visible()

    # The channel manager approves it from the queue: the admin is invited.
    sign_in(page.context, tenant_admin.user)
    page.goto(f"/t/{tenant.slug}/console/")
    page.get_by_test_id("nav-applications").click()
    page.get_by_role("link", name="Contoso Security").click()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_test_id("application-status")).to_have_text("Approved")
    invitation_mail = mailoutbox[-1]
    assert invitation_mail.to == ["klara@contoso-security.de"]

    # The applicant accepts the invitation and lands on the portal with the checklist.
    applicant.goto(link_path(invitation_mail.body, "/invitations/accept/"))
    applicant.get_by_label("First name").fill("Klara")
    applicant.get_by_label("Password", exact=True).fill(PASSWORD)
    applicant.get_by_label("Password (again)").fill(PASSWORD)
    applicant.get_by_role("button", name="Create account and join").click()
    expect(applicant).to_have_url(re.compile(rf"/t/{tenant.slug}/portal/$"))
    progress = applicant.get_by_test_id("checklist-progress")
    expect(progress).to_have_text("0 of 2 required steps done")
    screenshot(applicant, "journey-checklist")

    # Accept the agreement from the checklist.
    applicant.locator("#onboarding-checklist").get_by_role("link", name="Read and accept").click()
    applicant.get_by_role("link", name="Partner program agreement").first.click()
    applicant.get_by_role("button", name="I accept on behalf of Contoso Security").click()
    applicant.goto(f"/t/{tenant.slug}/portal/")
    expect(progress).to_have_text("1 of 2 required steps done")

    # Complete the profile from the checklist.
    applicant.locator("#onboarding-checklist").get_by_role("link", name="Edit the profile").click()
    applicant.get_by_label("Legal name").fill("Contoso Security GmbH")
    applicant.get_by_label("Website").fill("https://www.contoso-security.de")
    applicant.get_by_label("Email domains").fill("contoso-security.de")
    applicant.get_by_label("Country").select_option("DE")
    applicant.get_by_label("Europe, Middle East and Africa (EMEA)").check()
    applicant.get_by_label("Industries").fill("Banking; Public sector")
    applicant.get_by_label("Company size").select_option("51-200")
    applicant.get_by_role("button", name="Save profile").click()
    applicant.goto(f"/t/{tenant.slug}/portal/")
    expect(applicant.get_by_role("heading", name="Onboarding complete")).to_be_visible()
    expect(progress).to_have_text("2 of 2 required steps done")
    screenshot(applicant, "journey-active")

    with tenant_context(tenant):
        partner = PartnerOrganization.objects.get(name="Contoso Security")
        assert partner.status == PartnerStatus.ACTIVE
        assert partner.applied_at <= partner.approved_at <= partner.activated_at
