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
    # Measured by bench/dealreg/quality.py (the "abbreviation" kind); one word for both where one abbreviation is
    # typed for either ("Assoc." for Associates and for Association).
    "pharmaceuticals": "pharma", "pharmaceutical": "pharma", "pharm": "pharma",
    "chem": "chemicals", "chems": "chemicals", "chemical": "chemicals",
    "constr": "construction", "const": "construction",
    "ins": "insurance",
    "finl": "financial",
    "sols": "solutions", "solns": "solutions", "soln": "solutions", "solution": "solutions",
    "prods": "products", "product": "products",
    "dev": "development", "devel": "development",
    "invest": "investments", "invt": "investments", "investment": "investments",
    "props": "properties", "property": "properties",
    # "Pharma", "Telecom" and "Transport" are words of their own, typed (and mistyped) as often as the long forms:
    # the long forms become them, so "Teleom" still meets "Telecom", and a long shared industry word does not make
    # two brands look alike ("Hexyx Pharmaceuticals" / "Hexia Pharmaceuticals" would be 90% similar).
    "telecommunications": "telecom", "telecommunication": "telecom", "telecomm": "telecom", "telecoms": "telecom",
    "transportation": "transport", "transp": "transport",
    "med": "medical",
    "hosp": "hospital",
    "hlth": "health", "hlthcare": "healthcare",
    "engr": "engineering", "engrg": "engineering",
    "mfrg": "manufacturing",
    "commns": "communications",
    "coop": "cooperative",
    "assn": "associates", "association": "associates",
}  # fmt: skip

# Legal forms, dropped from the end of a name (repeatedly: "Pty Ltd", "GmbH & Co. KG", "S.A. de C.V."), written as
# they look once punctuation is gone. Initialisms are also recognised spelled out with spaces ("S. A." → "s a").
# Words that are also common name endings are left out on purpose: "PC", "PA", "EV", "AD", "CV" on its own.
_LEGAL_WORDS = (
    "inc", "incorporated", "corp", "corporation", "co", "cos", "company", "ltd", "limited", "llc", "plc", "llp",
    "lp", "lllp", "pllc", "gmbh", "mbh", "ag", "kg", "kgaa", "ohg", "gbr", "se", "sa", "sas", "sasu", "sarl",
    "eurl", "snc", "spa", "srl", "sl", "slu", "bv", "nv", "vof", "pty", "pte", "pvt", "oy", "oyj", "ab", "publ",
    "as", "asa", "aps", "kk", "gk", "ltda", "sac", "sdn", "bhd", "tbk", "sro", "doo", "kft", "zrt", "nyrt", "ooo",
    "aktiengesellschaft", "aktiebolag", "haftungsbeschrankt", "kommanditgesellschaft", "aktieselskab",
    "anpartsselskab", "aksjeselskap", "allmennaksjeselskap", "osakeyhtio", "berhad", "gesmbh", "sprl", "bvba",
)  # fmt: skip
_LEGAL_PHRASES = (
    "sp z oo", "de cv", "s de rl", "limited liability company", "public limited company", "private limited",
    "kabushiki kaisha", "gesellschaft mit beschrankter haftung", "ug haftungsbeschrankt", "l l c", "b v", "n v",
    "s a", "s l", "s r l", "s p a", "s a s", "a g", "a s", "k k", "p l c",
    # written out in full, in the language of the country (accents already stripped)
    "proprietary limited", "private limited company", "private ltd", "public company limited", "limited partnership",
    "limited liability partnership", "kabushiki gaisha", "godo kaisha", "godo gaisha", "yugen kaisha",
    "societe a responsabilite limitee", "societe anonyme", "societe par actions simplifiee",
    "societe par actions simplifiee unipersonnelle", "societe en nom collectif", "sa rl", "sociedad anonima",
    "sociedad limitada", "sociedad de responsabilidad limitada", "sociedad anonima de capital variable",
    "societa per azioni", "societa a responsabilita limitata", "sociedade limitada", "sociedade anonima",
    "besloten vennootschap", "naamloze vennootschap", "julkinen osakeyhtio", "offene handelsgesellschaft",
    "kommanditgesellschaft auf aktien", "eingetragene genossenschaft", "gesellschaft burgerlichen rechts",
    "spolka z ograniczona odpowiedzialnoscia", "spolka akcyjna", "spolecnost s rucenim omezenym",
    "akciova spolecnost", "sendirian berhad", "anonim sirketi", "limited sirketi", "societas europaea",
)  # fmt: skip
LEGAL_SUFFIXES = frozenset({(word,) for word in _LEGAL_WORDS} | {tuple(phrase.split()) for phrase in _LEGAL_PHRASES})
_LONGEST_SUFFIX = max(len(suffix) for suffix in LEGAL_SUFFIXES)
# Legal forms written out that also stand in front of the name ("Kabushiki Kaisha Toshiba"); abbreviated ones in
# front (PT, OOO) stay: they are also ordinary first words.
LEGAL_PREFIXES = frozenset(
    tuple(phrase.split())
    for phrase in ("kabushiki kaisha", "kabushiki gaisha", "godo kaisha", "yugen kaisha", "jusik hoesa")
)
_COOP = re.compile(r"\bco-op\b")  # before "-" separates words: "Co-op" is not the legal form "Co"

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
    text = _JOINING.sub("", _AND.sub(" and ", _COOP.sub("coop", text)))
    words = [ABBREVIATIONS.get(word, word) for word in _WORD.findall(text)]
    if len(words) > 1 and words[0] == "the":
        del words[0]
    for prefix in LEGAL_PREFIXES:
        if len(words) > len(prefix) and tuple(words[: len(prefix)]) == prefix:
            del words[: len(prefix)]
            break
    _strip_legal_forms(words)
    return tuple(_fold(word) for word in words)


