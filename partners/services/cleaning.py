"""Cleaning what people and integrations send to the partners app: one cleaner per kind of field, shared by every
use case (the profile, the CSV import, contacts, applications, IPP criteria, onboarding plans, agreements).

Each cleaner takes the raw value (text from a form, JSON from the API, a CSV cell), returns it normalised, and raises
`ValidationFailed` naming the field, so a page, the API and an import row give the same answer. All text goes through
`prm.cleaning.clean_text` (surrounding whitespace dropped, NUL refused, a length limit).
"""

from __future__ import annotations

import ipaddress
import json
import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import CompanySize, IppAttribute, IppOperator, OnboardingStepKind, OnboardingStepTemplate
from partners.selectors.program_settings import program_language
from partners.services.ipp import OPERATORS_FOR, ORDERED_CHOICES, criterion_value_labels
from partners.services.organization import partner_type_is_known
from prm.cleaning import clean_text
from prm.errors import ValidationFailed
from prm.geography import Region, is_country, regions_from
from prm.webhooks.services import EVENT_TYPE_PATTERN

DOMAIN_PATTERN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")
PHONE_PATTERN = re.compile(r"^[0-9+()./ x-]{3,40}$")
MAX_LIST_ITEMS = 50
MAX_WHOLE_NUMBER = 2_147_483_647  # PostgreSQL's integer
_url_validator = URLValidator(schemes=["http", "https"])


# Fields of every kind ----------------------------------------------------------------------------------------


def clean_website(value, *, field: str = "website") -> str:
    """A web address (http or https); "acme.com" is read as https://acme.com. Empty stays empty."""
    website = clean_text(value, field=field, max_length=200)
    if not website:
        return ""
    if "://" not in website:
        website = f"https://{website}"
    try:
        _url_validator(website)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            _("Enter your company's web address starting with http:// or https://, such as https://acme.com."),
            field=field,
        ) from exc
    return website


def clean_email(value, *, field: str = "email", required: str = "") -> str:
    """An email address in lower case; empty allowed unless `required` is the message for it."""
    email = clean_text(value, field=field, max_length=254, required=required).lower()
    if email:
        try:
            validate_email(email)
        except DjangoValidationError as exc:
            raise ValidationFailed(_("Enter a valid email address."), field=field) from exc
    return email


def clean_phone(value, *, field: str = "phone") -> str:
    """A phone number as people write it: digits, spaces and + ( ) - . / x."""
    phone = clean_text(value, field=field, max_length=40)
    if phone and not PHONE_PATTERN.match(phone):
        raise ValidationFailed(_("Enter a phone number of digits, spaces and + ( ) - . /"), field=field)
    return phone


def clean_list(values, *, field: str, max_length: int = 64) -> list[str]:
    """A list of short labels (a list, or text separated by commas, semicolons or lines); blanks dropped,
    duplicates removed (the first one kept), at most MAX_LIST_ITEMS."""
    if isinstance(values, str):
        values = re.split(r"[;,\n]", values)
    cleaned = []
    for value in values or []:
        value = clean_text(value, field=field, max_length=10_000)
        if value and value not in cleaned:
            if len(value) > max_length:
                raise ValidationFailed(
                    _("'%(start)s…' is longer than %(limit)s characters.") % {"start": value[:20], "limit": max_length},
                    field=field,
                )
            cleaned.append(value)
    if len(cleaned) > MAX_LIST_ITEMS:
        raise ValidationFailed(_("At most %(limit)s entries.") % {"limit": MAX_LIST_ITEMS}, field=field)
    return cleaned


def clean_email_domains(values, *, field: str = "email_domains") -> list[str]:
    """Email domains in lower case ("@acme.com" is acme.com), each once."""
    domains = [d.lower().removeprefix("@") for d in clean_list(values, field=field, max_length=253)]
    bad = [d for d in domains if not DOMAIN_PATTERN.match(d)]
    if bad:
        raise ValidationFailed(
            _("Not an email domain: %(domains)s (write acme.com).") % {"domains": ", ".join(bad)}, field=field
        )
    return list(dict.fromkeys(domains))


def clean_country(value, *, field: str = "country") -> str:
    """An ISO 3166-1 country code in upper case ("uk" is GB), or empty."""
    country = clean_text(value, field=field, max_length=200).upper()
    country = "GB" if country == "UK" else country
    if country and not (COUNTRY_PATTERN.match(country) and is_country(country)):
        raise ValidationFailed(_("Enter a two-letter ISO country code such as DE or US."), field=field)
    return country


