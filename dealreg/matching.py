"""Customer matching for deal registration conflict detection (pure Python, no database).

Two customer records (a registration, a CRM account or opportunity) are compared in two steps:

1. **Blocking.** `blocking_keys(name, domain)` turns a customer into a few keys that are stored, indexed, next to
   the record: the registrable domain, the normalized name without spaces, and a short array of distinctive name
   tokens plus a name prefix. Candidates are the rows sharing at least one key
   (`domain_key = x OR name_key = y OR token_keys && [...]`), never a scan of every registration.
2. **Scoring.** `similarity()` scores each candidate: same registrable domain, same normalized name, or names
   similar enough (rapidfuzz) for their length; with a human reason.

Everything here is deterministic and cached: it runs on every keystroke of the registration form.
docs/deal-conflicts.md explains the choices with examples.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import idna  # a dependency of httpx; IDNA 2008 + UTS 46, as registries use (straße.de stays straße.de)
import tldextract
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

# Raised whenever a change here changes the keys of existing names or domains: stored keys must then be rebuilt.
MATCHING_VERSION = 1

# -- Domains ---------------------------------------------------------------------------------------------------

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


# -- Names -----------------------------------------------------------------------------------------------------

# Letters that Unicode decomposition does not reduce to ASCII (casefold() already turns ß into ss).
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})
_AND = re.compile(r"[&+]")
# Dropped without a space, so initialisms and elisions stay one word: S.A. → sa, Int'l → intl, A/S → as.
_JOINING = re.compile(r"[.'’`´/]")
_WORD = re.compile(r"[^\W_]+")
# German umlauts are typed either way: Müller (→ muller once accents are stripped) or Mueller. Folding ae/oe/ue
# to a/o/u makes both muller. It applies to every word (blue → blu), which is harmless: both sides get it. "que"
# is kept (Quest, technique) as it never stands for an umlaut.
_UMLAUT_DIGRAPH = re.compile(r"(?<!q)ue|ae|oe")

# Abbreviation → the word it stands for (also plural/singular variants of the same word). Only unambiguous ones:
# "Tech" is here, "Ind" (industries? India?), "Fin", "Eng", "Ent", "Comm", "St" are not.
ABBREVIATIONS = {
    "intl": "international", "internatl": "international",
    "natl": "national",
    "tech": "technology", "techs": "technology", "technologies": "technology",
    "sys": "systems", "system": "systems",
    "svc": "services", "svcs": "services", "serv": "services", "servs": "services", "service": "services",
    "mfg": "manufacturing", "mfrs": "manufacturers",
    "bros": "brothers",
    "grp": "group",
    "assoc": "associates", "assocs": "associates",
    "hldgs": "holdings", "hldg": "holdings", "holding": "holdings",
    "mgmt": "management", "mgt": "management",
    "mktg": "marketing",
    "comms": "communications",
    "engg": "engineering",
    "inds": "industries",
    "labs": "laboratories", "lab": "laboratories", "laboratory": "laboratories",
    "univ": "university",
    "ctr": "center", "cntr": "center", "centre": "center",
    "dept": "department",
}  # fmt: skip

# Legal forms, dropped from the end of a name (repeatedly: "Pty Ltd", "GmbH & Co. KG", "S.A. de C.V."), written as
# they look once punctuation is gone. Initialisms are also recognised spelled out with spaces ("S. A." → "s a").
# Words that are also common name endings are left out on purpose: "PC", "PA", "EV", "AD", "CV" on its own.
_LEGAL_WORDS = (
    "inc", "incorporated", "corp", "corporation", "co", "cos", "company", "ltd", "limited", "llc", "plc", "llp",
    "lp", "lllp", "pllc", "gmbh", "mbh", "ag", "kg", "kgaa", "ohg", "gbr", "se", "sa", "sas", "sasu", "sarl",
    "eurl", "snc", "spa", "srl", "sl", "slu", "bv", "nv", "vof", "pty", "pte", "pvt", "oy", "oyj", "ab", "publ",
    "as", "asa", "aps", "kk", "gk", "ltda", "sac", "sdn", "bhd", "tbk", "sro", "doo", "kft", "zrt", "nyrt", "ooo",
    "aktiengesellschaft", "aktiebolag", "haftungsbeschrankt",
)  # fmt: skip
_LEGAL_PHRASES = (
    "sp z oo", "de cv", "s de rl", "limited liability company", "public limited company", "private limited",
    "kabushiki kaisha", "gesellschaft mit beschrankter haftung", "ug haftungsbeschrankt", "l l c", "b v", "n v",
    "s a", "s l", "s r l", "s p a", "s a s", "a g", "a s", "k k", "p l c",
)  # fmt: skip
LEGAL_SUFFIXES = frozenset({(word,) for word in _LEGAL_WORDS} | {tuple(phrase.split()) for phrase in _LEGAL_PHRASES})
_LONGEST_SUFFIX = max(len(suffix) for suffix in LEGAL_SUFFIXES)

# Words that carry no identity: never a token key, although they stay in the normalized name (so "Global Solutions"
# and "Global Systems" still differ).
STOP_WORDS = frozenset(
    "and of the for a an at by in on to de del der des du di da la le les el van von und et y e".split()
)
GENERIC_WORDS = frozenset(
    {
        "group", "holdings", "international", "global", "worldwide", "national", "services", "solutions",
        "systems", "technology", "enterprises", "industries", "partners", "associates", "consulting",
        "consultants", "management", "company", "corporation", "brothers", "sons", "trading", "ventures",
        "capital", "software", "digital", "networks", "business", "products", "manufacturing", "center",
    }
)  # fmt: skip
_INSIGNIFICANT = STOP_WORDS | GENERIC_WORDS


def _fold(word: str) -> str:
    return _UMLAUT_DIGRAPH.sub(lambda m: m.group(0)[0], word)


@lru_cache(maxsize=16384)
def _words(name: str) -> tuple[str, ...]:
    text = (name or "").casefold().translate(_LETTERS)
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    text = _JOINING.sub("", _AND.sub(" and ", text))
    words = [ABBREVIATIONS.get(word, word) for word in _WORD.findall(text)]
    if len(words) > 1 and words[0] == "the":
        del words[0]
    stripped = True
    while stripped and len(words) > 1:  # the last word always stays: "The Company" is "company", "AG" is "ag"
        stripped = False
        if words[-1] == "and":  # left behind by "Smith & Co", "GmbH & Co. KG"
            del words[-1]
            stripped = True
            continue
        for size in range(min(_LONGEST_SUFFIX, len(words) - 1), 0, -1):
            if tuple(words[-size:]) in LEGAL_SUFFIXES:
                del words[-size:]
                stripped = True
                break
    return tuple(_fold(word) for word in words)


def normalize_name(name: str) -> str:
    """A company name reduced to what identifies it: case-folded, accents stripped (ü → u; ue/ae/oe → u/a/o), "&"
    → "and", punctuation dropped, a leading "The" and trailing legal forms (Inc, Ltd, GmbH, S.A., Pty Ltd …)
    removed, common abbreviations (Intl, Svcs, Mfg …) written out, words separated by single spaces."""
    return " ".join(_words(name))


def name_key(name: str) -> str:
    """The normalized name without spaces ("North Star" and "Northstar" are the same key)."""
    return "".join(_words(name))


def name_tokens(name: str) -> list[str]:
    """The significant words of the normalized name: without stop words (and, of …) and generic business words
    (group, holdings, solutions, international …), in order, without repeats."""
    return list(dict.fromkeys(word for word in _words(name) if word not in _INSIGNIFICANT))


# -- Blocking keys ---------------------------------------------------------------------------------------------

MAX_TOKEN_KEYS = 3  # distinctive words per record
MIN_TOKEN_LENGTH = 3  # shorter words (initials, "3m") would make huge blocks
PREFIX_LENGTH = 4  # = the shortest name that may match with a typo, so "Acme" and "Acmee" share "^acme"
PREFIX_MARK = "^"


@lru_cache(maxsize=16384)
def _blocking_keys(name: str, domain: str) -> tuple[str, str, tuple[str, ...]]:
    words = _words(name)
    key = "".join(words)
    tokens = [token for token in name_tokens(name) if len(token) >= MIN_TOKEN_LENGTH][:MAX_TOKEN_KEYS]
    # The prefix starts at the first significant word: "International Business Machines" gives "^mach", not the
    # "^inte" shared by every International-something. Names of only generic words use their whole key.
    significant = next((i for i, word in enumerate(words) if word not in _INSIGNIFICANT), 0)
    prefix = "".join(words[significant:])
    if len(prefix) >= PREFIX_LENGTH:
        tokens.append(PREFIX_MARK + prefix[:PREFIX_LENGTH])
    return domain_key(domain), key, tuple(tokens)


def blocking_keys(name: str, domain: str) -> dict:
    """The keys to store (indexed) on a registration or CRM record and to query candidates with:
    `domain_key` (registrable domain, "" for none or webmail), `name_key` (normalized name without spaces) and
    `token_keys` (up to 3 distinctive words of 3+ letters, then "^" + the first 4 letters of the name from its
    first distinctive word). Stored keys are rebuilt when MATCHING_VERSION changes."""
    domain_value, key, tokens = _blocking_keys(name or "", domain or "")
    return {"domain_key": domain_value, "name_key": key, "token_keys": list(tokens)}


# -- Scoring ---------------------------------------------------------------------------------------------------

MATCH_THRESHOLD = 0.85  # the lowest score reported as a conflict
SHORT_NAME_THRESHOLD = 0.88  # names of 4-7 letters: one typo in "Acme" still passes (0.89), "Acme UK"/"Acme US" not
SHORT_NAME_LENGTH = 8
MIN_FUZZY_LENGTH = 4  # 1-3 letter names ("ABC", "3M") only match exactly: one letter off is another company
SAME_DOMAIN_SCORE = 1.0
SAME_NAME_SCORE = 0.98
REORDERED_NAME_SCORE = 0.95  # the same words in another order: "Smith & Jones" / "Jones & Smith"
MAX_FUZZY_SCORE = 0.97  # a fuzzy match never outranks an exact one
COUNTRY_MISMATCH_FACTOR = 0.9  # both countries known and different, and no domain match


@dataclass(frozen=True, slots=True)
class Match:
    score: float  # 0..1, higher is surer
    reason: str  # for people: "same domain", "same name", "name 93% similar", "…, different country"


def _name_similarity(a_name: str, b_name: str) -> tuple[float, str, float] | None:
    """(score, reason, threshold the score must reach) of two names, or None when they cannot match."""
    a_key, b_key = name_key(a_name), name_key(b_name)
    if not a_key or not b_key:
        return None
    if a_key == b_key:
        return SAME_NAME_SCORE, "same name", MATCH_THRESHOLD
    a_words, b_words = _words(a_name), _words(b_name)
    if sorted(a_words) == sorted(b_words):
        return REORDERED_NAME_SCORE, "same name words in another order", MATCH_THRESHOLD
    shortest = min(len(a_key), len(b_key))
    if shortest < MIN_FUZZY_LENGTH:
        return None
    # Indel similarity of the spaceless keys (typos, joined or split words), or of the words sorted (reordered
    # words with a typo). Not token_set/partial ratios: they call "Acme" and "Acme Health" identical.
    score = max(
        Indel.normalized_similarity(a_key, b_key),
        fuzz.token_sort_ratio(" ".join(a_words), " ".join(b_words)) / 100,
    )
    score = min(score, MAX_FUZZY_SCORE)
    threshold = SHORT_NAME_THRESHOLD if shortest < SHORT_NAME_LENGTH else MATCH_THRESHOLD
    return score, f"name {round(score * 100)}% similar", threshold


def similarity(
    a_name: str, a_domain: str, b_name: str, b_domain: str, *, a_country: str = "", b_country: str = ""
) -> Match | None:
    """How surely customers a and b are the same company, or None when they are not considered the same.

    Same registrable domain (not a webmail one) → 1.0 "same domain", whatever the names and countries.
    Otherwise by name: same normalized name → 0.98, same words reordered → 0.95, else rapidfuzz similarity (at most
    0.97) which must reach 0.85 (0.88 for names under 8 letters; names under 4 letters must be equal). When both
    countries are given and differ, the name score is multiplied by 0.9 before the threshold (a same-name match
    survives at 0.88, a fuzzy one rarely does) and the reason says "different country".
    """
    a_domain_key, b_domain_key = domain_key(a_domain or ""), domain_key(b_domain or "")
    if a_domain_key and a_domain_key == b_domain_key:
        return Match(SAME_DOMAIN_SCORE, "same domain")
    found = _name_similarity(a_name or "", b_name or "")
    if found is None:
        return None
    score, reason, threshold = found
    if a_country and b_country and a_country.strip().upper() != b_country.strip().upper():
        score *= COUNTRY_MISMATCH_FACTOR
        reason += ", different country"
    if score < threshold:
        return None
    return Match(round(score, 4), reason)


# -- Stored keys -----------------------------------------------------------------------------------------------

# Prefixes of the flattened keys in the `match_keys` column: one GIN-indexed array holds every kind of key, and a
# candidate lookup is `match_keys && ARRAY[<the query's keys>]`. The prefixes keep kinds apart (a name key "acme"
# never meets a token "acme").
DOMAIN_KEY_PREFIX = "d:"
NAME_KEY_PREFIX = "n:"
TOKEN_KEY_PREFIX = "t:"  # noqa: S105 - a key kind, not a secret
NAME_PREFIX_KEY_PREFIX = "p:"


def match_keys(name: str, domain: str) -> list[str]:
    """The blocking keys of a customer flattened for the `match_keys` column of registrations, CRM accounts and
    CRM opportunities: ["d:acme.com", "n:acmecorp", "t:acme", "p:^acme"]. Empty keys are left out, so a record
    without a domain or without a name never matches every other blank record."""
    keys = blocking_keys(name, domain)
    flat = []
    if keys["domain_key"]:
        flat.append(DOMAIN_KEY_PREFIX + keys["domain_key"])
    if keys["name_key"]:
        flat.append(NAME_KEY_PREFIX + keys["name_key"])
    for token in keys["token_keys"]:
        if token.startswith(PREFIX_MARK):
            flat.append(NAME_PREFIX_KEY_PREFIX + token)
        elif token:
            flat.append(TOKEN_KEY_PREFIX + token)
    return list(dict.fromkeys(flat))
