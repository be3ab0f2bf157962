"""Cleaning what authors and integrations send to the enablement app: one cleaner per kind of field, shared by every
use case (courses, lessons, enrollment rules, learning paths).

Each cleaner takes the raw value (text from a form, JSON from the API), returns it normalised, and raises
`ValidationFailed` naming the field, so a page and the API give the same answer. All text goes through
`prm.cleaning.clean_text` (surrounding whitespace dropped, NUL refused, a length limit).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from partners.selectors import partner_type_choices
from prm.cleaning import clean_text
from prm.errors import ValidationFailed
from prm.roles import PARTNER_ROLES

MAX_TITLE = 200
MAX_SUMMARY = 5000
MAX_BODY = 100_000
MAX_CODE = 32
MAX_CODES = 50
MAX_MINUTES = 10_000
MAX_DUE_DAYS = 365
MAX_WEIGHT = Decimal("100")


def clean_title(value, *, field: str = "title", required: str = "") -> str:
    return clean_text(value, field=field, max_length=MAX_TITLE, required=required or _("Give it a title."))


def clean_long_text(value, *, field: str, max_length: int = MAX_SUMMARY) -> str:
    return clean_text(value, field=field, max_length=max_length)


def clean_whole_number(value, *, field: str, minimum: int = 0, maximum: int, default: int | None = None) -> int | None:
    """A whole number between `minimum` and `maximum`; empty gives `default` (None: empty is allowed and kept)."""
    if value in (None, ""):
        return default
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(_("Enter a whole number."), field=field) from exc
    if not minimum <= number <= maximum:
        raise ValidationFailed(
            _("Enter a number from %(minimum)s to %(maximum)s.") % {"minimum": minimum, "maximum": maximum},
            field=field,
        )
    return number


def clean_minutes(value, *, field: str = "estimated_minutes", default: int = 30) -> int:
    return clean_whole_number(value, field=field, minimum=1, maximum=MAX_MINUTES, default=default)


def clean_passing_grade(value, *, field: str = "passing_grade") -> int:
    return clean_whole_number(value, field=field, minimum=0, maximum=100, default=80)


def clean_due_days(value, *, field: str = "due_days") -> int | None:
    return clean_whole_number(value, field=field, minimum=1, maximum=MAX_DUE_DAYS)


def clean_weight(value, *, field: str = "weight") -> Decimal:
    """A lesson's weight in the course grade: 0 (not counted) to 100, two decimals."""
    if value in (None, ""):
        return Decimal(1)
    try:
        weight = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(_("Enter a number such as 1 or 0.5."), field=field) from exc
    if not weight.is_finite() or not Decimal(0) <= weight <= MAX_WEIGHT or weight != weight.quantize(Decimal("0.01")):
        raise ValidationFailed(_("Enter a number from 0 to 100 with at most two decimals."), field=field)
    return weight.quantize(Decimal("0.01"))


def _as_list(values) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        return re.split(r"[;,\n]", values)
    return [str(value) for value in values]


def clean_codes(values, *, field: str, allowed: dict[str, str] | None = None, known: list[str] = ()) -> list[str]:
    """A list of codes (a list, or text separated by commas, semicolons or lines): blanks dropped, duplicates removed.
    With `allowed`, each must be one of its keys; otherwise each is free text of at most MAX_CODE characters, written
    the way a value in `known` is when it matches one but for case (so "emea" matches the partners' "EMEA")."""
    spelling = {value.casefold(): value for value in known}
    cleaned: list[str] = []
    for value in _as_list(values):
        code = clean_text(value, field=field, max_length=MAX_CODE)
        if not code:
            continue
        if allowed is not None and code not in allowed:
            raise ValidationFailed(_("“%(value)s” is not one of the choices.") % {"value": code}, field=field)
        code = spelling.get(code.casefold(), code)
        if code not in cleaned:
            cleaned.append(code)
    if len(cleaned) > MAX_CODES:
        raise ValidationFailed(_("Choose at most %(limit)s.") % {"limit": MAX_CODES}, field=field)
    return cleaned


def clean_partner_types(values, *, field: str = "partner_types") -> list[str]:
    """Partner types: built-in ones or the tenant's own."""
    return clean_codes(values, field=field, allowed=dict(partner_type_choices()))


def clean_partner_roles(values, *, field: str = "roles") -> list[str]:
    """Roles of partners' people (a course or rule is for partner admins, sellers or marketers)."""
    return clean_codes(values, field=field, allowed={str(role): str(role.label) for role in PARTNER_ROLES})


def clean_audience(*, partner_types=(), tiers=(), regions=(), roles=(), known_tiers=(), known_regions=()) -> dict:
    """The audience fields of a course or learning path (empty lists: everyone)."""
    return {
        "audience_partner_types": clean_partner_types(partner_types, field="audience_partner_types"),
        "audience_tiers": clean_codes(tiers, field="audience_tiers", known=list(known_tiers)),
        "audience_regions": clean_codes(regions, field="audience_regions", known=list(known_regions)),
        "audience_roles": clean_partner_roles(roles, field="audience_roles"),
    }
