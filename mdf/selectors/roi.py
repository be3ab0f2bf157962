"""Return on market development funds: per activity (fund request), per partner and per fund — what was spent
(claims approved or paid), the leads the claims reported, and what deal registrations naming the activity's
campaign code brought (registrations, pipeline, won revenue, through deal registration's `campaign_results`).
ROI = (won revenue − spend) ÷ spend, none while nothing was spent; cost per lead = spend ÷ leads.
Set-based: four queries whatever the number of activities (requests, spend, leads, and campaign results once per
fund currency)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from dealreg.selectors import attribution as deal_attribution
from dealreg.selectors.attribution import CampaignResult
from mdf.models import Claim, ClaimStatus, FundRequest, RequestStatus
from mdf.selectors import ZERO, leads_by_request

SPENT = (ClaimStatus.APPROVED, ClaimStatus.PAID)
# Requests that never ran (nothing approved) have no ROI to show.
WITH_ROI = (RequestStatus.APPROVED, RequestStatus.CLAIMED, RequestStatus.EXPIRED, RequestStatus.CANCELLED)


@dataclass
class Roi:
    spend: Decimal = ZERO
    leads: int = 0
    registrations: int = 0
    pipeline: Decimal = ZERO
    won_revenue: Decimal = ZERO

    @property
    def roi(self) -> Decimal | None:
        """(won revenue − spend) ÷ spend, as a ratio rounded to 4 places; None when nothing was spent."""
        if not self.spend:
            return None
        return ((self.won_revenue - self.spend) / self.spend).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)

    @property
    def roi_percent(self) -> Decimal | None:
        roi = self.roi
        return None if roi is None else (roi * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def cost_per_lead(self) -> Decimal | None:
        if not self.leads:
            return None
        return (self.spend / self.leads).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def add(self, other: Roi) -> None:
        self.spend += other.spend
        self.leads += other.leads
        self.registrations += other.registrations
        self.pipeline += other.pipeline
        self.won_revenue += other.won_revenue


@dataclass
class ActivityRoi(Roi):
    fund_request: FundRequest | None = None


def _campaign_results(requests: list[FundRequest]) -> dict[tuple[str, str], CampaignResult]:
    """Deal registration's figures for each request's campaign code, in its fund's currency: {(code, currency):
    CampaignResult}. One query per currency among the funds (registrations in another currency are left out of the
    money, as `campaign_results` says: no exchange rates below analytics)."""
    codes_by_currency: dict[str, set[str]] = defaultdict(set)
    for fund_request in requests:
        code = deal_attribution.normalise_campaign_code(fund_request.campaign_code)
        if code:
            codes_by_currency[fund_request.fund.currency].add(code)
    results = {}
    for currency, codes in codes_by_currency.items():
        for code, result in deal_attribution.campaign_results(codes=sorted(codes), currency=currency).items():
            results[(code, currency)] = result
    return results


def activity_roi(*, fund_id: int | None = None, partner_organization_id: int | None = None) -> list[ActivityRoi]:
    """Each approved activity's ROI (newest first)."""
    requests = FundRequest.objects.filter(status__in=WITH_ROI).select_related("partner_organization", "fund")
    claims = Claim.objects.filter(status__in=SPENT)
    if fund_id is not None:
        requests = requests.filter(fund_id=fund_id)
        claims = claims.filter(fund_id=fund_id)
    if partner_organization_id is not None:
        requests = requests.filter(partner_organization_id=partner_organization_id)
        claims = claims.filter(partner_organization_id=partner_organization_id)
    requests = list(requests.order_by("-start_date", "-id"))
    spend = dict(
        claims.values("fund_request_id").annotate(total=Sum("approved_amount")).values_list("fund_request_id", "total")
    )
    leads = leads_by_request(fund_id=fund_id)
    results = _campaign_results(requests)
    rows = []
    for fund_request in requests:
        code = deal_attribution.normalise_campaign_code(fund_request.campaign_code)
        deal = results.get((code, fund_request.fund.currency)) or CampaignResult()
        rows.append(
            ActivityRoi(
                fund_request=fund_request,
                spend=spend.get(fund_request.pk) or ZERO,
                leads=leads.get(fund_request.pk, 0),
                registrations=deal.registrations,
                pipeline=deal.pipeline,
                won_revenue=deal.won_revenue,
            )
        )
    return rows


def roi_total(rows: list[ActivityRoi]) -> Roi:
    total = Roi()
    for row in rows:
        total.add(row)
    return total


def roi_by_partner(rows: list[ActivityRoi]) -> list[tuple[object, Roi]]:
    """The activities' figures added up per partner (partner name order)."""
    by_partner: dict[int, Roi] = defaultdict(Roi)
    partners = {}
    for row in rows:
        partner = row.fund_request.partner_organization
        partners[partner.pk] = partner
        by_partner[partner.pk].add(row)
    return sorted(((partners[pk], roi) for pk, roi in by_partner.items()), key=lambda item: item[0].name)
