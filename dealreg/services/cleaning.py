"""Cleaning what partners, staff and the vendor's CRM send to deal registration, one rule per kind of value.

Every cleaner takes the raw value and the name of the field it came from, returns the clean value, and refuses a bad
one with `ValidationFailed` naming that field — so a page, the API and a CRM sync give the same answer. Text goes
through `prm.cleaning.clean_text` (stripped, no NUL, at most so long). Services call these before they write;
forms and serializers only shape the input.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dealreg.models import TERM_MONTHS_RANGE, DealStage, DealType, Product, RevenueType
from partners.selectors import CompanySize
from prm.cleaning import clean_text
from prm.domains import registrable_domain
from prm.errors import ValidationFailed
from prm.money import clean_amount, clean_currency

# Values of any kind --------------------------------------------------------------------------------------------


def clean_strict_text(value, *, field: str, max_length: int, required: str = "") -> str:
    """Text from an integration: as `clean_text`, but a value that is not text at all (a number, a list) is refused
    rather than written as its string (a CRM sending `42` for a name has a mapping bug worth hearing about)."""
    if value is not None and not isinstance(value, str):
        raise ValidationFailed(_("Enter text."), field=field)
    return clean_text(value, field=field, max_length=max_length, required=required)


def clean_boolean(value, *, field: str) -> bool:
    """true or false, nothing that merely looks like one ("yes", 1)."""
    if not isinstance(value, bool):
        raise ValidationFailed(_("Must be true or false."), field=field)
    return value


def clean_choice(value, choices, *, field: str, message: str) -> str:
    """One of `choices`; anything else is refused with `message`."""
    if value not in choices:
        raise ValidationFailed(message, field=field)
    return value


def clean_whole_number(value, *, field: str, low: int, high: int, message: str = "") -> int:
    """A whole number from `low` to `high` (a number, or text of one). `message`, when given, is the one answer to
    every bad value; otherwise the answer says what is wrong."""
    number = None
    if not isinstance(value, bool):
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = None
        if isinstance(value, float) and value != number:
            number = None
    if number is None:
        raise ValidationFailed(message or _("Enter a whole number."), field=field)
    if not low <= number <= high:
        raise ValidationFailed(
            message or _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}, field=field
        )
    return number


def clean_country(value, *, field: str) -> str:
    """An ISO 3166-1 alpha-2 code, upper-cased ("" when none is given)."""
    value = clean_text(value, field=field, max_length=100).upper()
    if value and not (len(value) == 2 and value.isascii() and value.isalpha()):
        raise ValidationFailed(_("Use the two-letter ISO country code, such as DE or US."), field=field)
    return value


def clean_email(value, *, field: str) -> str:
    """An email address ("" when none is given)."""
    value = clean_text(value, field=field, max_length=254)
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValidationFailed(_("Enter a valid email address."), field=field) from None
    return value


def clean_website(value, *, field: str) -> tuple[str, str]:
    """(what was typed, its registrable domain): a web address, a bare domain or an email address; text that names
    no domain is refused. ("", "") when none is given."""
    value = clean_strict_text(value, field=field, max_length=255)
    domain = registrable_domain(value) if value else ""
    if value and not domain:
        raise ValidationFailed(_("Enter a website or domain, such as acme.com or https://www.acme.co.uk."), field=field)
    return value, domain


def clean_date(value, *, field: str) -> date:
    """A date, or text of one as YYYY-MM-DD."""
    if isinstance(value, str):
        try:
            parsed = parse_date(value.strip())
        except ValueError:
            parsed = None
        value = parsed
    if not isinstance(value, date):
        raise ValidationFailed(_("Enter a date as YYYY-MM-DD."), field=field)
    return value


def past_close_date_message() -> str:
    """Said by the cleaner and again at submission (a draft kept past its close date)."""
    return _("The expected close date is in the past: enter today or a later date.")


def clean_close_date(value, *, field: str = "expected_close_date") -> date:
    """The date a deal is expected to close: today or later."""
    value = clean_date(value, field=field)
    if value < timezone.localdate():
        raise ValidationFailed(past_close_date_message(), field=field)
    return value


def clean_closed_date(value, *, field: str = "closed_date") -> date:
    """The date a deal closed: today when not given, never in the future."""
    if value in (None, ""):
        return timezone.localdate()
    closed = clean_date(value, field=field)
    if closed > timezone.localdate():
        raise ValidationFailed(_("The close date cannot be in the future."), field=field)
    return closed


def clean_share(value, *, field: str) -> Decimal:
    """A partner's share of a deal: a percentage from 0 to 100 with at most two decimal places."""
    try:
        share = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed(_("Enter the share as a percentage, such as 60 or 12.5."), field=field) from None
    if isinstance(value, bool) or not share.is_finite() or not Decimal("0") <= share <= Decimal("100"):
        raise ValidationFailed(_("A share is a percentage from 0 to 100."), field=field)
    if share != share.quantize(Decimal("0.01")):
        raise ValidationFailed(_("A share has at most two decimal places."), field=field)
    return share.quantize(Decimal("0.01"))


