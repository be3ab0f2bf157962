"""Two-factor authentication with an authenticator app (TOTP, allauth.mfa)."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import Page, expect

from prm.models import Tenant
from tests.e2e.helpers import sign_out, submit_login, totp_code, wrong_totp_code
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _tolerate_one_time_step(settings):
    # allauth accepts only the current 30 s step by default; a code computed just before a step boundary would
    # be refused a few milliseconds later. Accepting the neighbouring step keeps the test deterministic.
    settings.MFA_TOTP_TOLERANCE = 1


def confirm_access(page: Page) -> None:
    """allauth asks for the password again before an authenticator is added."""
    expect(page.get_by_role("heading", name="Confirm Access")).to_be_visible()
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()


def activate_totp(page: Page) -> str:
    """On the activation page: read the secret, answer with the current code; returns the secret."""
    expect(page.get_by_role("heading", name="Activate Authenticator App")).to_be_visible()
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/$"))
    return secret


def assert_totp_activation_url(url: str, *, next_url: str) -> None:
    parts = urlsplit(url)
    assert parts.path == "/accounts/2fa/totp/activate/", url
    assert parse_qs(parts.query)["next"] == [next_url], url


def test_user_activates_totp_and_is_asked_for_the_code_at_the_next_sign_in(page, tenant, partner_admin):
    user = partner_admin.user
    page.goto("/accounts/login/")
    submit_login(page, email=user.email, password=PASSWORD)
    expect(page).to_have_url(re.compile(rf"/t/{tenant.slug}/portal/$"))

    page.locator("#userMenu").click()
    page.get_by_role("link", name="Two-factor authentication").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    expect(page.get_by_text("An authenticator app is not active.")).to_be_visible()
    page.get_by_role("link", name="Activate").click()
    confirm_access(page)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    secret = activate_totp(page)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    sign_out(page)
    submit_login(page, email=user.email, password=PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    expect(page.locator("#userMenu")).to_have_count(0)

    page.get_by_label("Code").fill(wrong_totp_code(secret))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("Incorrect code.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))

    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(rf"/t/{tenant.slug}/portal/$"))
    expect(page.locator("#userMenu")).to_be_visible()


def test_staff_without_totp_must_activate_it_when_the_program_requires_mfa(page, tenant, tenant_admin):
    Tenant.objects.filter(pk=tenant.pk).update(require_mfa_for_staff=True)
    page.goto("/accounts/login/")
    submit_login(page, email=tenant_admin.user.email, password=PASSWORD)

    response = page.goto(f"/t/{tenant.slug}/console/")

    # The console redirects to TOTP activation, which first asks the user to confirm their password.
    console = f"/t/{tenant.slug}/console/"
    enrol = response.request.redirected_from
    assert enrol.redirected_from.url.endswith(console)
    assert_totp_activation_url(enrol.url, next_url=console)
    expect(page.get_by_role("alert")).to_contain_text(f"{tenant.display_name} requires two-factor authentication")
    confirm_access(page)
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/\?"))
    assert_totp_activation_url(page.url, next_url=console)
    activate_totp(page)

    page.goto(f"/t/{tenant.slug}/console/")
    expect(page.get_by_role("heading", name="Channel console")).to_be_visible()
