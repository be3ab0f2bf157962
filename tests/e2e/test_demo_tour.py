"""The seeded demo program, as a visitor of `make run` sees it: the README's screenshots come from here."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from prm.demo import DEMO_PASSWORD

from .helpers import PHONE, submit_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_demo_logins_work_and_show_the_seeded_program(page, browser, live_server, screenshot):
    call_command("seed_demo", verbosity=0)

    page.goto("/accounts/login/")
    submit_login(page, email="admin@demo.example", password=DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/t/demo/console/$"))
    expect(page.locator(".navbar-brand")).to_contain_text("Sentinel Partner Program")
    expect(page.get_by_test_id("partner-total")).to_have_text("32")
    screenshot(page, "demo-console")

    page.get_by_role("link", name="Partners").click()
    expect(page.get_by_role("link", name="Northwind Secure Solutions")).to_be_visible()
    screenshot(page, "demo-partners")

    partner_user = get_user_model().objects.get(email="partner.admin@northwind.example")
    phone = browser.new_context(base_url=live_server.url, viewport=PHONE)
    try:
        mobile = phone.new_page()
        mobile.goto("/accounts/login/")
        submit_login(mobile, email=partner_user.email, password=DEMO_PASSWORD)
        expect(mobile).to_have_url(re.compile(r"/t/demo/portal/$"))
        expect(mobile.locator("main").get_by_text("Northwind Secure Solutions").first).to_be_visible()
        screenshot(mobile, "demo-portal-phone")
    finally:
        phone.close()
