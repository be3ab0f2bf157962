"""Money: ISO 4217 currency codes and amount checks shared by every app that takes an amount.

Amounts are `Decimal` with two decimal places (DecimalField(max_digits=14, decimal_places=2)) and an ISO 4217
currency code; never floats. Reports convert to the tenant's base currency.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from prm.errors import ValidationFailed

# Active ISO 4217 codes (list one, 2024), without funds codes, precious metals and testing codes.
ISO_4217_CODES = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF
    CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD
    HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD
    MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN
    PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY
    TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
    """.split()
)

# The largest amount a MONEY field (14 digits, 2 decimals) holds.
MAX_AMOUNT = Decimal("999999999999.99")
CENT = Decimal("0.01")


def is_currency(code: str) -> bool:
    return isinstance(code, str) and code.upper() in ISO_4217_CODES


def clean_currency(value, *, field: str = "currency") -> str:
    """An ISO 4217 code in upper case; anything else is refused naming `field`."""
    code = (value or "").strip().upper() if isinstance(value, str) else ""
    if not code:
        raise ValidationFailed(_("Choose a currency (ISO 4217 code, such as USD or EUR)."), field=field)
    if code not in ISO_4217_CODES:
        raise ValidationFailed(
            _("“%(code)s” is not an ISO 4217 currency code (such as USD or EUR).") % {"code": code[:10]}, field=field
        )
    return code


def clean_amount(value, *, field: str = "amount", positive: bool = True, label: str = "The amount") -> Decimal:
    """A Decimal with at most two decimal places, greater than zero (or at least zero when not `positive`), and
    small enough for the database."""
    if isinstance(value, float):
        value = str(value)  # a float from JSON: its shortest text, never its binary expansion
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed(
            _("%(label)s must be a number, such as 25000 or 25000.50.") % {"label": label}, field=field
        ) from None
    if value is None or value == "" or not amount.is_finite():
        raise ValidationFailed(
            _("%(label)s must be a number, such as 25000 or 25000.50.") % {"label": label}, field=field
        )
    if positive and amount <= 0:
        raise ValidationFailed(_("%(label)s must be greater than zero.") % {"label": label}, field=field)
    if not positive and amount < 0:
        raise ValidationFailed(_("%(label)s cannot be negative.") % {"label": label}, field=field)
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ValidationFailed(_("%(label)s has at most two decimal places.") % {"label": label}, field=field)
    if amount > MAX_AMOUNT:
        raise ValidationFailed(_("%(label)s is too large.") % {"label": label}, field=field)
    return amount.quantize(CENT)


def currency_choices(first: str = "") -> list[tuple[str, str]]:
    """(code, code) pairs for a select, `first` (the tenant's base currency) at the top."""
    codes = sorted(ISO_4217_CODES)
    if first in ISO_4217_CODES:
        codes.remove(first)
        codes.insert(0, first)
    return [(code, code) for code in codes]
