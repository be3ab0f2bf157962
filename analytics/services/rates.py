"""Exchange rates: how much one unit of a currency is worth in the tenant's base currency. Set by tenant admins and
finance; every report converts with the rate as it stands."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from analytics.models import ExchangeRate
from prm import policy
from prm.errors import ValidationFailed
from prm.money import clean_currency
from prm.policy import Actor
from prm.tenancy import current_tenant

MAX_RATE = Decimal("9999999999")


def clean_rate(value) -> Decimal:
    try:
        rate = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed(_("The rate must be a number, such as 1.0850."), field="rate") from None
    if not rate.is_finite() or rate <= 0:
        raise ValidationFailed(_("The rate must be greater than zero."), field="rate")
    if rate > MAX_RATE or rate != rate.quantize(Decimal("0.00000001")):
        raise ValidationFailed(_("The rate has at most 8 decimal places and 10 digits before them."), field="rate")
    return rate


@transaction.atomic
def exchange_rate_set(*, actor: Actor, currency, rate) -> ExchangeRate:
    """Set (add or replace) the rate of a currency other than the base currency."""
    policy.require(actor, "analytics.costs.manage")
    code = clean_currency(currency)
    if code == current_tenant().base_currency:
        raise ValidationFailed(_("The base currency needs no rate: it is worth 1."), field="currency")
    value = clean_rate(rate)
    exchange_rate, _created = ExchangeRate.objects.update_or_create(currency=code, defaults={"rate": value})
    return exchange_rate


@transaction.atomic
def exchange_rate_delete(*, actor: Actor, currency: str) -> None:
    policy.require(actor, "analytics.costs.manage")
    ExchangeRate.objects.filter(currency=currency).delete()
