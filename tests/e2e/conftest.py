"""Browser tests: the real site behind pytest-django's live_server, driven by Playwright in headless Chromium.

Chromium is the system's (Debian's) build: Playwright cannot download its own browsers on these machines.
Without it the tests skip on a laptop and fail in CI, where a missing browser is a broken pipeline.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import sync_playwright

from tests.e2e.helpers import DESKTOP
from tests.factories import PartnerUserFactory, StaffFactory

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# `make screenshots` refreshes the README's pictures in docs/screenshots; an ordinary test run writes its
# screenshots under test-results/ so that running the tests leaves the working tree clean.
SCREENSHOTS = Path(settings.BASE_DIR) / (
    "docs/screenshots" if os.environ.get("PRM_SCREENSHOTS") else "test-results/screenshots"
)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.access(CHROMIUM, os.X_OK):
        message = f"Chromium not found at {CHROMIUM} (install Debian's `chromium` package or set E2E_CHROMIUM)."
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="package", autouse=True)
def _allow_orm_beside_playwright_loop():
    """Playwright's sync API keeps an asyncio loop running in this thread, and Django refuses ORM calls from a
    thread with a running loop unless DJANGO_ALLOW_ASYNC_UNSAFE is set. The test code stays synchronous, so it
    is safe here. It is set only while this package runs (autouse: set up before, torn down after Playwright),
    so the rest of the suite, and the subprocesses it starts, keep Django's protection.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# pytest-playwright starts Playwright (and its running event loop) once per session and stops it only when the
# session ends, so every test collected after these would run beside that loop. These package-scoped versions
# of its fixtures stop Playwright when the last browser test is done.
@pytest.fixture(scope="package")
def playwright():
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="package")
def browser_type(playwright, browser_name):
    return getattr(playwright, browser_name)


@pytest.fixture(scope="package")
def launch_browser(browser_type_launch_args, browser_type):
    def launch(**kwargs):
        return browser_type.launch(**{**browser_type_launch_args, **kwargs})

    return launch


@pytest.fixture(scope="package")
def browser(launch_browser):
    browser = launch_browser()
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def base_url(live_server):
    """Relative `page.goto("/…")` resolves against the live server.

    Defining it here also replaces pytest-playwright's fallback `base_url`, a session fixture written as an
    instance method, which pytest 9 reports with a PytestRemovedIn10Warning (an error under our filters).
    """
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(base_url):
    # Reduced motion turns off Bootstrap's smooth scrolling: a click scrolled into view mid-animation lands on
    # whatever passes under the pointer (a video frame above the button, say) instead of the button.
    return {
        "base_url": base_url,
        "viewport": DESKTOP,
        "locale": "en-US",
        "timezone_id": "UTC",
        "reduced_motion": "reduce",
    }


@pytest.fixture
def page(page):
    # Fail fast: every step here is a local page load; the default 30 s only hides a hang.
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def screenshot():
    """Save a full-page PNG under docs/screenshots/ (the README embeds them) with a stable name."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page, name: str, *, full_page: bool = True):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page, animations="disabled")

    return save


@pytest.fixture
def sign_in(live_server):
    """Put a signed-in session for `user` into a browser context without going through the login form.

    The login form itself is covered by test_login.py; the other journeys start from a session.
    """

    def attach(context, user):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        return context

    return attach


# The people in the journeys have fixed names and addresses, so the screenshots do not change from run to run.
@pytest.fixture
def tenant_admin(tenant):
    return StaffFactory(
        tenant=tenant, user__email="grace.admin@acme.example", user__first_name="Grace", user__last_name="Hopper"
    )


@pytest.fixture
def partner_admin(tenant, partner_org):
    return PartnerUserFactory(
        tenant=tenant,
        partner_organization=partner_org,
        user__email="lee.partner@northwind.example",
        user__first_name="Lee",
        user__last_name="Olson",
    )
