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
from prm.names import INSIGNIFICANT_WORDS, name_key, name_location, name_words

# Raised whenever a change here (or in prm.names) changes the keys of existing names or domains: stored keys must
# then be rebuilt (`manage.py rebuild_match_keys`). 2: more abbreviations and legal forms written out, the name
# without its branch or location as a second name key, the one-edit keys of short names.
MATCHING_VERSION = 2

# -- Blocking keys ---------------------------------------------------------------------------------------------

MAX_TOKEN_KEYS = 3  # distinctive words per record
MIN_TOKEN_LENGTH = 3  # shorter words (initials, "3m") would make huge blocks
PREFIX_LENGTH = 4  # = the shortest name that may match with a typo, so "Acme" and "Acmee" share "^acme"
PREFIX_MARK = "^"
# Names of 4 to 7 letters in all ("Pixel", "Vereda Inc") also get their one-edit keys: the name itself and the name
# with each letter left out, so that one typo anywhere, even in the first four letters, still shares a key
# ("Vereda"/"Verda" share "verda", "Pixel"/"Pxiel" share "pxel"). Longer names have words and a prefix to spare.
EDIT_KEY_LENGTHS = range(4, 8)
EDIT_DELETION_MIN_LENGTH = 5  # a 4-letter name less a letter is 3 letters: too many names share those


@lru_cache(maxsize=16384)
def _blocking_keys(name: str, domain: str) -> tuple[str, str, tuple[str, ...], str, tuple[str, ...]]:
    words = name_words(name)
    key = "".join(words)
    # Words and prefix come from the name without its branch or location ("Acme Deutschland" → acme): a place is
    # shared by thousands of customers and identifies none.
    core, _places, qualified = name_location(name)
    core_key = "".join(core) if qualified else ""
    distinctive = dict.fromkeys(word for word in core if word not in INSIGNIFICANT_WORDS)
    tokens = [token for token in distinctive if len(token) >= MIN_TOKEN_LENGTH][:MAX_TOKEN_KEYS]
    # The prefix starts at the first significant word: "International Business Machines" gives "^mach", not the
    # "^inte" shared by every International-something. Names of only generic words use their whole key.
    significant = next((i for i, word in enumerate(core) if word not in INSIGNIFICANT_WORDS), 0)
    prefix = "".join(core[significant:])
    if len(prefix) >= PREFIX_LENGTH:
        tokens.append(PREFIX_MARK + prefix[:PREFIX_LENGTH])
    edits: tuple[str, ...] = ()
    whole = core_key or key  # "Pixel UK": the edits of "pixel"
    if len(whole) in EDIT_KEY_LENGTHS:
        deletions = [whole[:i] + whole[i + 1 :] for i in range(len(whole))]
        edits = tuple(dict.fromkeys([whole, *(deletions if len(whole) >= EDIT_DELETION_MIN_LENGTH else [])]))
    return domain_key(domain), key, tuple(tokens), core_key if core_key != key else "", edits


def blocking_keys(name: str, domain: str) -> dict:
    """The keys to store (indexed) on a registration or CRM record and to query candidates with:
    `domain_key` (registrable domain, "" for none or webmail), `name_key` (normalized name without spaces),
    `core_name_key` (the name key without a branch or location at the end: "Acme (Berlin)" → acme; "" when there
    is none), `token_keys` (up to 3 distinctive words of 3+ letters, then "^" + the first 4 letters of the name
    from its first distinctive word) and `edit_keys` (names of 4-7 letters: the name key and, from 5 letters, the
    name key less each letter in turn). Stored keys are rebuilt when MATCHING_VERSION changes."""
    domain_value, key, tokens, core_key, edits = _blocking_keys(name or "", domain or "")
    return {
        "domain_key": domain_value,
        "name_key": key,
        "core_name_key": core_key,
        "token_keys": list(tokens),
        "edit_keys": list(edits),
    }


# -- Scoring ---------------------------------------------------------------------------------------------------

MATCH_THRESHOLD = 0.85  # the lowest score reported as a conflict
SHORT_NAME_THRESHOLD = 0.88  # names of 4-7 letters: one typo in "Acme" still passes (0.89), "Acme UK"/"Acme US" not
SHORT_NAME_LENGTH = 8
MIN_FUZZY_LENGTH = 4  # 1-3 letter names ("ABC", "3M") only match exactly: one letter off is another company
SAME_DOMAIN_SCORE = 1.0
SAME_NAME_SCORE = 0.98
REORDERED_NAME_SCORE = 0.95  # the same words in another order: "Smith & Jones" / "Jones & Smith"
BRANCH_SCORE = 0.93  # the same name once a branch or location is left out: "Acme (Berlin)" / "Acme GmbH"
SHORT_TYPO_SCORE = SHORT_NAME_THRESHOLD  # two letters swapped in a name of 5-7 letters: "Pixel" / "Pixle"
SHORT_TYPO_MIN_LENGTH = 5
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
    a_core, a_places, a_qualified = name_location(a_name)
    b_core, b_places, b_qualified = name_location(b_name)
    if (a_qualified or b_qualified) and "".join(a_core) == "".join(b_core):
        if a_places and b_places and a_places != b_places:
            return None  # two branches of one name: "Acme UK" / "Acme US" are two customers
        return BRANCH_SCORE, "same name but for the branch or location", MATCH_THRESHOLD
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
    if score < threshold and shortest >= SHORT_TYPO_MIN_LENGTH and _one_swap(a_key, b_key):
        score = SHORT_TYPO_SCORE
    return score, f"name {round(score * 100)}% similar", threshold


def _one_swap(a_key: str, b_key: str) -> bool:
    """Whether two keys differ only by two neighbouring letters swapped ("Pixel" / "Pixle"): the commonest slip
    in typing, and one that two different short names rarely show. (A letter replaced by the key next to it is a
    slip too, but measured on the labelled set it matched one in four pairs of different names one letter apart.)"""
    if len(a_key) != len(b_key):
        return False
    differing = [i for i, (a, b) in enumerate(zip(a_key, b_key, strict=True)) if a != b]
    if len(differing) != 2 or differing[1] != differing[0] + 1:
        return False
    i = differing[0]
    return a_key[i] == b_key[i + 1] and a_key[i + 1] == b_key[i]


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
EDIT_KEY_PREFIX = "e:"


def match_keys(name: str, domain: str) -> list[str]:
    """The blocking keys of a customer flattened for the `match_keys` column of registrations, CRM accounts and
    CRM opportunities: ["d:acme.com", "n:acmeberlin", "n:acme", "t:acme", "p:^acme", "e:acme"] for "Acme (Berlin)"
    on acme.com. The name's own key is always the first `n:` key; the second, when there is one, is the name
    without its branch or location. Empty keys are left out, so a record without a domain or without a name never
    matches every other blank record."""
    keys = blocking_keys(name, domain)
    flat = []
    if keys["domain_key"]:
        flat.append(DOMAIN_KEY_PREFIX + keys["domain_key"])
    if keys["name_key"]:
        flat.append(NAME_KEY_PREFIX + keys["name_key"])
    if keys["core_name_key"]:
        flat.append(NAME_KEY_PREFIX + keys["core_name_key"])
    for token in keys["token_keys"]:
        if token.startswith(PREFIX_MARK):
            flat.append(NAME_PREFIX_KEY_PREFIX + token)
        elif token:
            flat.append(TOKEN_KEY_PREFIX + token)
    flat.extend(EDIT_KEY_PREFIX + key for key in keys["edit_keys"])
    return list(dict.fromkeys(flat))
