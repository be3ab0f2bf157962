"""The client's address, derived in one place: the application page's limit, allauth's login limits (through
prm.adapters), the API's anonymous limit and the address kept as evidence of an agreement's acceptance.

Behind a reverse proxy REMOTE_ADDR is the proxy, the same for every visitor. The deployment says how many proxies
it trusts (`ALLAUTH_TRUSTED_PROXY_COUNT`, from `PRM_TRUSTED_PROXY_COUNT`) or which header its edge sets
(`ALLAUTH_TRUSTED_CLIENT_IP_HEADER`, from `PRM_TRUSTED_CLIENT_IP_HEADER`); allauth's names, so both read the same.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The address of the client, or None when what the trusted source says is no address.

    With a trusted header, its value. Behind N trusted proxies, the Nth X-Forwarded-For entry from the right: each
    proxy appends the address it received from, so anything further left was written by the client and is never
    believed. Otherwise, and for requests that did not pass the proxies (a health probe), REMOTE_ADDR."""
    header = getattr(settings, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER", None)
    proxies = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    value = request.headers.get(header, "") if header else ""
    if not value and proxies:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        value = forwarded[-proxies] if len(forwarded) >= proxies else ""
    if not value:
        value = request.META.get("REMOTE_ADDR", "")
    return _address(value)


def _address(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 192.0.2.1:443
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None
