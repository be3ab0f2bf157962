"""Attribution, recurring revenue and campaign figures of deal registration, for MDF's ROI and program analytics:
each a fixed number of grouped queries whatever the number of deals or partners (set-based).

**Money in the base currency.** Amounts are converted to `currency` (the tenant's base currency, passed by the
caller) with `rates`: {ISO code: how many units of `currency` one unit of that code is worth}. The platform keeps no
exchange rates of its own yet, so a caller that has none passes none: deals in `currency` count as they are and
deals in any currency without a rate are left out rather than converted at an invented rate (as
`dealreg.selectors.metrics` does). Sums are exact and rounded once, to the cent (half up), after conversion.

**Attribution.** Each participation of a partner in a won deal is worth the deal's closed amount × its share / 100:
on a partner's registration (won, closed_amount, closed_at) and on one of the vendor's own CRM opportunities (won,
amount, close_date) it influenced. Sourced is the role `sourced`; influenced the roles `influenced`, `fulfillment`
and `services` (`INFLUENCE_ROLES`). Within each, a deal's shares add up to at most 100 (the services refuse more),
so no dollar is counted twice as sourced nor twice as influenced. A CRM opportunity that a won registration is linked
to is counted through that registration (its participants), not a second time through the opportunity.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum, Value

from dealreg.models import AttributionRole, DealLineItem, DealParticipant, DealRegistration, DealStatus
from dealreg.services.cleaning import CAMPAIGN_CODE_MAX_LENGTH

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
ZERO = Decimal("0")
INFLUENCE_ROLES = (AttributionRole.INFLUENCED, AttributionRole.FULFILLMENT, AttributionRole.SERVICES)
# Registrations that count as registered pipeline of a campaign: submitted at least, and not turned down.
NOT_PIPELINE = (DealStatus.DRAFT, DealStatus.REJECTED)

_EXACT = DecimalField(max_digits=24, decimal_places=8)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _rate(code: str, currency: str, rates: Mapping[str, Decimal] | None) -> Decimal | None:
    """How many units of `currency` one unit of `code` is worth; None when unknown (left out)."""
    if code == currency:
        return Decimal("1")
    if rates and code in rates and rates[code] is not None:
        return Decimal(str(rates[code]))
    return None


def _currencies(currency: str, rates) -> list[str]:
    return sorted({currency, *(code for code, rate in (rates or {}).items() if rate is not None)})


# Attributed revenue per partner ----------------------------------------------------------------------------------


@dataclass
class AttributedRevenue:
    """A partner's won revenue in the base currency: `sourced` and `influenced` (by share), and on how many won
    deals each."""

    sourced: Decimal = ZERO
    influenced: Decimal = ZERO
    sourced_deals: int = 0
    influenced_deals: int = 0

    @property
    def total(self) -> Decimal:
        return self.sourced + self.influenced


def attributed_revenue_by_partner(
    *,
    currency: str,
    rates: Mapping[str, Decimal] | None = None,
    closed_from: date | None = None,
    closed_to: date | None = None,
    partner_ids=None,
    revenue_types=None,
) -> dict[int, AttributedRevenue]:
    """Won revenue attributed to each partner, split into sourced and influenced by share, in `currency` (see the
    module's note on rates). Close dates between `closed_from` and `closed_to`, both inclusive; `revenue_types`
    (new, expansion, renewal) narrows the registrations (CRM opportunities have no revenue type and count only when
    it is not given). {partner id: AttributedRevenue}; partners with nothing are absent. Two grouped queries."""
    currencies = _currencies(currency, rates)
    on_registrations = DealParticipant.objects.filter(
        registration__status=DealStatus.WON,
        registration__closed_amount__isnull=False,
        registration__currency__in=currencies,
    )
    if closed_from is not None:
        on_registrations = on_registrations.filter(registration__closed_at__gte=closed_from)
    if closed_to is not None:
        on_registrations = on_registrations.filter(registration__closed_at__lte=closed_to)
    if revenue_types is not None:
        on_registrations = on_registrations.filter(registration__revenue_type__in=list(revenue_types))
    if partner_ids is not None:
        on_registrations = on_registrations.filter(partner_organization_id__in=list(partner_ids))
    portion = ExpressionWrapper(F("registration__closed_amount") * F("share") / Value(HUNDRED), output_field=_EXACT)
    rows = list(
        on_registrations.order_by()
        .values("partner_organization_id", "role", code=F("registration__currency"))
        .annotate(revenue=Sum(portion), deals=Count("registration_id"))
        .values_list("partner_organization_id", "role", "code", "revenue", "deals")
    )
    if revenue_types is None:
        linked_won = DealRegistration.objects.filter(crm_opportunity=OuterRef("crm_opportunity"), status=DealStatus.WON)
        on_opportunities = DealParticipant.objects.filter(
            crm_opportunity__is_won=True,
            crm_opportunity__amount__isnull=False,
            crm_opportunity__currency__in=currencies,
        ).exclude(Exists(linked_won))
        if closed_from is not None:
            on_opportunities = on_opportunities.filter(crm_opportunity__close_date__gte=closed_from)
        if closed_to is not None:
            on_opportunities = on_opportunities.filter(crm_opportunity__close_date__lte=closed_to)
        if partner_ids is not None:
            on_opportunities = on_opportunities.filter(partner_organization_id__in=list(partner_ids))
        opportunity_portion = ExpressionWrapper(
            F("crm_opportunity__amount") * F("share") / Value(HUNDRED), output_field=_EXACT
        )
        rows += list(
            on_opportunities.order_by()
            .values("partner_organization_id", "role", code=F("crm_opportunity__currency"))
            .annotate(revenue=Sum(opportunity_portion), deals=Count("crm_opportunity_id"))
            .values_list("partner_organization_id", "role", "code", "revenue", "deals")
        )
    exact: dict[int, dict[str, Decimal]] = defaultdict(lambda: {"sourced": ZERO, "influenced": ZERO})
    deals: dict[int, dict[str, int]] = defaultdict(lambda: {"sourced": 0, "influenced": 0})
    for partner_id, role, code, revenue, count in rows:
        rate = _rate(code, currency, rates)
        if rate is None:
            continue
        group = "sourced" if role == AttributionRole.SOURCED else "influenced"
        exact[partner_id][group] += (revenue or ZERO) * rate
        deals[partner_id][group] += count
    return {
        partner_id: AttributedRevenue(
            sourced=_cents(sums["sourced"]),
            influenced=_cents(sums["influenced"]),
            sourced_deals=deals[partner_id]["sourced"],
            influenced_deals=deals[partner_id]["influenced"],
        )
        for partner_id, sums in exact.items()
    }


# Service attach -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceAttach:
    """Won deals, and how many of them carry a partner-delivered service line."""

    won: int = 0
    with_service: int = 0

    @property
    def rate(self) -> Decimal | None:
        """with_service / won, four decimals (0.2500 is 25 %); None without a won deal (no rate, not 0 %)."""
        if not self.won:
            return None
        return (Decimal(self.with_service) / Decimal(self.won)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def service_attach_by_partner(
    *, closed_from: date | None = None, closed_to: date | None = None, partner_ids=None
) -> dict[int, ServiceAttach]:
    """Per registering partner: its won registrations closed between the two dates (inclusive), and how many of them
    have a line item marked as a partner-delivered service. One grouped query; partners without a won deal are
    absent. The program's rate is `service_attach_total` of these."""
    won = DealRegistration.objects.filter(status=DealStatus.WON)
    if closed_from is not None:
        won = won.filter(closed_at__gte=closed_from)
    if closed_to is not None:
        won = won.filter(closed_at__lte=closed_to)
    if partner_ids is not None:
        won = won.filter(partner_organization_id__in=list(partner_ids))
    serviced = DealLineItem.objects.filter(registration=OuterRef("pk"), partner_delivered_service=True)
    rows = (
        won.order_by()
        .annotate(serviced=Exists(serviced))
        .values("partner_organization_id")
        .annotate(won=Count("pk"), with_service=Count("pk", filter=Q(serviced=True)))
        .values_list("partner_organization_id", "won", "with_service")
    )
    return {
        partner_id: ServiceAttach(won=won_count, with_service=with_service)
        for partner_id, won_count, with_service in rows
    }


def service_attach_total(by_partner: Mapping[int, ServiceAttach]) -> ServiceAttach:
    """The program's service attach over the partners given (a partner's won deals are its own registrations, so
    no deal is counted twice)."""
    return ServiceAttach(
        won=sum(value.won for value in by_partner.values()),
        with_service=sum(value.with_service for value in by_partner.values()),
    )


# Campaigns ------------------------------------------------------------------------------------------------------


@dataclass
class CampaignResult:
    """What a marketing campaign (an MDF activity's code) brought: registrations submitted with its code and not
    turned down, their registered amount (`pipeline`) and the closed amount of those won (`won_revenue`), in the
    base currency."""

    registrations: int = 0
    pipeline: Decimal = ZERO
    won_revenue: Decimal = ZERO
    won: int = 0
    rates_missing: list[str] = field(default_factory=list)


def normalise_campaign_code(code) -> str:
    """A campaign code as registrations store it (upper case, trimmed)."""
    return str(code or "").strip().upper()[:CAMPAIGN_CODE_MAX_LENGTH]


def campaign_results(*, codes, currency: str, rates: Mapping[str, Decimal] | None = None) -> dict[str, CampaignResult]:
    """{code: CampaignResult} for each code asked (normalised: upper case), a code without registrations with
    zeros. Registrations counts every registration submitted with the code and not rejected (drafts are not yet
    registered); pipeline sums their amounts and won_revenue the closed amounts of the won ones, in `currency` (see
    the module's note: a currency without a rate is left out of the money, and named in `rates_missing`, but its
    registrations are counted). One grouped query."""
    wanted = [normalise_campaign_code(code) for code in codes]
    wanted = list(dict.fromkeys(code for code in wanted if code))
    results = {code: CampaignResult() for code in wanted}
    if not wanted:
        return results
    rows = (
        DealRegistration.objects.filter(campaign_code__in=wanted)
        .exclude(status__in=NOT_PIPELINE)
        .order_by()
        .values("campaign_code", "currency")
        .annotate(
            registrations=Count("pk"),
            pipeline=Sum("amount"),
            won=Count("pk", filter=Q(status=DealStatus.WON)),
            won_revenue=Sum("closed_amount", filter=Q(status=DealStatus.WON)),
        )
        .values_list("campaign_code", "currency", "registrations", "pipeline", "won", "won_revenue")
    )
    exact: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for code, row_currency, registrations, pipeline, won, won_revenue in rows:
        result = results[code]
        result.registrations += registrations
        result.won += won
        rate = _rate(row_currency, currency, rates)
        if rate is None:
            if row_currency not in result.rates_missing:
                result.rates_missing.append(row_currency)
            continue
        exact[code][0] += (pipeline or ZERO) * rate
        exact[code][1] += (won_revenue or ZERO) * rate
    for code, (pipeline, won_revenue) in exact.items():
        results[code].pipeline = _cents(pipeline)
        results[code].won_revenue = _cents(won_revenue)
    return results