# A registration's fields ---------------------------------------------------------------------------------------

MAX_LINE_ITEMS = 50
MAX_QUANTITY = 1_000_000

# field -> max length of the plain text fields.
TEXT_FIELDS = {
    "customer_name": 255,
    "customer_region": 32,
    "customer_industry": 64,
    "contact_name": 200,
    "contact_phone": 40,
    "contact_title": 100,
    "title": 255,
    "description": 5000,
    "external_id": 100,
}
WRITABLE_FIELDS = frozenset(
    {
        *TEXT_FIELDS,
        "customer_website",
        "customer_country",
        "customer_size",
        "contact_email",
        "amount",
        "currency",
        "expected_close_date",
        "stage",
        "deal_type",
        "revenue_type",
        "term_months",
        "annual_recurring_value",
        "campaign_code",
        "crm_opportunity",
    }
)
# A deal type and a revenue type say the same of a registration sent with only one of them.
REVENUE_TYPE_OF_DEAL_TYPE = {
    DealType.NEW: RevenueType.NEW,
    DealType.UPSELL: RevenueType.EXPANSION,
    DealType.RENEWAL: RevenueType.RENEWAL,
}
DEAL_TYPE_OF_REVENUE_TYPE = {revenue: deal for deal, revenue in REVENUE_TYPE_OF_DEAL_TYPE.items()}
CAMPAIGN_CODE_MAX_LENGTH = 32
CAMPAIGN_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_.-]*$")
REQUIRED_MESSAGES = {
    "customer_name": gettext_lazy("Name the customer company."),
    "amount": gettext_lazy("Enter the deal's amount."),
    "currency": gettext_lazy("Choose a currency (ISO 4217 code, such as USD or EUR)."),
    "expected_close_date": gettext_lazy("Enter the date the deal is expected to close."),
}


def required_message(field: str) -> str:
    """What a new registration without `field` is told, in the reader's language."""
    return str(REQUIRED_MESSAGES[field])


def _clean_registration_field(field: str, value):
    if field in TEXT_FIELDS:
        return clean_text(value, field=field, max_length=TEXT_FIELDS[field])
    if field == "customer_website":
        return clean_text(value, field=field, max_length=255)
    if field == "customer_country":
        return clean_country(value, field=field)
    if field == "customer_size":
        message = _("Choose a company size from the list.")
        return clean_choice(value or "", {"", *CompanySize.values}, field=field, message=message)
    if field == "contact_email":
        return clean_email(value, field=field)
    if field == "amount":
        return clean_amount(value, field="amount", label=_("The amount"))
    if field == "currency":
        return clean_currency(value)
    if field == "expected_close_date":
        return clean_close_date(value)
    if field == "stage":
        return clean_choice(value, DealStage.values, field=field, message=_("Choose a stage from the list."))
    if field == "deal_type":
        return clean_choice(value, DealType.values, field=field, message=_("Choose new business, renewal or upsell."))
    if field == "revenue_type":
        return clean_choice(
            value, RevenueType.values, field=field, message=_("Choose new business, expansion or renewal.")
        )
    if field == "term_months":
        return clean_term_months(value)
    if field == "annual_recurring_value":
        return clean_annual_recurring_value(value)
    if field == "campaign_code":
        return clean_campaign_code(value)
    raise AssertionError(field)  # pragma: no cover - WRITABLE_FIELDS lists every field handled here