def _strip_legal_forms(words: list[str]) -> None:
    """Drops legal forms from the end of `words`, repeatedly ("Pty Ltd", "GmbH & Co. KG"); the last word stays."""
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


# -- Branch and location qualifiers --------------------------------------------------------------------------------

# Places people append to a customer's name to say which branch they mean ("Acme (Berlin)", "Acme - EMEA", "Acme
# Deutschland GmbH"): countries (in English and in their own language), a few regions of sales organisations and
# large cities whose names are not also ordinary words (no "Phoenix", "Reading", "Nice"). Each maps to one name,
# so "Deutschland" and "Germany" are the same place. Adjectives ("American", "Deutsche") are not places: they are
# part of names.
_PLACES = {
    "germany": "deutschland germany", "austria": "osterreich austria", "switzerland": "schweiz suisse svizzera "
    "switzerland", "france": "france", "spain": "espana spain", "italy": "italia italy", "netherlands": "nederland "
    "netherlands holland", "belgium": "belgium belgique belgie", "luxembourg": "luxembourg", "sweden": "sverige "
    "sweden", "norway": "norge norway", "denmark": "danmark denmark", "finland": "suomi finland", "ireland":
    "ireland", "poland": "polska poland", "portugal": "portugal", "czechia": "czechia", "hungary": "hungary",
    "greece": "greece", "turkey": "turkiye", "russia": "russia", "japan": "japan nippon", "china": "china",
    "korea": "korea", "india": "india", "singapore": "singapore", "malaysia": "malaysia", "indonesia": "indonesia",
    "australia": "australia", "canada": "canada", "mexico": "mexico", "brazil": "brasil brazil", "argentina":
    "argentina", "chile": "chile", "colombia": "colombia", "israel": "israel", "uk": "uk gb britain", "us": "us usa",
    "uae": "uae", "emea": "emea", "apac": "apac apj", "americas": "americas amer", "latam": "latam", "nordics":
    "nordics nordic scandinavia", "benelux": "benelux", "dach": "dach", "europe": "europe", "asia": "asia",
    "berlin": "berlin", "munich": "munchen munich", "hamburg": "hamburg", "frankfurt": "frankfurt", "cologne":
    "koln cologne", "stuttgart": "stuttgart", "dusseldorf": "dusseldorf", "paris": "paris", "lyon": "lyon",
    "london": "london", "manchester": "manchester", "edinburgh": "edinburgh", "zurich": "zurich", "geneva": "geneve "
    "geneva genf", "basel": "basel", "vienna": "wien vienna", "madrid": "madrid", "barcelona": "barcelona", "milan":
    "milano milan", "rome": "roma rome", "amsterdam": "amsterdam", "rotterdam": "rotterdam", "brussels": "bruxelles "
    "brussel brussels", "stockholm": "stockholm", "oslo": "oslo", "copenhagen": "kobenhavn copenhagen", "helsinki":
    "helsinki", "dublin": "dublin", "lisbon": "lisboa lisbon", "warsaw": "warszawa warsaw", "prague": "praha prague",
    "budapest": "budapest", "tokyo": "tokyo", "osaka": "osaka", "sydney": "sydney", "melbourne": "melbourne",
    "shanghai": "shanghai", "beijing": "beijing", "mumbai": "mumbai", "bangalore": "bangalore bengaluru", "dubai":
    "dubai", "toronto": "toronto", "montreal": "montreal", "vancouver": "vancouver", "chicago": "chicago", "boston":
    "boston", "seattle": "seattle", "houston": "houston", "atlanta": "atlanta",
}  # fmt: skip
_PLACE_PHRASES = {
    "uk": "united kingdom, great britain", "us": "united states, united states of america, america",
    "apac": "asia pacific", "americas": "north america, south america", "latam": "latin america",
    "emea": "middle east", "newyork": "new york", "sanfrancisco": "san francisco", "losangeles": "los angeles",
    "hongkong": "hong kong", "saopaulo": "sao paulo", "southafrica": "south africa", "newzealand": "new zealand",
}  # fmt: skip
PLACES = {(_fold(word),): place for place, words in _PLACES.items() for word in words.split()} | {
    tuple(_fold(word) for word in phrase.split()): place
    for place, phrases in _PLACE_PHRASES.items()
    for phrase in phrases.split(", ")
}
_LONGEST_PLACE = max(len(place) for place in PLACES)
# Words that say a name is a branch: dropped with the place they name, if any ("UK Branch", "Niederlassung
# Hamburg", "London Office").
BRANCH_WORDS = frozenset(
    "branch office offices division subsidiary hq headquarters niederlassung zweigniederlassung zweigstelle "
    "succursale filiale sucursal".split()
)
_BRANCH_BEFORE_PLACE = frozenset("niederlassung zweigniederlassung zweigstelle succursale filiale sucursal".split())


