"""Invitation forms preselect the least privileged role: a partner admin or a channel manager who only types an
address invites a partner marketing user, a tenant admin on the members page an analyst."""

import pytest
from playwright.sync_api import expect

from prm.models import Invitation
from prm.roles import Role
from prm.tenancy import tenant_context

pytestmark = pytest.mark.e2e


def test_the_partner_team_page_preselects_partner_marketing_and_sends_it(page, sign_in, tenant, partner_admin):
    sign_in(page.context, partner_admin.user)
    page.goto(f"/t/{tenant.slug}/portal/team/")
    role = page.get_by_label("Role")
    expect(role).to_have_value(Role.PARTNER_MARKETING)
    expect(role.locator("option:checked")).to_have_text("Partner marketing")

    page.get_by_label("Email").fill("quick.click@northwind.example")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("alert")).to_contain_text("Invitation sent to quick.click@northwind.example")
    with tenant_context(tenant):
        assert Invitation.objects.get(email="quick.click@northwind.example").role == Role.PARTNER_MARKETING


def test_staff_invite_forms_preselect_the_least_privileged_role(page, sign_in, tenant, tenant_admin, partner_org):
    sign_in(page.context, tenant_admin.user)
    page.goto(f"/t/{tenant.slug}/partners/{partner_org.pk}/")
    expect(page.get_by_label("Role")).to_have_value(Role.PARTNER_MARKETING)

    page.goto(f"/t/{tenant.slug}/members/")
    expect(page.get_by_label("Role")).to_have_value(Role.ANALYST)
    expect(page.get_by_label("Role").locator("option:checked")).to_have_text("Analyst (read-only)")
