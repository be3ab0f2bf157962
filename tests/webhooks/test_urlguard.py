"""Webhooks go only to http(s) URLs on public addresses, unless the setting allows private ones."""

import socket
from unittest import mock

import pytest

from prm.webhooks import urlguard
from prm.webhooks.urlguard import TargetRefused


def resolving_to(*addresses):
    """A getaddrinfo answering every name with these addresses (no real DNS in tests)."""

    def getaddrinfo(host, port, *args, **kwargs):
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses
        ]

    return mock.patch("socket.getaddrinfo", side_effect=getaddrinfo)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://127.8.9.10:8000/hook",
        "http://10.1.2.3/hook",
        "http://172.16.0.1/hook",
        "http://192.168.1.10/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/hook",
        "http://0.0.0.0/hook",
        "http://224.0.0.1/hook",
        "http://240.0.0.1/hook",
        "http://[::1]/hook",
        "http://[::]/hook",
        "http://[fc00::1]/hook",
        "http://[fd12:3456:789a::1]/hook",
        "http://[fe80::1]/hook",
        "http://[ff02::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[::ffff:10.0.0.1]/hook",
        "http://[2002:7f00:1::]/hook",
        "http://[2001:db8::1]/hook",
    ],
)
def test_private_loopback_link_local_and_reserved_addresses_are_refused(url):
    with pytest.raises(TargetRefused) as refused:
        urlguard.check(url)
    assert refused.value.field == "url"
    assert "Use a public address" in refused.value.message


@pytest.mark.parametrize(
    "address", ["64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b::808:808", "64:ff9b:1::a00:1", "64:ff9b:1:ffff::1"]
)
def test_nat64_addresses_are_refused_whatever_ipv4_address_they_embed(address):
    # A NAT64 gateway on the platform's own network would translate them to IPv4 hosts, private ones included.
    with pytest.raises(TargetRefused, match="NAT64"):
        urlguard.check(f"http://[{address}]/hook")
    with resolving_to(address), pytest.raises(TargetRefused, match="NAT64"):
        urlguard.check("https://innocent.example.com/hook")


def test_a_host_name_resolving_to_loopback_is_refused():
    with resolving_to("127.0.0.1"), pytest.raises(TargetRefused, match="loopback"):
        urlguard.check("https://innocent.example.com/hook")


def test_a_host_name_with_one_private_address_among_public_ones_is_refused():
    with resolving_to("93.184.216.34", "10.0.0.7"), pytest.raises(TargetRefused, match="private"):
        urlguard.check("https://mixed.example.com/hook")


def test_an_unresolvable_host_name_is_refused():
    with (
        mock.patch("socket.getaddrinfo", side_effect=socket.gaierror(-2, "Name or service not known")),
        pytest.raises(TargetRefused, match="does not resolve"),
    ):
        urlguard.check("https://no-such-host.example/hook")


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/hook",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "gopher://example.com/",
        "example.com/hook",
    ],
)
def test_only_http_and_https_urls_are_accepted(url):
    with pytest.raises(TargetRefused, match="http:// or https://|starting with https://"):
        urlguard.check(url)


@pytest.mark.parametrize(
    "url", ["", "   ", "not a url", "http://", "https://exa mple.com/", "//example.com/hook", "https://" + "a" * 500]
)
def test_malformed_urls_are_refused(url):
    with pytest.raises(TargetRefused):
        urlguard.check(url)


def test_a_public_ip_literal_is_accepted():
    target = urlguard.check("https://93.184.216.34/hook?x=1")
    assert [str(a) for a in target.addresses] == ["93.184.216.34"]
    assert str(target.pinned_url(target.addresses[0])) == "https://93.184.216.34/hook?x=1"


def test_a_public_host_name_is_pinned_to_the_checked_address():
    with resolving_to("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"):
        target = urlguard.check("https://hooks.example.com:8443/in?x=1")
    assert str(target.pinned_url(target.addresses[1])) == "https://[2606:2800:220:1:248:1893:25c8:1946]:8443/in?x=1"
    assert target.host_header == "hooks.example.com:8443"
    assert target.tls_server_name == "hooks.example.com"


def test_private_addresses_are_accepted_when_the_setting_allows_them(settings):
    settings.PRM_WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    assert [str(a) for a in urlguard.check("http://127.0.0.1:8080/hook").addresses] == ["127.0.0.1"]
    settings.PRM_WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    with pytest.raises(TargetRefused):
        urlguard.check("http://127.0.0.1:8080/hook")