@lru_cache(maxsize=16384)
def name_location(name: str) -> tuple[tuple[str, ...], frozenset[str], bool]:
    """The name without a branch or location qualifier at its end, the places it named, and whether it had one:
    "Acme (Berlin)" → (acme), {berlin}; "Acme - EMEA" → {emea}; "Acme UK Branch", "Acme UK Ltd" → {uk};
    "Acme Deutschland GmbH" → {germany}; "Acme Niederlassung Ingolstadt" → (acme), {}, True (a branch, the place
    unknown). A place after "of"/"de" is part of the name (Bank of America), and one word always stays."""
    words = list(name_words(name))
    places: set[str] = set()
    qualified = False
    while len(words) > 1:
        if words[-1] in BRANCH_WORDS:
            del words[-1]
        elif len(words) > 2 and words[-2] in _BRANCH_BEFORE_PLACE:  # "Niederlassung Ingolstadt": any place
            places.add(PLACES.get((words[-1],), ""))
            del words[-2:]
        else:
            for size in range(min(_LONGEST_PLACE, len(words) - 1), 0, -1):
                place = PLACES.get(tuple(words[-size:]))
                if place and words[-size - 1] not in STOP_WORDS:
                    places.add(place)
                    del words[-size:]
                    break
            else:
                break
        qualified = True
        _strip_legal_forms(words)  # "Acme GmbH (Berlin)"
    places.discard("")
    return tuple(words), frozenset(places), qualified
