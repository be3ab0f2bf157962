"""Steps the journeys share, and a tiny RFC 6238 authenticator so no package is needed to answer TOTP."""

import base64
import hashlib
import hmac
import re
import struct
import time

from playwright.sync_api import Page, expect

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}  # an iPhone 12-15 sized viewport


def totp_code(secret: str, *, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """The code an authenticator app shows for the base32 `secret` (HMAC-SHA1, 30 s steps)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def wrong_totp_code(secret: str) -> str:
    """A code that is wrong now and in the neighbouring time steps."""
    now = time.time()
    valid = {totp_code(secret, at=now + drift) for drift in (-60, -30, 0, 30, 60)}
    return next(code for code in ("000000", "111111", "222222", "333333", "444444", "555555") if code not in valid)


def submit_login(page: Page, *, email: str, password: str) -> None:
    """Fill allauth's sign-in form (the page must be open) and submit it."""
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign In").click()


def sign_out(page: Page) -> None:
    """Sign out from the navbar's user menu (a POST form)."""
    page.locator("#userMenu").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