def _unknown_regions(unknown: list[str], *, field: str) -> ValidationFailed:
    return ValidationFailed(
        _("Unknown region %(values)s: choose from %(regions)s.")
        % {"values": ", ".join(f"“{value}”" for value in unknown), "regions": ", ".join(Region.values)},
        field=field,
    )


def clean_regions(values, *, field: str = "regions") -> list[str]:
    """Region codes (prm.geography.Region), each once. Names people write for them ("Europe", "DACH", "APJ") and
    countries are read as their region; anything else is refused, naming it."""
    regions, unknown = regions_from(clean_list(values, field=field))
    if unknown:
        raise _unknown_regions(unknown, field=field)
    return regions


def clean_region(value, *, field: str = "region") -> str:
    """One region code, or empty; written names are read as in clean_regions."""
    text = clean_text(value, field=field, max_length=64)
    if not text:
        return ""
    regions, unknown = regions_from([text])
    if unknown or len(regions) != 1:
        raise _unknown_regions(unknown or [text], field=field)
    return regions[0]


def clean_choice(value, *, field: str, choices, required: str = "") -> str:
    """One of the `choices` (a TextChoices class), or empty unless `required` is the message for it."""
    value = clean_text(value, field=field, max_length=64, required=required)
    if value and value not in choices.values:
        raise ValidationFailed(_("Choose one of: %(values)s.") % {"values": ", ".join(choices.values)}, field=field)
    return value


def clean_partner_type(value, *, field: str = "partner_type", required: str = "") -> str:
    """A built-in partner type or one the tenant added; empty unless `required` is the message for it."""
    partner_type = clean_text(value, field=field, max_length=32, required=required)
    if partner_type and not partner_type_is_known(partner_type):
        raise ValidationFailed(_("Unknown partner type '%(type)s'.") % {"type": partner_type}, field=field)
    return partner_type


def clean_whole_number(
    value, *, field: str, low: int = 0, high: int = MAX_WHOLE_NUMBER, message: str, out_of_range: str = "",
    required: bool = True,
) -> int | None:  # fmt: skip
    """A whole number from `low` to `high`. `message` answers what is not a number (and, without `out_of_range`, a
    number out of range too). Empty is None when not `required`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if not required:
            return None
        raise ValidationFailed(message, field=field)
    if isinstance(value, bool):
        raise ValidationFailed(message, field=field)
    try:
        number = int(str(value).strip())
    except ValueError as exc:
        raise ValidationFailed(message, field=field) from exc
    if not low <= number <= high:
        raise ValidationFailed(out_of_range or message, field=field)
    return number


def clean_ip_address(value: str | None) -> str | None:
    """A valid IPv4/IPv6 address as text, or None (evidence keeps no malformed address)."""
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def clean_agreement_body(body, *, max_length: int = 100_000) -> str:
    """An agreement's text with Windows line ends made plain; required."""
    body = body.replace("\r\n", "\n") if isinstance(body, str) else body
    return clean_text(body, field="body", max_length=max_length, required=_("Write the agreement's text."))


# A partner's profile --------------------------------------------------------------------------------------------

PROFILE_CLEANERS = {
    "legal_name": lambda v: clean_text(v, field="legal_name", max_length=200),
    "website": clean_website,
    "email_domains": clean_email_domains,
    "country": clean_country,
    "region": clean_region,
    "regions": clean_regions,
    "industries": lambda v: clean_list(v, field="industries"),
    "company_size": lambda v: clean_choice(v, field="company_size", choices=CompanySize),
    "customer_count": lambda v: clean_whole_number(
        v,
        field="customer_count",
        message=_("Enter a whole number of customers."),
        out_of_range=_("Enter a number of customers of 0 or more."),
        required=False,
    ),
}


# Contacts at a partner -----------------------------------------------------------------------------------------

CONTACT_FIELDS = ("name", "email", "phone", "job_title", "is_primary", "external_id")


def clean_contact(fields: dict) -> dict:
    """A contact's fields (CONTACT_FIELDS), checked: a name, a valid email, a phone number; anything else is refused."""
    cleaned = {}
    for name, value in fields.items():
        if name not in CONTACT_FIELDS:
            raise ValidationFailed(_("Not a contact field."), field=name)
        if name == "name":
            cleaned[name] = clean_text(value, field="name", max_length=200, required=_("Enter the contact's name."))
        elif name == "email":
            cleaned[name] = clean_email(value, field="email")
        elif name == "phone":
            cleaned[name] = clean_phone(value, field="phone")
        elif name == "job_title":
            cleaned[name] = clean_text(value, field="job_title", max_length=100)
        elif name == "external_id":
            cleaned[name] = clean_text(value, field="external_id", max_length=100)
        else:
            cleaned[name] = bool(value)
    return cleaned


