"""The pieces every analytics read is built from: the scope a figure is computed for (period and partner filters),
the deal registrations and partners read through their apps' selectors, and the conversion of amounts into the
tenant's base currency with the program's exchange rates, done inside the SQL (no loop over rows)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Aggregate, Case, DecimalField, F, FloatField, Func, IntegerField, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from analytics.models import ExchangeRate
from dealreg.selectors import registrations_visible_to
from partners.selectors import partner_queryset
from prm.policy import ProgramActor
from prm.tenancy import current_tenant

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
HUNDRED = Decimal("100")
RATE = DecimalField(max_digits=18, decimal_places=8)
EXACT = DecimalField(max_digits=30, decimal_places=10)


class Median(Aggregate):
    """PostgreSQL's `percentile_cont(0.5)`: the median of a group, computed by the database."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def days_between(later, earlier) -> Func:
    """Whole days from `earlier` to `later` (dates; date-times are read as days in the current time zone)."""
    return Func(later, earlier, template="(%(expressions)s)", arg_joiner=" - ", output_field=IntegerField())


def as_day(field: str):
    return TruncDate(field)


@dataclass(frozen=True)
class Scope:
    """What a figure is computed for: a period (both days included) and the partners the filters leave (partner
    type, region, tier, owning channel manager, or named partners). No filter: every partner of the tenant."""

    start: date
    end: date
    partner_type: str = ""
    region: str = ""
    tier: str = ""
    owner_id: int | None = None
    partner_ids: tuple[int, ...] | None = None

    @property
    def filtered(self) -> bool:
        return bool(self.partner_type or self.region or self.tier or self.owner_id or self.partner_ids is not None)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Scope:
        """The period of the same length just before this one, with the same filters."""
        return replace(self, start=self.start - timedelta(days=self.days), end=self.start - timedelta(days=1))

    def for_partner(self, partner_id: int) -> Scope:
        return replace(self, partner_type="", region="", tier="", owner_id=None, partner_ids=(partner_id,))

    def submitted_in(self) -> dict:
        """The period as bounds on a date-time (`submitted_at`): from its first day's midnight to the next day's after
        its last, in the current time zone. Compared as they are, so the database can use an index on the column."""
        zone = timezone.get_current_timezone()
        first = datetime.combine(self.start, time.min, tzinfo=zone)
        after = datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone)
        return {"submitted_at__gte": first, "submitted_at__lt": after}

    def partners(self) -> QuerySet:
        """The partners in scope (every partner of the tenant when nothing is filtered)."""
        partners = partner_queryset()
        if self.partner_type:
            partners = partners.filter(partner_type=self.partner_type)
        if self.region:
            partners = partners.filter(region=self.region)
        if self.tier:
            partners = partners.filter(tier=self.tier)
        if self.owner_id:
            partners = partners.filter(owner_id=self.owner_id)
        if self.partner_ids is not None:
            partners = partners.filter(pk__in=list(self.partner_ids))
        return partners

    def partner_filter(self):
        """A subquery of the ids in scope for `…__in=`, or None when every partner is (no condition at all)."""
        return self.partners().order_by().values("pk") if self.filtered else None


def registrations() -> QuerySet:
    """Every deal registration of the tenant (dealreg's staff view of them), for aggregates."""
    return registrations_visible_to(ProgramActor(current_tenant().pk)).select_related(None).order_by()


class Rates:
    """The tenant's base currency and its exchange rates (one query), turned into a SQL expression: the amount in
    base currency, NULL for a currency without a rate (so sums leave it out)."""

    def __init__(self):
        self.base = current_tenant().base_currency
        self.rates: dict[str, Decimal] = dict(ExchangeRate.objects.values_list("currency", "rate"))
        self.rates[self.base] = Decimal(1)
        # Figures several metrics share, computed once per request (analytics.metrics.revenue.rollup).
        self.memo: dict = {}

    @property
    def known(self) -> list[str]:
        return sorted(self.rates)

    def rate(self, currency_field: str):
        whens = [
            When(**{currency_field: code}, then=Value(rate, output_field=RATE)) for code, rate in self.rates.items()
        ]
        return Case(*whens, default=Value(None, output_field=RATE), output_field=RATE)

    def convert(self, amount, currency_field: str):
        """`amount` (an expression or a field) × the rate of the row's currency, exact: rounded once, after summing."""
        amount = F(amount) if isinstance(amount, str) else amount
        return Func(
            amount, self.rate(currency_field), template="(%(expressions)s)", arg_joiner=" * ", output_field=EXACT
        )

    def in_base(self, amount: Decimal, currency: str) -> Decimal | None:
        rate = self.rates.get(currency)
        return None if rate is None else money(amount * rate)


def money(value) -> Decimal:
    return (Decimal(value) if value is not None else Decimal(0)).quantize(CENT, rounding=ROUND_HALF_UP)


def one_decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(TENTH, rounding=ROUND_HALF_UP)
