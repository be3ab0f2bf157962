"""Certifications in a real browser: a learner downloads the PDF and the Open Badge from My certifications and
opens the verification link signed out (also on a phone); staff read the learning report with its chart."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import PHONE
from tests.enablement.certifications_support import certify, program

pytestmark = pytest.mark.e2e


@pytest.fixture
def certified(db):
    p = program("acme")
    award = certify(p)
    return p, award


def _download_and_verify(page, sign_in, p, award, screenshot=None, name=""):
    sign_in(page.context, p.learner.user)
    page.goto(f"/t/{p.tenant.slug}/portal/certifications/")
    expect(page.get_by_role("heading", name="My certifications")).to_be_visible()
    card = page.locator(".card", has=page.get_by_role("heading", name="Certified Seller"))
    expect(card.get_by_test_id("award-state")).to_have_text("Valid")
    with page.expect_download() as pdf:
        card.get_by_test_id("download-pdf").click()
    assert pdf.value.suggested_filename == "certified-seller.pdf"
    with page.expect_download() as badge:
        card.get_by_test_id("download-credential").click()
    assert badge.value.suggested_filename == "certified-seller.jwt"
    if screenshot:
        screenshot(page, name)
    verify_url = card.get_by_test_id("verify-link").get_attribute("href")
    page.context.clear_cookies()
    page.goto(verify_url)
    expect(page.get_by_text("This certificate is genuine and valid.")).to_be_visible()
    expect(page.get_by_test_id("recipient")).to_have_text("Ada Byron")
    expect(page.locator('meta[name="robots"]')).to_have_attribute("content", re.compile("noindex"))


def test_a_learner_downloads_the_certificate_and_checks_it_signed_out(page, sign_in, certified, screenshot):
    p, award = certified
    _download_and_verify(page, sign_in, p, award, screenshot, "my-certifications")
    screenshot(page, "certification-verify")


@pytest.mark.browser_context_args(viewport=PHONE, is_mobile=True, has_touch=True)
def test_the_certificate_pages_work_on_a_phone(page, sign_in, certified, screenshot):
    p, award = certified
    _download_and_verify(page, sign_in, p, award)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "certification-verify-phone")


def test_staff_read_the_learning_report_with_its_chart(page, sign_in, certified, screenshot):
    p, _award = certified
    sign_in(page.context, p.admin.user)
    page.goto(f"/t/{p.tenant.slug}/enablement/reports/")
    expect(page.get_by_role("heading", name="Learning reports")).to_be_visible()
    expect(page.get_by_test_id("total-enrolled")).to_have_text("2")
    # Chart.js drew on the canvas (a blank canvas has no non-transparent pixel).
    drawn = page.evaluate(
        """() => { const c = document.getElementById('learningChart');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   for (let i = 3; i < d.length; i += 4) if (d[i]) return true; return false; }"""
    )
    assert drawn
    screenshot(page, "learning-report")
    page.goto(f"/t/{p.tenant.slug}/certifications/{p.certification.pk}/")
    expect(page.get_by_test_id("holders")).to_have_text("1")
    screenshot(page, "certification-detail")
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Valid for (months)").fill("24")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("apply-to-existing")).to_contain_text("choose whether it applies")
    screenshot(page, "certification-edit")
    page.get_by_label("Also recompute the expiry of certificates already awarded and valid").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Certified Seller is saved.")).to_be_visible()
