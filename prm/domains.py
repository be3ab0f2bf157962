"""Registrable domains of what people type in website, domain and e-mail fields: one rule for every app (deal
conflicts, recruitment's duplicate applications, CRM accounts). Pure Python, no database, cached."""

from __future__ import annotations

import re
from functools import lru_cache

import idna  # a dependency of httpx; IDNA 2008 + UTS 46, as registries use (straße.de stays straße.de)
import tldextract

# The public suffix list snapshot bundled with tldextract: no download, no cache directory.
_TLD = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
_TLD("example.com")  # parses the snapshot now (~50 ms) rather than on the first keystroke of a worker

# Mailbox providers: an address there says nothing about which company someone works for, so these domains are
# never a match key (two customers typed with @gmail.com addresses are not the same customer).
WEBMAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "passport.com",
        "icloud.com", "me.com", "mac.com", "aol.com", "aim.com", "proton.me", "pm.me", "protonmail.com",
        "protonmail.ch", "tutanota.com", "tutanota.de", "tuta.io", "tuta.com", "fastmail.com", "fastmail.fm",
        "hey.com", "zohomail.com", "mail.com", "email.com", "inbox.com", "hushmail.com", "mailbox.org",
        "posteo.de", "web.de", "t-online.de", "freenet.de", "arcor.de", "mail.ru", "inbox.ru", "list.ru",
        "bk.ru", "rambler.ru", "qq.com", "163.com", "126.com", "yeah.net", "sina.com", "naver.com", "daum.net",
        "hanmail.net", "orange.fr", "wanadoo.fr", "free.fr", "sfr.fr", "laposte.net", "libero.it", "virgilio.it",
        "tiscali.it", "wp.pl", "o2.pl", "interia.pl", "onet.pl", "seznam.cz", "centrum.cz", "btinternet.com",
        "sky.com", "virginmedia.com", "comcast.net", "att.net", "verizon.net", "sbcglobal.net", "cox.net",
        "charter.net", "earthlink.net", "shaw.ca", "rogers.com", "bigpond.com", "optusnet.com.au",
        "rediffmail.com", "uol.com.br", "bol.com.br", "terra.com.br",
    }
)  # fmt: skip
# Providers with a mailbox domain in many countries (yahoo.co.jp, hotmail.fr, gmx.at …): matched on the label.
WEBMAIL_BRANDS = frozenset(
    "gmail googlemail hotmail outlook yahoo ymail rocketmail gmx yandex protonmail windowslive".split()
)

RESERVED_SUFFIXES = frozenset({"example", "test"})

_SCHEME = re.compile(r"^(?:(?:[a-z][a-z0-9+.\-]*:)?//|mailto:)", re.IGNORECASE)
_AFTER_HOST = re.compile(r"[/?#\\]")
_PORT = re.compile(r":\d*$")
_WHITESPACE = re.compile(r"\s")
# At least two labels of letters, digits and inner hyphens, 63 characters at most each.
_HOSTNAME = re.compile(r"^(?:(?!-)[a-z0-9-]{1,63}(?<!-)\.)+(?!-)[a-z0-9-]{1,63}(?<!-)$")


@lru_cache(maxsize=16384)
def registrable_domain(value: str) -> str:
    """The registrable domain (public suffix + one label, lower case, punycode) of what someone typed in a
    website, domain or email field: `https://www.Acme.com/path?x`, `jane@sales.acme.co.uk`, `acme.com.`,
    `http://acme.com:8080`, `müller.de`. Empty for empty input or anything that is not a host name under a public
    suffix ("acme", "acme..com", "-acme.com", "http://", IP addresses, "acme.local", spaces inside)."""
    host = _SCHEME.sub("", (value or "").strip())
    host = _AFTER_HOST.split(host, maxsplit=1)[0]
    host = host.rpartition("@")[2].strip("<>")  # an email address, or user info in a URL
    host = _PORT.sub("", host).rstrip(".")  # a port; the root dot of a fully qualified name
    if not host or _WHITESPACE.search(host):
        return ""
    if host.isascii():
        host = host.lower()
    else:
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except (UnicodeError, ValueError):  # idna.IDNAError is a UnicodeError
            return ""
    if len(host) > 253 or not _HOSTNAME.match(host):
        return ""
    # Private suffixes first, so two customers hosted on a platform (acme.github.io, globex.github.io,
    # shop.myshopify.com) keep different domains; the platform itself (github.io) falls back to the ICANN list.
    parts = _TLD(host, include_psl_private_domains=True)
    if not parts.domain:
        parts = _TLD(host, include_psl_private_domains=False)
    if not parts.domain or not parts.suffix:
        labels = host.split(".")
        # Names reserved for documentation and testing (RFC 2606) behave like a public suffix, so the demo program
        # and test data (northwind.example) match like real domains; other unknown suffixes (.local) stay refused.
        if len(labels) >= 2 and labels[-1] in RESERVED_SUFFIXES:
            return ".".join(labels[-2:])
        return ""
    return f"{parts.domain}.{parts.suffix}"


def is_valid_domain(value: str) -> bool:
    """Whether `value` names a domain (a website, a domain or an email address under a public suffix). Services
    reject a non-empty customer domain for which this is False."""
    return bool(registrable_domain(value))


def is_webmail_domain(value: str) -> bool:
    """Whether the registrable domain of `value` belongs to a public mailbox provider (gmail.com, yahoo.co.uk …)."""
    domain = registrable_domain(value)
    return domain in WEBMAIL_DOMAINS or domain.partition(".")[0] in WEBMAIL_BRANDS


def domain_key(value: str) -> str:
    """The domain used as a match key: the registrable domain, or "" when there is none or it is a webmail one."""
    domain = registrable_domain(value)
    if domain in WEBMAIL_DOMAINS or domain.partition(".")[0] in WEBMAIL_BRANDS:
        return ""
    return domain