# Ideal partner profile criteria ---------------------------------------------------------------------------------

_OPERATOR_HINTS = {
    IppOperator.IN: gettext_lazy(
        "“is one of” compares a single value: use it with partner type, country, size or revenue band."
    ),
    IppOperator.ANY: gettext_lazy(
        "“includes any of” compares lists: use it with regions, industries or certifications."
    ),
    IppOperator.AT_LEAST: gettext_lazy(
        "“is at least” compares amounts: use it with customer count, company size or revenue band."
    ),
    IppOperator.AT_MOST: gettext_lazy(
        "“is at most” compares amounts: use it with customer count, company size or revenue band."
    ),
}


def clean_criterion_value(attribute: str, operator: str, value):
    """A criterion's value in the form its operator needs: a list for in/any, a number or a choice for gte/lte.
    Values of choices must be among the choices; countries are two-letter codes."""
    if operator in (IppOperator.IN, IppOperator.ANY):
        if isinstance(value, str):
            value = re.split(r"[;,\n]", value)
        if not isinstance(value, list | tuple):
            value = [value]
        values = list(dict.fromkeys(str(v).strip() for v in value if str(v).strip()))
        if not values:
            raise ValidationFailed(_("List at least one value, separated by commas."), field="value")
        if len(values) > 100:
            raise ValidationFailed(_("At most %(limit)s values.") % {"limit": 100}, field="value")
        if any(len(v) > 100 for v in values):
            raise ValidationFailed(_("Each value has at most %(limit)s characters.") % {"limit": 100}, field="value")
        if attribute == IppAttribute.REGION:
            values, unknown = regions_from(values)
            if unknown:
                raise _unknown_regions(unknown, field="value")
        if attribute == IppAttribute.COUNTRY:
            values = ["GB" if v.upper() == "UK" else v.upper() for v in values]
            bad = [v for v in values if not is_country(v)]
            if bad:
                raise ValidationFailed(
                    _("Use two-letter country codes such as DE (not %(values)s).") % {"values": ", ".join(bad)},
                    field="value",
                )
        if attribute in ORDERED_CHOICES:
            allowed = ORDERED_CHOICES[attribute].values
            bad = [v for v in values if v not in allowed]
            if bad:
                raise ValidationFailed(
                    _("Unknown values %(values)s: use %(allowed)s.")
                    % {"values": ", ".join(bad), "allowed": ", ".join(allowed)},
                    field="value",
                )
        if attribute == IppAttribute.PARTNER_TYPE:
            bad = [v for v in values if not partner_type_is_known(v)]
            if bad:
                raise ValidationFailed(
                    _("Unknown partner types: %(types)s.") % {"types": ", ".join(bad)}, field="value"
                )
        return values
    # gte / lte
    if isinstance(value, list | tuple):
        value = value[0] if len(value) == 1 else ""
    if attribute == IppAttribute.CUSTOMER_COUNT:
        return clean_whole_number(
            value,
            field="value",
            message=_("Enter a whole number, such as 25."),
            out_of_range=_("Enter a number of 0 or more."),
        )
    allowed = ORDERED_CHOICES[attribute].values
    value = str(value or "").strip()
    if value not in allowed:
        raise ValidationFailed(_("Choose one of: %(values)s.") % {"values": ", ".join(allowed)}, field="value")
    return value


def clean_criterion(*, label: str = "", attribute: str, operator: str, value, weight) -> dict:
    """A criterion's fields, checked: a known attribute, an operator that fits it, a value of the operator's
    type, a weight of 1–100. An empty label is written from the rule ("Country is one of DE, AT")."""
    if attribute not in IppAttribute.values:
        raise ValidationFailed(_("Choose what the criterion looks at."), field="attribute")
    if operator not in IppOperator.values:
        raise ValidationFailed(_("Choose how it compares."), field="operator")
    if attribute not in OPERATORS_FOR[operator]:
        raise ValidationFailed(str(_OPERATOR_HINTS[operator]), field="operator")
    value = clean_criterion_value(attribute, operator, value)
    weight = clean_whole_number(weight, field="weight", low=1, high=100, message=_("Enter a weight from 1 to 100."))
    label = clean_text(label, field="label", max_length=200)
    if not label:
        # Written down for the whole team: in the program's language, values by their names ("Managed service
        # provider", not msp).
        with program_language():
            shown = ", ".join(criterion_value_labels(attribute, value if isinstance(value, list) else [value]))
            label = f"{IppAttribute(attribute).label} {IppOperator(operator).label} {shown}"[:200]
    return {"label": label, "attribute": attribute, "operator": operator, "value": value, "weight": weight}


