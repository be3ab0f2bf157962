"""The labelled set of customer pairs that measures matching quality (bench/dealreg/quality.py): which pairs are the
same company, and by which kind of variation they differ.

`python -m bench.dealreg.labelled` regenerates bench/dealreg/matching_pairs.csv (committed; deterministic). Change
the generator only to add cases: a changed set makes figures before and after a change incomparable.

Each kind of variation has positives (one company typed two ways) and hard negatives (the same kind of variation on
two *different* companies that look alike: a brand one letter apart, the same brand in another industry, another
location of the same brand). Kinds that are hard negatives only (`shared_words`) measure false positives alone.
Countries are left blank (the country rule is tested on its own); some records carry a website, never the same
registrable domain on both sides (except in `same_domain`), so names decide.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from rapidfuzz.distance import Indel

from bench.dealreg.generate import _FIRST, _LAST, _MIDDLE, INDUSTRIES, PLACES

PAIRS_FILE = Path(__file__).resolve().parent / "matching_pairs.csv"
COLUMNS = ("kind", "same", "a_name", "a_domain", "b_name", "b_domain")
SEED = 16_043  # issue 16, item 4.3
PER_KIND = 120  # positives per kind (negatives: as many)

SURNAMES = (
    "Hodges Pearce Whitfield Brennan Okafor Lindqvist Moreau Castellano Nakamura Fischer Kowalski Haddad Ferreira "
    "Johansson Delacroix Abernathy Rutherford Vasquez Thornton Albrecht Holloway Marchetti Sorensen Gallagher "
    "Kensington Lockhart Pemberton Quinlan Rasmussen Stavros Tanaka Underwood Valentine Winslow Yamamoto Zimmerman"
).split()

# Legal forms written out and their short forms (the way either is typed), by country of use.
LEGAL_FORMS_IN_FULL = [
    ("Aktiengesellschaft", ["AG"]),
    ("Gesellschaft mit beschränkter Haftung", ["GmbH"]),
    ("Kommanditgesellschaft", ["KG"]),
    ("Proprietary Limited", ["Pty Ltd", "(Pty) Ltd", "Pty. Ltd."]),
    ("Kabushiki Kaisha", ["K.K.", "KK", "Co., Ltd."]),
    ("Société à responsabilité limitée", ["SARL", "S.à r.l."]),
    ("Société anonyme", ["SA", "S.A."]),
    ("Société par actions simplifiée", ["SAS"]),
    ("Sociedad Anónima", ["S.A.", "SA"]),
    ("Sociedad Limitada", ["S.L.", "SL"]),
    ("Sociedad de Responsabilidad Limitada", ["S. de R.L.", "SRL"]),
    ("Società per Azioni", ["S.p.A.", "SpA"]),
    ("Società a responsabilità limitata", ["S.r.l.", "Srl"]),
    ("Besloten Vennootschap", ["B.V.", "BV"]),
    ("Naamloze Vennootschap", ["N.V.", "NV"]),
    ("Aktiebolag", ["AB"]),
    ("Aktieselskab", ["A/S"]),
    ("Anpartsselskab", ["ApS"]),
    ("Aksjeselskap", ["AS"]),
    ("Osakeyhtiö", ["Oy"]),
    ("Spółka z ograniczoną odpowiedzialnością", ["Sp. z o.o."]),
    ("Spółka Akcyjna", ["S.A."]),
    ("Sociedade Limitada", ["Ltda", "Ltda."]),
    ("Limited Liability Company", ["LLC", "L.L.C."]),
    ("Public Limited Company", ["PLC", "plc"]),
    ("Private Limited Company", ["Pvt Ltd", "Private Ltd"]),
    ("Sendirian Berhad", ["Sdn Bhd", "Sdn. Bhd."]),
    ("Incorporated", ["Inc", "Inc."]),
    ("Corporation", ["Corp", "Corp."]),
    ("Limited", ["Ltd", "Ltd."]),
]
SHORT_LEGAL_FORMS = ["Inc", "Inc.", "LLC", "Ltd", "Limited", "GmbH", "AG", "S.A.", "B.V.", "Pty Ltd", "Corp", ""]

# A word written out and as people abbreviate it.
ABBREVIATED_WORDS = [
    ("Manufacturing", ["Mfg", "Mfg."]),
    ("International", ["Intl", "Int'l", "Intl."]),
    ("Services", ["Svcs", "Svcs.", "Svc"]),
    ("Pharmaceuticals", ["Pharma", "Pharm."]),
    ("Pharmaceutical", ["Pharma"]),
    ("Technologies", ["Tech", "Tech."]),
    ("Technology", ["Tech"]),
    ("Brothers", ["Bros", "Bros."]),
    ("Associates", ["Assoc", "Assoc.", "Assocs"]),
    ("Association", ["Assn", "Assoc."]),
    ("Systems", ["Sys"]),
    ("Laboratories", ["Labs", "Lab"]),
    ("Holdings", ["Hldgs", "Hldg"]),
    ("Management", ["Mgmt", "Mgt"]),
    ("Marketing", ["Mktg"]),
    ("Engineering", ["Engg", "Eng'g", "Engr"]),
    ("Industries", ["Inds", "Ind."]),
    ("Communications", ["Comms", "Commns"]),
    ("Chemicals", ["Chem", "Chems"]),
    ("Electronics", ["Elec", "Electr"]),
    ("Construction", ["Constr", "Const."]),
    ("Distribution", ["Distr", "Dist."]),
    ("Insurance", ["Ins", "Ins."]),
    ("Financial", ["Finl", "Fin'l"]),
    ("Solutions", ["Sols", "Solns"]),
    ("Products", ["Prods", "Prod."]),
    ("Development", ["Dev", "Devel"]),
    ("Investments", ["Invest", "Invt"]),
    ("Properties", ["Props", "Prop."]),
    ("Telecommunications", ["Telecom", "Telecomm"]),
    ("Transportation", ["Transp", "Transport"]),
    ("Medical", ["Med", "Med."]),
    ("Hospital", ["Hosp", "Hosp."]),
    ("Center", ["Ctr", "Cntr"]),
    ("Department", ["Dept", "Dept."]),
    ("University", ["Univ", "Univ."]),
    ("National", ["Natl", "Nat'l"]),
    ("Cooperative", ["Co-op", "Coop"]),
    ("Enterprises", ["Ent", "Entps"]),
    ("Healthcare", ["Hlthcare", "Hlth"]),
]

# Branch and location qualifiers as people append them, with the place they name ("" for none).
LOCATION_QUALIFIERS = [
    (" (Berlin)", "berlin"), (" (München)", "munich"), (" (Paris)", "paris"), (" (London)", "london"),
    (" (Zürich)", "zurich"), (" (Madrid)", "madrid"), (" (Tokyo)", "tokyo"), (" (Sydney)", "sydney"),
    (" - EMEA", "emea"), (" - APAC", "apac"), (" - Americas", "americas"), (" - North America", "americas"),
    (" – Europe", "europe"), (" - UK", "uk"), (" - Germany", "germany"), (" UK Branch", "uk"), (" UK", "uk"),
    (" US", "us"), (" USA", "us"), (" Deutschland", "germany"), (" Germany", "germany"), (" France", "france"),
    (" España", "spain"), (" Italia", "italy"), (" Nederland", "netherlands"), (" Japan", "japan"),
    (" Australia", "australia"), (" India", "india"), (" Canada", "canada"), (" Brasil", "brazil"),
    (" Europe", "europe"), (" EMEA", "emea"), (" APAC", "apac"), (" Asia Pacific", "apac"), (" Nordics", "nordics"),
    (" Benelux", "benelux"), (" DACH", "dach"), (" LATAM", "latam"), (" North America", "americas"),
    (" Schweiz", "switzerland"), (" Suisse", "switzerland"), (" Österreich", "austria"), (" Branch Office", ""),
    (" (UK) Branch", "uk"), (" Niederlassung Hamburg", "hamburg"), (" Zweigniederlassung Deutschland", "germany"),
    (" Succursale France", "france"), (" - London Office", "london"), (" Deutschland GmbH", "germany"),
    (" France SAS", "france"), (" UK Ltd", "uk"), (" Japan K.K.", "japan"), (" India Pvt Ltd", "india"),
    (" Australia Pty Ltd", "australia"), (" (Schweiz) AG", "switzerland"), (" Nederland B.V.", "netherlands"),
    (" Italia S.r.l.", "italy"),
]  # fmt: skip

ALPHABET = "abcdefghijklmnopqrstuvwxyz"
# Keyboard neighbours (QWERTY), for the typos people make on a real keyboard.
_ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
NEIGHBOURS = {}
for _r, _row in enumerate(_ROWS):
    for _c, _key in enumerate(_row):
        near = set()
        for _dr in (-1, 0, 1):
            if 0 <= _r + _dr < len(_ROWS):
                other = _ROWS[_r + _dr]
                for _dc in (-1, 0, 1):
                    if (_dr or _dc) and 0 <= _c + _dc < len(other):
                        near.add(other[_c + _dc])
        NEIGHBOURS[_key] = "".join(sorted(near))


def brand(rng: random.Random) -> str:
    word = rng.choice(_FIRST) + (rng.choice(_MIDDLE) if rng.random() < 0.3 else "") + rng.choice(_LAST)
    return word.capitalize()


def short_brand(rng: random.Random) -> str:
    """A one-word brand of 4 to 7 letters (the names where one typo weighs most)."""
    while True:
        word = brand(rng)
        if 4 <= len(word) <= 7:
            return word


def base_name(rng: random.Random) -> str:
    """A company name without legal form: a brand (+ industry), surnames, or place + industry."""
    roll = rng.random()
    if roll < 0.4:
        return brand(rng) + (f" {rng.choice(INDUSTRIES)}" if rng.random() < 0.5 else "")
    if roll < 0.7:
        first, second = rng.sample(SURNAMES, 2)
        return rng.choice([f"{first} & {second}", f"{first} {rng.choice(INDUSTRIES)}", first])
    return f"{rng.choice(PLACES)} {brand(rng)}" if rng.random() < 0.3 else f"{brand(rng)} {rng.choice(PLACES)}"


def confusable(rng: random.Random, base: str) -> str:
    """Another company that looks like `base`: a first word that starts the same ("Initech" / "Initrode"), the first
    word with another industry, or another first word with the same rest. (Not one letter changed: in a long name
    that is a typo, not another company; short names one letter apart are `typo_short_name`'s negatives.)"""
    words = base.split(" ")
    roll = rng.random()
    if roll < 0.4 and len(words[0]) >= 4:
        # At least two letters apart: "Tavela Pharma" / "Tavera Pharma" would be a typo as much as another company.
        while Indel.distance((other := words[0][:3] + rng.choice(_LAST)).lower(), words[0].lower()) < 4:
            pass
        return " ".join([other, *words[1:]])
    if roll < 0.75:
        industry = rng.choice([i for i in INDUSTRIES if i not in words])
        return f"{words[0]} {industry}"
    return " ".join([brand(rng), *words[1:]]) if len(words) > 1 else f"{words[0]} {rng.choice(INDUSTRIES)}"


def substitute(rng: random.Random, word: str, *, adjacent: bool) -> str:
    """`word` with one letter (not the first) replaced: by a keyboard neighbour (a typo), or by any other letter
    (another name)."""
    at = rng.randrange(1, len(word))
    letter = word[at].lower()
    choices = NEIGHBOURS.get(letter, "") if adjacent else "".join(c for c in ALPHABET if c != letter)
    if not choices:
        return word[:at] + ("e" if letter != "e" else "a") + word[at + 1 :]
    return word[:at] + rng.choice(choices) + word[at + 1 :]


def typo(rng: random.Random, word: str) -> str:
    """One typo in `word`, as people make them: two letters swapped, one missing, one doubled, or a neighbouring key."""
    at = rng.randrange(1, len(word) - 1)
    roll = rng.random()
    if roll < 0.25:
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if roll < 0.5:
        return word[:at] + word[at + 1 :]
    if roll < 0.7:
        return word[:at] + word[at] + word[at:]
    return substitute(rng, word, adjacent=True)


def legal(rng: random.Random) -> str:
    form = rng.choice(SHORT_LEGAL_FORMS)
    return f" {form}" if form else ""


def slug(name: str) -> str:
    return "".join(ch for ch in name.lower().split(" ")[0] if ch.isascii() and ch.isalnum()) or "x"


def domains(rng: random.Random, a: str, b: str) -> tuple[str, str]:
    """Websites for a pair: mostly none; sometimes one side; sometimes both under different suffixes (a company's
    other site, or two companies) — never one registrable domain, so the names decide."""
    roll = rng.random()
    if roll < 0.6:
        return "", ""
    if roll < 0.8:
        return f"https://www.{slug(a)}.com/", ""
    return f"{slug(a)}.com", f"info@{slug(b)}.example"


def _pair(rng, kind, same, a, b):
    if rng.random() < 0.5:
        a, b = b, a
    a_domain, b_domain = domains(rng, a, b)
    return {"kind": kind, "same": int(same), "a_name": a, "a_domain": a_domain, "b_name": b, "b_domain": b_domain}


def abbreviation(rng):
    base = base_name(rng).split(" ")[0]
    full, shorts = rng.choice(ABBREVIATED_WORDS)
    abbreviated = f"{base} {rng.choice(shorts)}"
    positive = _pair(rng, "abbreviation", True, f"{base} {full}{legal(rng)}", f"{abbreviated}{legal(rng)}")
    other, _ = rng.choice([w for w in ABBREVIATED_WORDS if w[0][:4] != full[:4]])
    negative = _pair(rng, "abbreviation", False, f"{base} {other}{legal(rng)}", f"{base} {rng.choice(shorts)}")
    return positive, negative


def legal_form_in_full(rng):
    base = base_name(rng)
    full, shorts = rng.choice(LEGAL_FORMS_IN_FULL)
    if full == "Kabushiki Kaisha" and rng.random() < 0.3:
        written = f"Kabushiki Kaisha {base}"  # also written in front
    else:
        written = f"{base} {full}"
    positive = _pair(rng, "legal_form_in_full", True, written, f"{base} {rng.choice(shorts)}")
    negative = _pair(rng, "legal_form_in_full", False, written, f"{confusable(rng, base)} {rng.choice(shorts)}")
    return positive, negative


def legal_form_abbreviated(rng):
    base = base_name(rng)
    a, b = rng.sample(SHORT_LEGAL_FORMS, 2)
    positive = _pair(rng, "legal_form_abbreviated", True, f"{base} {a}".strip(), f"{base} {b}".strip())
    negative = _pair(rng, "legal_form_abbreviated", False, f"{base} {a}".strip(), f"{confusable(rng, base)} {b}")
    return positive, negative


def location_qualifier(rng):
    base = base_name(rng)
    qualifier, place = rng.choice(LOCATION_QUALIFIERS)
    positive = _pair(rng, "location_qualifier", True, f"{base}{qualifier}", f"{base}{legal(rng)}")
    if place and rng.random() < 0.6:  # another place of the same brand: another customer ("Acme UK" / "Acme US")
        other = rng.choice([q for q, p in LOCATION_QUALIFIERS if p and p != place])
        negative = _pair(rng, "location_qualifier", False, f"{base}{qualifier}", f"{base}{other}")
    else:
        negative = _pair(rng, "location_qualifier", False, f"{base}{qualifier}", f"{confusable(rng, base)}{legal(rng)}")
    return positive, negative


def typo_short_name(rng):
    name = short_brand(rng)
    positive = _pair(rng, "typo_short_name", True, f"{name}{legal(rng)}", f"{typo(rng, name)}{legal(rng)}")
    # Another company one letter apart (Pixel / Pixol): any letter, not a keyboard neighbour.
    negative = _pair(rng, "typo_short_name", False, f"{name}{legal(rng)}", f"{substitute(rng, name, adjacent=False)}")
    return positive, negative


def typo_long_name(rng):
    while len(base := base_name(rng).replace(" & ", " ")) < 12:
        pass
    words = base.split(" ")
    at = max(range(len(words)), key=lambda i: len(words[i]))
    typed = " ".join(typo(rng, w) if i == at else w for i, w in enumerate(words))
    positive = _pair(rng, "typo_long_name", True, f"{base}{legal(rng)}", typed)
    negative = _pair(rng, "typo_long_name", False, f"{base}{legal(rng)}", confusable(rng, base))
    return positive, negative


def case_and_punctuation(rng):
    base = base_name(rng)
    form = legal(rng)
    typed = rng.choice(
        [
            f"{base}{form}".upper(),
            f"{base}{form}".lower(),
            f"The {base}{form}",
            f"{base.replace(' & ', ' and ')},{form}",
            f"{base.replace(' ', '-')}{form}",
        ]
    )
    positive = _pair(rng, "case_and_punctuation", True, f"{base}{form}", typed)
    negative = _pair(rng, "case_and_punctuation", False, typed, f"{confusable(rng, base)}{form}")
    return positive, negative


def same_domain(rng):
    base = base_name(rng)
    domain = f"{slug(base)}-{rng.choice(['group', 'corp', 'global', 'hq'])}.com"
    a = {"kind": "same_domain", "same": 1, "a_name": f"{base}{legal(rng)}", "a_domain": f"https://www.{domain}/"}
    positive = {**a, "b_name": rng.choice([base.split(" ")[0], f"{base} Holdings", ""]), "b_domain": f"jane@{domain}"}
    other = confusable(rng, base)
    negative = {**a, "same": 0, "b_name": other, "b_domain": f"{slug(other)}-{rng.choice(['io', 'labs'])}.com"}
    return positive, negative


GENERIC = "Global Solutions Systems Services Partners Group International Consulting Technology Holdings".split()


def shared_words(rng):
    """Different companies sharing words: generic ones ("Global Solutions" / "Global Systems"), a place and a generic
    word ("Pacific Consulting" / "Pacific Partners"), or a brand in two industries ("Acme Health" / "Acme
    Logistics"). Negatives only."""
    roll = rng.random()
    if roll < 0.35:
        first, second, third = rng.sample(GENERIC, 3)
        a, b = f"{first} {second}", f"{first} {third}"
    elif roll < 0.7:
        place = rng.choice(PLACES)
        first, second = rng.sample(GENERIC + INDUSTRIES, 2)
        a, b = f"{place} {first}", f"{place} {second}"
    else:
        word = brand(rng)
        first, second = rng.sample(INDUSTRIES, 2)
        a, b = f"{word} {first}", f"{word} {second}"
    return (_pair(rng, "shared_words", False, f"{a}{legal(rng)}", f"{b}{legal(rng)}"),)


KINDS = [
    abbreviation,
    legal_form_in_full,
    location_qualifier,
    typo_short_name,
    typo_long_name,
    legal_form_abbreviated,
    case_and_punctuation,
    same_domain,
    shared_words,
]

# The brief's own examples, always in the set.
FIXED = [
    ("abbreviation", 1, "Contoso Pharma", "contoso-pharma.com", "Contoso Pharmaceuticals", "contoso-pharma.example"),
    ("location_qualifier", 0, "Acme UK", "", "Acme US", ""),
    ("shared_words", 0, "Global Solutions", "", "Global Systems", ""),
    ("shared_words", 0, "Acme Health", "", "Acme Logistics", ""),
    ("typo_short_name", 0, "Pixel", "", "Pixol", ""),
]


def generate() -> list[dict]:
    rng = random.Random(SEED)
    rows = [dict(zip(COLUMNS, fixed, strict=True)) for fixed in FIXED]
    for make in KINDS:
        seen = set()
        for _ in range(PER_KIND * (2 if make is shared_words else 1)):
            for row in make(rng):
                key = (row["a_name"], row["b_name"])
                if key not in seen and row["a_name"] != row["b_name"]:
                    seen.add(key)
                    rows.append(row)
    return rows


def write(path: Path = PAIRS_FILE) -> int:
    rows = generate()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def read(path: Path = PAIRS_FILE) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [{**row, "same": row["same"] == "1"} for row in csv.DictReader(handle)]


if __name__ == "__main__":
    print(f"{write()} pairs written to {PAIRS_FILE}")
