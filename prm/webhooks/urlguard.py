"""Where webhooks may be sent: `http(s)` URLs whose host resolves only to public addresses.

A webhook URL is chosen by a tenant admin, and the server POSTs to it: without this rule a tenant could make the
platform call its own private network (server-side request forgery). Private, loopback, link-local, shared
(CGNAT), reserved, multicast and unspecified addresses, IPv4 and IPv6 (IPv4-mapped, 6to4 and Teredo ones included),
and NAT64 addresses (`64:ff9b::/96`, `64:ff9b:1::/48`: a NAT64 gateway near the server turns them into IPv4 ones,
private ones included), are refused
unless `settings.PRM_WEBHOOKS_ALLOW_PRIVATE_TARGETS` is on (tests with a local receiver, on-premises installs).

The rule is checked when an endpoint is saved and again before every delivery, since DNS answers change. The
delivery then connects to an address that was checked (`Target.pinned_url`), not to a fresh lookup, so a
rebinding answer between the check and the connection cannot slip through.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from prm.errors import ValidationFailed

ALLOWED_SCHEMES = ("http", "https")
MAX_URL_LENGTH = 500

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Named, not left to `is_reserved`: whether a Python version counts them reserved (inside ::/8) is its own choice.
NAT64_NETWORKS = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))


class TargetRefused(ValidationFailed):
    """The URL may not receive webhooks (wrong scheme, unresolvable, or a non-public address)."""

    def __init__(self, message: str):
        super().__init__(message, field="url")


@dataclass(frozen=True)
class Target:
    url: httpx.URL
    addresses: tuple[IPAddress, ...]

    def pinned_url(self, address: IPAddress) -> httpx.URL:
        """The URL with its host replaced by a checked address (the Host header and TLS name stay the host)."""
        return self.url.copy_with(host=str(address))

    @property
    def host_header(self) -> str:
        return self.url.netloc.decode("ascii").rpartition("@")[2]

    @property
    def tls_server_name(self) -> str:
        return self.url.raw_host.decode("ascii")


def private_targets_allowed() -> bool:
    return bool(getattr(settings, "PRM_WEBHOOKS_ALLOW_PRIVATE_TARGETS", False))


def refusal_reason(address: IPAddress) -> str | None:
    """Why webhooks may not go to this address, or None when it is a public one."""
    if isinstance(address, ipaddress.IPv6Address):
        if any(address in network for network in NAT64_NETWORKS):
            return "NAT64"
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is not None:
            return refusal_reason(embedded)
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
    )
    for name, matches in checks:
        if matches:
            return name
    if not address.is_global:
        return "non-public"
    return None


def parse(url: str) -> httpx.URL:
    """The URL, if it is an absolute http(s) URL with a host; TargetRefused otherwise."""
    url = (url or "").strip()
    if not url:
        raise TargetRefused(_("Enter the URL that should receive the webhooks."))
    if len(url) > MAX_URL_LENGTH:
        raise TargetRefused(_("Use a URL of at most %(limit)s characters.") % {"limit": MAX_URL_LENGTH})
    if any(char.isspace() for char in url):
        raise TargetRefused(_("A URL cannot contain spaces."))
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise TargetRefused(_("Enter a valid URL, such as https://example.com/webhooks.")) from exc
    if not parsed.scheme:
        raise TargetRefused(_("Enter a full URL, starting with https:// (such as https://example.com/webhooks)."))
    if parsed.scheme not in ALLOWED_SCHEMES:
        raise TargetRefused(_("Webhooks are sent only to http:// or https:// URLs."))
    if not parsed.raw_host:
        raise TargetRefused(_("Enter a valid URL, such as https://example.com/webhooks."))
    return parsed


def resolve(url: httpx.URL) -> list[IPAddress]:
    host = url.raw_host.decode("ascii")
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise TargetRefused(_("The host name %(host)s does not resolve.") % {"host": url.host}) from exc
    addresses = []
    for _family, _type, _proto, _canonname, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])  # drop an IPv6 zone index
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise TargetRefused(_("The host name %(host)s does not resolve.") % {"host": url.host})
    return addresses


def check(url: str) -> Target:
    """Check a webhook URL now: the Target to connect to, or TargetRefused (field `url`).

    Every address the host resolves to must be public: a name that answers with one public and one private
    address is refused, since either may be used."""
    parsed = parse(url)
    addresses = resolve(parsed)
    if not private_targets_allowed():
        for address in addresses:
            reason = refusal_reason(address)
            if reason is not None:
                raise TargetRefused(
                    _("Webhooks cannot be sent to %(kind)s addresses (%(host)s is %(address)s). Use a public address.")
                    % {"kind": reason, "host": parsed.host, "address": address}
                )
    return Target(url=parsed, addresses=tuple(addresses))
