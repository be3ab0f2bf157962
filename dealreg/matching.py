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
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

# Domains and names are normalised by the core's one rule, shared with recruitment and the CRM sync.
from prm.domains import domain_key
from prm.names import INSIGNIFICANT_WORDS, name_key, name_tokens, name_words

# Raised whenever a change here changes the keys of existing names or domains: stored keys must then be rebuilt.
MATCHING_VERSION = 1

# -- Blocking keys ---------------------------------------------------------------------------------------------

MAX_TOKEN_KEYS = 3  # distinctive words per record
MIN_TOKEN_LENGTH = 3  # shorter words (initials, "3m") would make huge blocks
PREFIX_LENGTH = 4  # = the shortest name that may match with a typo, so "Acme" and "Acmee" share "^acme"
PREFIX_MARK = "^"


@lru_cache(maxsize=16384)
def _blocking_keys(name: str, domain: str) -> tuple[str, str, tuple[str, ...]]:
    words = name_words(name)
    key = "".join(words)
    tokens = [token for token in name_tokens(name) if len(token) >= MIN_TOKEN_LENGTH][:MAX_TOKEN_KEYS]
    # The prefix starts at the first significant word: "International Business Machines" gives "^mach", not the
    # "^inte" shared by every International-something. Names of only generic words use their whole key.
    significant = next((i for i, word in enumerate(words) if word not in INSIGNIFICANT_WORDS), 0)
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


# Reasons are stored in English (a registration's conflicts, webhook payloads); people read them in their language.
REASONS = {
    "same domain": gettext_lazy("same domain"),
    "same name": gettext_lazy("same name"),
    "same name words in another order": gettext_lazy("same name words in another order"),
}
DIFFERENT_COUNTRY = ", different country"
_SIMILAR = re.compile(r"^name (\d+)% similar$")


def reason_text(reason: str) -> str:
    """A stored reason ("name 93% similar, different country") in the active language."""
    base = reason.removesuffix(DIFFERENT_COUNTRY)
    if similar := _SIMILAR.match(base):
        text = _("name %(percent)s%% similar") % {"percent": similar[1]}
    else:
        text = str(REASONS.get(base, base))
    if base != reason:
        return _("%(reason)s, different country") % {"reason": text}
    return text


def _name_similarity(a_name: str, b_name: str) -> tuple[float, str, float] | None:
    """(score, reason, threshold the score must reach) of two names, or None when they cannot match."""
    a_key, b_key = name_key(a_name), name_key(b_name)
    if not a_key or not b_key:
        return None
    if a_key == b_key:
        return SAME_NAME_SCORE, "same name", MATCH_THRESHOLD
    a_words, b_words = name_words(a_name), name_words(b_name)
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
        reason += DIFFERENT_COUNTRY
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
