"""Company-name normalisation: one rule for every app that compares company names (deal conflicts, CRM accounts,
recruitment). Pure Python, no database, cached. docs/deal-conflicts.md explains the choices with examples."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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
INSIGNIFICANT_WORDS = STOP_WORDS | GENERIC_WORDS


def _fold(word: str) -> str:
    return _UMLAUT_DIGRAPH.sub(lambda m: m.group(0)[0], word)


@lru_cache(maxsize=16384)
def name_words(name: str) -> tuple[str, ...]:
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
    return " ".join(name_words(name))


def name_key(name: str) -> str:
    """The normalized name without spaces ("North Star" and "Northstar" are the same key)."""
    return "".join(name_words(name))


def name_tokens(name: str) -> list[str]:
    """The significant words of the normalized name: without stop words (and, of …) and generic business words
    (group, holdings, solutions, international …), in order, without repeats."""
    return list(dict.fromkeys(word for word in name_words(name) if word not in INSIGNIFICANT_WORDS))
