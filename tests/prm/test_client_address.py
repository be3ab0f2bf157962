"""The client's address behind the reverse proxy: derived in one place (prm.http.client_ip) for the application
page's limit, allauth's login limits, the API's anonymous limit and agreement-acceptance evidence; trusted from
X-Forwarded-For only as far as the configured proxies reach."""

import runpy

import pytest
from django.test import RequestFactory, override_settings

from partners.models import PartnerApplication
from prm.http import client_ip
from prm.tenancy import tenant_context
from tests.factories import UserFactory
from tests.partners.test_views_recruitment_apply import apply_url, form

PROXY = "10.0.0.2"  # REMOTE_ADDR of every request that came through the reverse proxy
BEHIND_ONE_PROXY = override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)


def request(remote_addr=PROXY, **headers):
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, headers=headers)


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored():
    assert client_ip(request(**{"X-Forwarded-For": "198.51.100.7"})) == PROXY


@BEHIND_ONE_PROXY
def test_behind_one_proxy_the_address_it_appended_is_the_client():
    assert client_ip(request(**{"X-Forwarded-For": "198.51.100.7"})) == "198.51.100.7"
    # What the client wrote itself stays to the left of what the proxy appended, and is not believed.
    assert client_ip(request(**{"X-Forwarded-For": "203.0.113.66, 198.51.100.7"})) == "198.51.100.7"
    # A request that did not come through the proxy (the container's health probe) is its own sender.
    assert client_ip(request("127.0.0.1")) == "127.0.0.1"


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=2)
def test_fewer_forwarded_addresses_than_trusted_proxies_fall_back_to_the_sender():
    assert client_ip(request(**{"X-Forwarded-For": "198.51.100.7"})) == PROXY


@override_settings(ALLAUTH_TRUSTED_CLIENT_IP_HEADER="CF-Connecting-IP")
def test_a_trusted_client_ip_header_names_the_client():
    assert client_ip(request(**{"CF-Connecting-IP": "2001:db8::7", "X-Forwarded-For": "1.2.3.4"})) == "2001:db8::7"
    assert client_ip(request(**{"CF-Connecting-IP": "not an address"})) is None


def test_production_reads_the_proxy_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    monkeypatch.setenv("PRM_TRUSTED_PROXY_COUNT", "1")
    monkeypatch.setenv("PRM_TRUSTED_CLIENT_IP_HEADER", "X-Real-IP")
    production = runpy.run_module("prm.settings.production")
    assert production["ALLAUTH_TRUSTED_PROXY_COUNT"] == 1
    assert production["ALLAUTH_TRUSTED_CLIENT_IP_HEADER"] == "X-Real-IP"
    monkeypatch.delenv("PRM_TRUSTED_PROXY_COUNT")
    monkeypatch.delenv("PRM_TRUSTED_CLIENT_IP_HEADER")
    production = runpy.run_module("prm.settings.production")
    assert (production["ALLAUTH_TRUSTED_PROXY_COUNT"], production["ALLAUTH_TRUSTED_CLIENT_IP_HEADER"]) == (0, None)


def apply_from(client, tenant, address, n):
    return client.post(
        apply_url(tenant),
        form(website=f"https://company{n}.com", contact_email=f"a@company{n}.com"),
        REMOTE_ADDR=PROXY,
        headers={"X-Forwarded-For": address},
    )


@BEHIND_ONE_PROXY
@pytest.mark.django_db
def test_two_visitors_behind_the_proxy_do_not_share_the_application_limit(client, tenant):
    for n in range(5):
        assert apply_from(client, tenant, "198.51.100.9", n).status_code == 200, n
    assert apply_from(client, tenant, "198.51.100.9", 5).status_code == 429
    assert apply_from(client, tenant, "198.51.100.10", 6).status_code == 200
    with tenant_context(tenant):
        assert PartnerApplication.objects.order_by("pk").last().submitted_ip == "198.51.100.10"


@pytest.mark.django_db
def test_a_spoofed_forwarded_header_without_a_trusted_proxy_does_not_open_a_new_bucket(client, tenant):
    for n in range(5):
        assert apply_from(client, tenant, f"198.51.100.{n}", n).status_code == 200, n
    assert apply_from(client, tenant, "198.51.100.99", 5).status_code == 429


def login_attempt(client, address):
    return client.post(
        "/accounts/login/",
        {"login": "nobody@example.com", "password": "wrong-password"},
        REMOTE_ADDR=PROXY,
        headers={"X-Forwarded-For": address},
    )


@BEHIND_ONE_PROXY
@override_settings(ACCOUNT_RATE_LIMITS={"login": "2/m/ip"})
@pytest.mark.django_db
def test_two_visitors_behind_the_proxy_do_not_share_the_login_limit(client):
    UserFactory(email="nobody@example.com")
    assert [login_attempt(client, "198.51.100.9").status_code for _ in range(3)] == [200, 200, 429]
    assert login_attempt(client, "198.51.100.10").status_code == 200
