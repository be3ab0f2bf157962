"""Signing in with email and password at allauth's login page."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import submit_login
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def test_member_signs_in_with_email_and_password_and_lands_in_their_program(page, tenant, tenant_admin, screenshot):
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Sign In")).to_be_visible()
    screenshot(page, "login")

    submit_login(page, email=tenant_admin.user.email, password=PASSWORD)

    expect(page).to_have_url(re.compile(rf"/t/{tenant.slug}/console/$"))
    expect(page.get_by_role("heading", name="Channel console")).to_be_visible()
    expect(page.locator(".navbar-brand")).to_have_text(tenant.display_name)


def test_wrong_password_shows_an_error_and_stays_on_the_login_page(page, tenant_admin):
    page.goto("/accounts/login/")

    submit_login(page, email=tenant_admin.user.email, password="not-the-password-1")

    expect(page.get_by_role("alert")).to_contain_text("password you specified are not correct")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_label("Email")).to_have_value(tenant_admin.user.email)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    expect(page.locator("#userMenu")).to_have_count(0)