def clean_registration_fields(changes: dict, *, creating: bool, has_line_items: bool) -> dict:
    """A registration's fields as sent (WRITABLE_FIELDS; an unknown one is refused), each cleaned; a new one needs
    the REQUIRED_MESSAGES fields. With line items the amount is theirs, so a sent amount is left out. A CRM
    opportunity stays as sent (the service resolves it, knowing who asks)."""
    unknown = sorted(set(changes) - WRITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown field %(name)s.") % {"name": unknown[0]}, field=unknown[0])
    if creating:
        for field in REQUIRED_MESSAGES:
            if field == "amount" and has_line_items:
                continue
            if changes.get(field) in (None, ""):
                raise ValidationFailed(required_message(field), field=field)
    elif "customer_name" in changes and not (changes["customer_name"] or "").strip():
        raise ValidationFailed(required_message("customer_name"), field="customer_name")
    cleaned = {}
    for field, value in changes.items():
        if field == "crm_opportunity":
            cleaned[field] = value
        elif field == "amount" and has_line_items:
            continue  # the line items' total is the amount
        else:
            cleaned[field] = _clean_registration_field(field, value)
    if "customer_name" in cleaned and not cleaned["customer_name"]:
        raise ValidationFailed(required_message("customer_name"), field="customer_name")
    # Sent with one of the two (an older integration sends deal_type, the form revenue_type): the other follows.
    if "revenue_type" in cleaned and "deal_type" not in cleaned:
        cleaned["deal_type"] = DEAL_TYPE_OF_REVENUE_TYPE[cleaned["revenue_type"]]
    elif "deal_type" in cleaned and "revenue_type" not in cleaned:
        cleaned["revenue_type"] = REVENUE_TYPE_OF_DEAL_TYPE[cleaned["deal_type"]]
    return cleaned


def clean_term_months(value, *, field: str = "term_months") -> int | None:
    """A contract's term in whole months, 1 to 120 (None when not given)."""
    if value in (None, ""):
        return None
    low, high = TERM_MONTHS_RANGE
    return clean_whole_number(
        value,
        field=field,
        low=low,
        high=high,
        message=_("Enter the term in whole months, from %(low)s to %(high)s.") % {"low": low, "high": high},
    )


def clean_annual_recurring_value(value, *, field: str = "annual_recurring_value") -> Decimal | None:
    """The annual recurring value (ARV), in the deal's currency: zero or more, two decimals (None when not given)."""
    if value in (None, ""):
        return None
    return clean_amount(value, field=field, positive=False, label=_("The annual recurring value"))


def clean_campaign_code(value, *, field: str = "campaign_code") -> str:
    """A marketing campaign's short code ("" when none), upper-cased: letters, digits, "-", "_" and ".", at most 32
    characters, such as Q3-WEBINAR-EMEA. The MDF fund request that ran the campaign carries the same code."""
    code = clean_text(value, field=field, max_length=100).upper()
    if not code:
        return ""
    if len(code) > CAMPAIGN_CODE_MAX_LENGTH or not CAMPAIGN_CODE.match(code):
        raise ValidationFailed(
            _(
                "A campaign code is up to %(most)s letters, digits, dashes, dots or underscores, such as "
                "Q3-WEBINAR-EMEA."
            )
            % {"most": CAMPAIGN_CODE_MAX_LENGTH},
            field=field,
        )
    return code


class LineItem(NamedTuple):
    product: Product
    quantity: int
    price: Decimal
    partner_delivered_service: bool = False


def clean_line_items(line_items) -> list[LineItem]:
    """[(product, quantity, unit price, partner-delivered service)] from [{"product": Product or id, "quantity",
    "unit_price"?, "partner_delivered_service"?}]: active products of the tenant's catalogue (one query); the unit
    price defaults to the product's list price."""
    if not isinstance(line_items, list | tuple):
        raise ValidationFailed(_("List the products as line items."), field="line_items")
    if len(line_items) > MAX_LINE_ITEMS:
        raise ValidationFailed(_("At most %(count)s line items.") % {"count": MAX_LINE_ITEMS}, field="line_items")
    wanted = []
    for index, item in enumerate(line_items):
        if not isinstance(item, dict):
            raise ValidationFailed(_("Each line item names a product and a quantity."), field=f"line_items[{index}]")
        product = item.get("product")
        product_id = product.pk if isinstance(product, Product) else product
        if isinstance(product_id, bool) or not isinstance(product_id, int):
            raise ValidationFailed(_("Choose a product of the catalogue."), field=f"line_items[{index}].product")
        wanted.append(product_id)
    products = {p.pk: p for p in Product.objects.filter(pk__in=wanted, is_active=True)}
    cleaned = []
    for index, item in enumerate(line_items):
        product = products.get(wanted[index])
        if product is None:
            raise ValidationFailed(_("Choose a product of the catalogue."), field=f"line_items[{index}].product")
        quantity = item.get("quantity", 1)
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
            raise ValidationFailed(
                _("Enter a whole quantity from 1 to %(most)s.")
                % {"most": number_format(MAX_QUANTITY, force_grouping=True)},
                field=f"line_items[{index}].quantity",
            )
        price = item.get("unit_price")
        if price in (None, ""):
            if product.list_price is None:
                raise ValidationFailed(
                    _("%(product)s has no list price: enter the unit price.") % {"product": product.name},
                    field=f"line_items[{index}].unit_price",
                )
            price = product.list_price
        price = clean_amount(price, field=f"line_items[{index}].unit_price", positive=False, label=_("The unit price"))
        service = item.get("partner_delivered_service", False)
        service = (
            False
            if service in (None, "")
            else clean_boolean(service, field=f"line_items[{index}].partner_delivered_service")
        )
        cleaned.append(LineItem(product, quantity, price, service))
    return cleaned


def line_items_total(items) -> Decimal:
    """The amount of a deal made of line items: their total, which must be more than nothing."""
    total = sum((item.price * item.quantity for item in items), Decimal("0"))
    if total <= 0:
        raise ValidationFailed(
            _("The line items add up to nothing: the deal's amount must be greater than zero."), field="line_items"
        )
    return clean_amount(total, field="line_items", label=_("The line items' total"))