# Onboarding plan steps ------------------------------------------------------------------------------------------

MAX_STEP_DESCRIPTION = 2000
MAX_DUE_OFFSET_DAYS = 365
MAX_CONDITION_KEYS = 10
MAX_CONDITION_KEY_LENGTH = 64
MAX_CONDITION_VALUE_LENGTH = 200
# Onboarding's own events never complete a step: a step completing would otherwise complete the next (a loop).
OWN_EVENT_PREFIX = "onboarding."


def clean_condition(condition) -> dict:
    """A step's condition: a JSON object (text or a dict) of payload keys and the simple values they must have."""
    if condition is None:
        return {}
    if isinstance(condition, str):
        text = condition.strip()
        if not text:
            return {}
        try:
            condition = json.loads(text)
        except ValueError as exc:
            raise ValidationFailed(
                _('Write the condition as a JSON object, such as {"course_id": 12}.'), field="condition"
            ) from exc
    if not isinstance(condition, dict):
        raise ValidationFailed(_('The condition must be a JSON object, such as {"course_id": 12}.'), field="condition")
    if len(condition) > MAX_CONDITION_KEYS:
        raise ValidationFailed(
            _("At most %(limit)s keys in a condition.") % {"limit": MAX_CONDITION_KEYS}, field="condition"
        )
    for key, value in condition.items():
        if not key.strip() or len(key) > MAX_CONDITION_KEY_LENGTH:
            raise ValidationFailed(
                _("Condition keys are payload field names of 1 to %(limit)s characters.")
                % {"limit": MAX_CONDITION_KEY_LENGTH},
                field="condition",
            )
        if isinstance(value, (dict, list)):
            raise ValidationFailed(
                _("The condition's value for “%(key)s” must be a string, a number, true, false or null.")
                % {"key": key},
                field="condition",
            )
        if isinstance(value, str) and len(value) > MAX_CONDITION_VALUE_LENGTH:
            raise ValidationFailed(_("The value for “%(key)s” is too long.") % {"key": key}, field="condition")
    return condition


def clean_completion_event(*, kind: str, completion_event) -> str:
    """The event type that completes a step of this kind: required for "event" steps, none for manual ones, never
    one of onboarding's own events."""
    event = clean_text(completion_event, field="completion_event", max_length=200).lower()
    if kind == OnboardingStepKind.MANUAL:
        if event:
            raise ValidationFailed(
                _("A manual step is ticked off by the channel manager: it has no completion event."),
                field="completion_event",
            )
        return ""
    if not event:
        if kind == OnboardingStepKind.EVENT:
            raise ValidationFailed(
                _("Name the event that completes this step, such as webinar.attended."), field="completion_event"
            )
        return ""
    if len(event) > 64 or not EVENT_TYPE_PATTERN.match(event):
        raise ValidationFailed(
            _("Not an event type: event types look like course.completed (lowercase words joined by dots)."),
            field="completion_event",
        )
    if event.startswith(OWN_EVENT_PREFIX):
        raise ValidationFailed(
            _("Onboarding's own events cannot complete a step (it would complete steps in a loop)."),
            field="completion_event",
        )
    return event


def clean_plan_step(*, title, description, kind, completion_event, condition, required, due_offset_days) -> dict:
    """A plan step's fields, checked: a title, a known kind, a completion event and condition that fit the kind, a
    due offset of 0–MAX_DUE_OFFSET_DAYS days."""
    if kind not in OnboardingStepKind.values:
        raise ValidationFailed(_("Choose what kind of step this is."), field="kind")
    max_title = OnboardingStepTemplate._meta.get_field("title").max_length
    cleaned = {
        "title": clean_text(title, field="title", max_length=max_title, required=_("Give the step a title.")),
        "description": clean_text(description, field="description", max_length=MAX_STEP_DESCRIPTION),
        "kind": kind,
        "completion_event": clean_completion_event(kind=kind, completion_event=completion_event),
        "condition": clean_condition(condition),
        "required": bool(required),
        "due_offset_days": clean_whole_number(
            due_offset_days,
            field="due_offset_days",
            high=MAX_DUE_OFFSET_DAYS,
            message=_("Enter a number of days."),
            out_of_range=_("Between 0 and %(limit)s days after the start.") % {"limit": MAX_DUE_OFFSET_DAYS},
        ),
    }
    if kind == OnboardingStepKind.MANUAL and cleaned["condition"]:
        raise ValidationFailed(
            _("A manual step has no condition: the channel manager ticks it off."), field="condition"
        )
    return cleaned
