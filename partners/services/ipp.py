"""Ideal partner profile (IPP) scoring: a pure function of a profile and the tenant's weighted criteria.

A criterion earns its weight when the profile matches it, nothing otherwise; the score is the earned share of
the total weight, 0–100, rounded half up (0 when there are no criteria). The explanation says, per criterion,
what it contributed and why, in words a channel manager reads on the application's page.

Operators:
- `in`: a single-valued attribute (type, country, size, revenue band) is one of the listed values;
- `any`: a list attribute (regions, industries, certifications) shares at least one value with the list;
- `gte` / `lte`: customer count compared as a number; company size and revenue band by their order in
  their choices (so "51-200" is at least "11-50").

Texts compare without case ("healthcare" matches "Healthcare"). Regions compare as codes (prm.geography.Region):
what a profile wrote before regions were choices ("Europe, UK") is read as its region first, and a profile's
country counts for the country's region, so an applicant from DE who ticked no region still matches "EMEA". No
queries here: callers load the criteria.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from partners.models import CompanySize, IppAttribute, IppOperator, PartnerType, RevenueBand
from prm.geography import country_name, region_label, region_of, regions_from

# Attributes holding one value, attributes holding a list, and attributes with an order (for gte/lte).
SCALAR_ATTRIBUTES = frozenset(
    {
        IppAttribute.PARTNER_TYPE,
        IppAttribute.COUNTRY,
        IppAttribute.COMPANY_SIZE,
        IppAttribute.REVENUE_BAND,
        IppAttribute.CUSTOMER_COUNT,
    }
)
LIST_ATTRIBUTES = frozenset({IppAttribute.REGION, IppAttribute.INDUSTRY, IppAttribute.CERTIFICATION})
# Ordered choices: their position in the choices is their rank.
ORDERED_CHOICES = {
    IppAttribute.COMPANY_SIZE: CompanySize,
    IppAttribute.REVENUE_BAND: RevenueBand,
}
ORDERED_ATTRIBUTES = frozenset({IppAttribute.CUSTOMER_COUNT, *ORDERED_CHOICES})
# Which operators fit which attributes (the criterion form and service check it).
OPERATORS_FOR = {
    IppOperator.IN: SCALAR_ATTRIBUTES - {IppAttribute.CUSTOMER_COUNT},
    IppOperator.ANY: LIST_ATTRIBUTES,
    IppOperator.AT_LEAST: ORDERED_ATTRIBUTES,
    IppOperator.AT_MOST: ORDERED_ATTRIBUTES,
}


@dataclasses.dataclass(frozen=True)
class IppResult:
    score: int
    explanation: list[dict]


def _label(attribute: str) -> str:
    return str(IppAttribute(attribute).label) if attribute in IppAttribute.values else attribute


def _display(attribute: str, value) -> str:
    """A value as people read it: choice labels for size and revenue band, the type's name for types."""
    if attribute in ORDERED_CHOICES:
        choices = dict(ORDERED_CHOICES[attribute].choices)
        return str(choices.get(value, value))
    if attribute == IppAttribute.PARTNER_TYPE:
        return str(dict(PartnerType.choices).get(value, value))
    if attribute == IppAttribute.REGION:
        return region_label(value)
    if attribute == IppAttribute.COUNTRY:
        return country_name(value)
    return str(value)


def criterion_value_labels(attribute: str, values: Iterable) -> list[str]:
    """A criterion's values as people read them (region and country names, partner type labels)."""
    return [_display(attribute, value) for value in values]


def profile_regions(profile) -> list[str]:
    """The regions a profile sells into, as codes: its listed regions (old free text read as regions where it can
    be, kept as written where not), its home region and its country's region."""
    listed = getattr(profile, "regions", None) or []
    known, unknown = regions_from(listed if isinstance(listed, list) else [listed])
    home, _unknown = regions_from([getattr(profile, "region", "") or ""])
    country = region_of(getattr(profile, "country", "") or "")
    return list(dict.fromkeys([*known, *home, *([country] if country else []), *unknown]))


