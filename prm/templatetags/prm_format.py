"""`{{ amount|money:currency }}`: an amount in the reader's number format with its ISO currency code
("25,000.00 USD", "25.000,00 USD", "25 000,00 USD"). The code rather than a symbol: a program's deals come in
many currencies, and "$" alone does not say which dollar.

Dates and times use Django's formats for the active language (`|date:"DATE_FORMAT"`, `|date:"DATETIME_FORMAT"`,
set in prm/formats/), shown in the reader's time zone with the zone's name."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def money(amount, currency: str = "") -> str:
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return ""
    return f"{number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)} {currency or ''}".strip()
