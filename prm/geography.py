"""Where partners are: sales regions and countries, as codes people choose from rather than text they spell.

Regions are the four a channel program is usually cut into (EMEA, North America, Latin America, Asia-Pacific);
countries are ISO 3166-1 alpha-2 codes, named in the reader's language by django-countries. Each country belongs to
one region (`region_of`), so a profile that names only its country still counts for its region.

`regions_from` reads what people and integrations wrote before there were choices ("Europe, UK", "DACH", "na")
into region codes; what it does not recognise it returns apart, so callers can refuse it (new input) or keep it
as it is (old data, shown as written).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries import countries


class Region(models.TextChoices):
    EMEA = "EMEA", _("Europe, Middle East and Africa (EMEA)")
    NA = "NA", _("North America")
    LATAM = "LATAM", _("Latin America (LATAM)")
    APAC = "APAC", _("Asia-Pacific (APAC)")


_NORTH_AMERICA = {"US", "CA", "GL", "BM", "PM", "UM"}
_LATIN_AMERICA = set(
    """
    MX GT BZ SV HN NI CR PA CU DO HT JM BS BB TT AG DM GD KN LC VC AI AW BQ CW SX VG VI KY TC MS MF BL GP MQ PR
    CO VE EC PE BO BR PY UY AR CL GY SR GF FK GS
    """.split()
)
_ASIA_PACIFIC = set(
    """
    CN JP KR KP MN TW HK MO IN PK BD LK NP BT MV ID MY SG TH VN PH KH LA MM BN TL AU NZ PG FJ SB VU NC PF WS TO
    KI TV NR FM MH PW GU MP AS CK NU TK WF PN NF CX CC HM IO AQ
    """.split()
)


def region_of(country: str) -> str:
    """The region of an ISO country code ("DE" → "EMEA"); "" for no or an unknown code. Europe, the Middle East,
    Africa and Central Asia are EMEA."""
    code = (country or "").strip().upper()
    if code not in countries:
        return ""
    if code in _NORTH_AMERICA:
        return Region.NA
    if code in _LATIN_AMERICA:
        return Region.LATAM
    if code in _ASIA_PACIFIC:
        return Region.APAC
    return Region.EMEA


def is_country(code: str) -> bool:
    return isinstance(code, str) and len(code) == 2 and code.upper() in countries


def country_name(code: str) -> str:
    """The country's name in the active language; the code itself when it is none we know."""
    return str(countries.name(code.upper())) if is_country(code) else (code or "")


def country_choices() -> list[tuple[str, str]]:
    """(code, name) for a select, sorted by name in the active language."""
    return [(country.code, str(country.name)) for country in countries]


def region_label(code: str) -> str:
    """The region's name, or what was written when it is no region we know (kept from before the choices)."""
    return str(Region(code).label) if code in Region.values else (code or "")


# Ways people wrote regions before they were choices (compared folded: lower case, no dots or extra spaces).
_ALIASES: dict[str, tuple[str, ...]] = {
    **{name: (Region.EMEA,) for name in (
        "emea", "europe", "eu", "europe, middle east and africa", "europe middle east africa", "middle east",
        "africa", "mea", "dach", "uk", "uki", "uk&i", "uk & ireland", "benelux", "nordics", "nordic", "cee",
        "western europe", "eastern europe", "central europe", "southern europe", "northern europe", "me", "mena",
    )},
    **{name: (Region.NA,) for name in ("na", "nam", "noram", "north america", "us", "usa", "us & canada")},
    **{name: (Region.LATAM,) for name in (
        "latam", "latin america", "south america", "central america", "caribbean", "lac", "sam",
    )},
    **{name: (Region.APAC,) for name in (
        "apac", "apj", "asia", "asia pacific", "asia-pacific", "anz", "oceania", "pacific", "sea",
        "southeast asia", "south east asia", "greater china", "japan", "india",
    )},
    **{name: (Region.NA, Region.LATAM) for name in ("americas", "amer", "amers", "the americas")},
}  # fmt: skip


def _fold(text: str) -> str:
    return " ".join(str(text).replace(".", "").split()).casefold()


def regions_from(values: Iterable[str]) -> tuple[list[str], list[str]]:
    """(region codes, values not understood) from region codes, names people wrote, country codes or country
    names, in order and each once."""
    found, unknown = [], []
    for value in values:
        text = str(value or "").strip()
        if not text:
            continue
        if text.upper() in Region.values:
            codes = (text.upper(),)
        elif _fold(text) in _ALIASES:
            codes = _ALIASES[_fold(text)]
        elif region_of(text):
            codes = (region_of(text),)
        elif region_of(countries.by_name(text) or ""):
            codes = (region_of(countries.by_name(text)),)
        else:
            unknown.append(text)
            continue
        found.extend(str(code) for code in codes if code not in found)
    return found, unknown