def _joined(attribute: str, values: Iterable) -> str:
    return ", ".join(_display(attribute, value) for value in values)


def _fold(value) -> str:
    return str(value).strip().casefold()


def _rank(attribute: str, value) -> int | None:
    """The comparable number of an ordered attribute's value, or None when it has none."""
    if attribute == IppAttribute.CUSTOMER_COUNT:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return value
    values = list(ORDERED_CHOICES[attribute].values)
    return values.index(value) if value in values else None


def _is_missing(value) -> bool:
    return value is None or value == "" or value == []


def _match(attribute: str, operator: str, expected, actual) -> tuple[bool, str]:
    """(matched, why) for one criterion against the profile's value, in the active language (scoring runs in the
    program's: the explanation is stored)."""
    label = _label(attribute)
    if _is_missing(actual):
        return False, _("%(attribute)s not given") % {"attribute": label}
    if operator == IppOperator.IN:
        wanted = [_fold(v) for v in expected or []]
        matched = _fold(actual) in wanted
        params = {
            "attribute": label,
            "value": _display(attribute, actual),
            "values": _joined(attribute, expected or []),
        }
        if matched:
            return True, _("%(attribute)s %(value)s is one of %(values)s") % params
        return False, _("%(attribute)s %(value)s is not one of %(values)s") % params
    if operator == IppOperator.ANY:
        actual_values = actual if isinstance(actual, list) else [actual]
        if attribute == IppAttribute.REGION:
            # Criteria written before regions were choices ("Europe") compare as their region.
            expected = regions_from(expected or [])[0] + regions_from(expected or [])[1]
        wanted = {_fold(v) for v in expected or []}
        common = [v for v in actual_values if _fold(v) in wanted]
        if common:
            return True, _("%(attribute)s include %(common)s, one of %(values)s") % {
                "attribute": label,
                "common": _joined(attribute, common),
                "values": _joined(attribute, expected or []),
            }
        return False, _("%(attribute)s (%(actual)s) include none of %(values)s") % {
            "attribute": label,
            "actual": _joined(attribute, actual_values),
            "values": _joined(attribute, expected),
        }
    if operator in (IppOperator.AT_LEAST, IppOperator.AT_MOST):
        have, want = _rank(attribute, actual), _rank(attribute, expected)
        params = {"attribute": label, "value": _display(attribute, actual), "limit": _display(attribute, expected)}
        if have is None or want is None:
            return False, _("%(attribute)s %(value)s cannot be compared with %(limit)s") % params
        if operator == IppOperator.AT_LEAST:
            if have >= want:
                return True, _("%(attribute)s %(value)s is at least %(limit)s") % params
            return False, _("%(attribute)s %(value)s is below %(limit)s") % params
        if have <= want:
            return True, _("%(attribute)s %(value)s is at most %(limit)s") % params
        return False, _("%(attribute)s %(value)s is above %(limit)s") % params
    return False, _("Unknown operator %(operator)s") % {"operator": repr(operator)}


def percent(earned: int, total: int) -> int:
    """round(100 × earned / total), halves rounded up; 0 when there is nothing to earn."""
    if total <= 0:
        return 0
    return int((Decimal(100 * earned) / Decimal(total)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def ipp_score(*, profile, criteria: Iterable) -> IppResult:
    """Score `profile` (an application, a partner organization, or any object with the attributes) against
    `criteria` (IppCriterion rows or objects with label, attribute, operator, value, weight). An attribute the
    profile does not have (a partner organization has no revenue band) counts as not given."""
    earned = total = 0
    explanation = []
    for criterion in criteria:
        weight = int(criterion.weight or 0)
        if criterion.attribute == IppAttribute.REGION:
            actual = profile_regions(profile)
        else:
            actual = getattr(profile, criterion.attribute, None)
        matched, why = _match(criterion.attribute, criterion.operator, criterion.value, actual)
        points = weight if matched else 0
        earned += points
        total += weight
        explanation.append(
            {"criterion": criterion.label, "points": points, "of": weight, "matched": matched, "why": why}
        )
    return IppResult(score=percent(earned, total), explanation=explanation)
