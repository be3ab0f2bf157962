"""A partner admin invites a colleague by email; the colleague follows the link and joins."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from prm import services
from prm.models import Invitation, Membership
from prm.roles import Role
from prm.tenancy import tenant_context

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "lantern-quiet-orbit-42"


def accept_path(body: str) -> str:
    """The invitation link's path: the email is built from SITE_URL, the browser talks to the live server."""
    match = re.search(r"https?://\S+/invitations/accept/\S+/", body)
    assert match, body
    return urlsplit(match.group(0)).path


def test_partner_admin_invites_a_colleague_who_accepts_and_lands_in_the_portal(
    page, new_context, sign_in, tenant, partner_admin, mailoutbox, screenshot
):
    sign_in(page.context, partner_admin.user)
    page.goto(f"/t/{tenant.slug}/portal/")
    page.get_by_role("link", name="Invite a colleague").click()
    expect(page).to_have_url(re.compile(rf"/t/{tenant.slug}/portal/team/$"))

    page.get_by_label("Email").fill("dana.colleague@example.com")
    page.get_by_label("Role").select_option(label="Partner sales")
    page.get_by_role("button", name="Send invitation").click()

    expect(page.get_by_role("alert")).to_contain_text("Invitation sent to dana.colleague@example.com")
    expect(page.get_by_text("dana.colleague@example.com").last).to_be_visible()
    screenshot(page, "team")
    assert [m.to for m in mailoutbox] == [["dana.colleague@example.com"]]
    path = accept_path(mailoutbox[0].body)

    invitee = new_context().new_page()
    invitee.goto(path)
    expect(invitee.get_by_role("heading", name=f"Join {tenant.display_name}")).to_be_visible()
    invitee.get_by_label("First name").fill("Dana")
    invitee.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    invitee.get_by_label("Password (again)").fill(NEW_PASSWORD)
    invitee.get_by_role("button", name="Create account and join").click()

    expect(invitee).to_have_url(re.compile(rf"/t/{tenant.slug}/portal/$"))
    expect(invitee.get_by_role("heading", name="Welcome, Dana")).to_be_visible()
    expect(invitee.get_by_role("alert")).to_contain_text(f"Welcome to {tenant.display_name}")
    with tenant_context(tenant):
        membership = Membership.objects.get(user__email="dana.colleague@example.com")
        assert membership.role == Role.PARTNER_SALES
        assert membership.partner_organization_id == partner_admin.partner_organization_id


def test_expired_invitation_link_shows_an_expired_page_and_creates_nothing(page, tenant, partner_admin):
    with tenant_context(tenant):
        invitation, token = services.invitation_create(
            actor=partner_admin,
            email="late.larry@example.com",
            role=Role.PARTNER_SALES,
            partner_organization=partner_admin.partner_organization,
        )
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    response = page.goto(f"/t/{tenant.slug}/invitations/accept/{token}/")

    assert response.status == 410
    expect(page.get_by_role("heading", name="This invitation cannot be used")).to_be_visible()
    expect(page.get_by_test_id("invitation-problem")).to_contain_text("This invitation has expired")
    expect(page.get_by_role("button", name="Create account and join")).to_have_count(0)
    assert not get_user_model().objects.filter(email="late.larry@example.com").exists()
    with tenant_context(tenant):
        assert Invitation.objects.get(pk=invitation.pk).accepted_at is None
