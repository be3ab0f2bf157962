"""ROI of market development funds: per activity, partner and fund, from approved and paid claims (spend), the
claims' leads, and deal registration's figures for the activity's campaign code; hand-computed values for a known
activity, "no spend yet" when nothing was spent, and a fixed number of queries whatever the activities."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dealreg.selectors import attribution as deal_attribution
from dealreg.selectors.attribution import CampaignResult
from mdf import services
from mdf.selectors.roi import activity_roi, roi_by_partner, roi_total
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory
from tests.mdf.factories import allocate, invoice, leads_csv, make_claim, make_request

pytestmark = pytest.mark.django_db

REAL_CAMPAIGN_RESULTS = deal_attribution.campaign_results
# What deal registration reports per campaign code (registrations naming it, their pipeline and won revenue).
RESULTS = {}


def fake_campaign_results(*, codes, currency, rates=None):
    return {code: CampaignResult(**RESULTS[code]) for code in codes if code in RESULTS}


@pytest.fixture(autouse=True)
def campaign_results(monkeypatch):
    """Deal registration's `campaign_results`, with known figures (the real one is tested in tests/dealreg)."""
    RESULTS.clear()
    monkeypatch.setattr(deal_attribution, "campaign_results", fake_campaign_results)


def webinar(tenant, fund, allocation, partner_admin, marketing, *, approve="1500"):
    """A webinar approved for 2,000, claimed 2,000 with two leads, approved 1,500 — the known activity."""
    fund_request = make_request(
        tenant, fund, allocation.partner_organization, actor=partner_admin, approve_by=marketing, campaign_code="WEB-1"
    )
    claim = make_claim(tenant, fund_request, actor=partner_admin, leads_csv=leads_csv())
    if approve:
        with tenant_context(tenant):
            services.claim_approve(actor=marketing, claim=claim, amount=approve)
    return fund_request


def test_known_activity(tenant, fund, allocation, partner_admin, marketing):
    webinar(tenant, fund, allocation, partner_admin, marketing)
    RESULTS["WEB-1"] = {"registrations": 3, "pipeline": Decimal("90000.00"), "won_revenue": Decimal("6000.00")}
    with tenant_context(tenant):
        [row] = activity_roi(fund_id=fund.pk)
    assert row.spend == Decimal("1500.00")
    assert row.leads == 2
    assert row.cost_per_lead == Decimal("750.00")  # 1,500 ÷ 2
    assert (row.registrations, row.pipeline, row.won_revenue) == (3, Decimal("90000.00"), Decimal("6000.00"))
    assert row.roi == Decimal("3.0000")  # (6,000 − 1,500) ÷ 1,500
    assert row.roi_percent == Decimal("300.0")


def test_a_won_registration_naming_the_campaign_code_counts_as_the_activitys_return(
    tenant, fund, allocation, partner_admin, marketing, second_reviewer, monkeypatch
):
    """Through deal registration's real `campaign_results`: a registration submitted with the activity's code (in
    any case) and won counts as its pipeline and won revenue; a draft naming it does not."""
    from dealreg.services import registrations as deals
    from dealreg.services.protection import deal_mark_won
    from dealreg.services.review import deal_approve
    from tests.dealreg.helpers import deal_fields

    monkeypatch.setattr(deal_attribution, "campaign_results", REAL_CAMPAIGN_RESULTS)
    webinar(tenant, fund, allocation, partner_admin, marketing)
    with tenant_context(tenant):
        won = deals.deal_create(
            actor=partner_admin, submit=True, **deal_fields(campaign_code="web-1", currency=fund.currency)
        )
        won = deal_approve(actor=second_reviewer, registration=won)
        deal_mark_won(actor=partner_admin, registration=won, closed_amount=Decimal("6000.00"))
        deals.deal_create(
            actor=partner_admin,
            submit=False,
            **deal_fields(
                customer_name="Umbrella Corp",
                customer_website="https://umbrella.example.org",
                campaign_code="WEB-1",
                currency=fund.currency,
            ),
        )
        [row] = activity_roi(fund_id=fund.pk)
    assert (row.registrations, row.pipeline, row.won_revenue) == (1, Decimal("48000.00"), Decimal("6000.00"))
    assert row.roi == Decimal("3.0000")  # (6,000 − 1,500) ÷ 1,500


def test_no_spend_yet(tenant, fund, allocation, partner_admin, marketing):
    webinar(tenant, fund, allocation, partner_admin, marketing, approve=None)
    with tenant_context(tenant):
        [row] = activity_roi(fund_id=fund.pk)
    assert row.spend == 0 and row.roi is None and row.leads == 2
    assert roi_total([row]).roi is None


def test_per_partner_and_fund(tenant, fund, allocation, partner_admin, marketing):
    webinar(tenant, fund, allocation, partner_admin, marketing)
    other = PartnerOrganizationFactory(tenant=tenant, name="Aardvark Networks")
    person = PartnerUserFactory(tenant=tenant, partner_organization=other)
    allocate(tenant, fund, other, "5000")
    fund_request = make_request(tenant, fund, other, actor=person, approve_by=marketing, campaign_code="EVT-2")
    claim = make_claim(tenant, fund_request, actor=person, files=[invoice(content=b"%PDF-1.4 other")])
    with tenant_context(tenant):
        services.claim_approve(actor=marketing, claim=claim)
    RESULTS["WEB-1"] = {"registrations": 1, "pipeline": Decimal("0"), "won_revenue": Decimal("6000.00")}
    with tenant_context(tenant):
        rows = activity_roi(fund_id=fund.pk)
    by_partner = roi_by_partner(rows)
    assert [p.name for p, _ in by_partner] == ["Aardvark Networks", "Northwind Secure"]
    assert by_partner[0][1].spend == Decimal("2000.00") and by_partner[0][1].roi == Decimal("-1.0000")
    total = roi_total(rows)
    assert total.spend == Decimal("3500.00") and total.won_revenue == Decimal("6000.00")
    assert total.roi == Decimal("0.7143")  # (6,000 − 3,500) ÷ 3,500


def test_fund_page_shows_roi_and_chart_in_fixed_queries(
    client, tenant, fund, allocation, partner_admin, marketing, tenant_admin
):
    webinar(tenant, fund, allocation, partner_admin, marketing)
    RESULTS["WEB-1"] = {"registrations": 3, "pipeline": Decimal("90000.00"), "won_revenue": Decimal("6000.00")}
    login(client, tenant_admin)
    address = reverse("mdf_fund", args=[tenant.slug, fund.pk])
    page = client.get(address).content.decode()
    assert 'data-testid="mdf-roi-chart"' in page and "<svg" in page
    assert 'data-testid="mdf-fund-roi">ROI 300.0 %<' in page

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(address).status_code == 200
        return len(captured)

    before = queries()
    for index in range(3):
        org = PartnerOrganizationFactory(tenant=tenant)
        person = PartnerUserFactory(tenant=tenant, partner_organization=org)
        allocate(tenant, fund, org, "5000")
        fund_request = make_request(tenant, fund, org, actor=person, approve_by=marketing, title=f"Event {index}")
        claim = make_claim(tenant, fund_request, actor=person)
        with tenant_context(tenant):
            services.claim_approve(actor=marketing, claim=claim)
    assert queries() == before


def test_roi_selector_query_count(tenant, fund, allocation, partner_admin, marketing, django_assert_num_queries):
    webinar(tenant, fund, allocation, partner_admin, marketing)
    with tenant_context(tenant), django_assert_num_queries(3):
        # Requests, spend, leads (the fake campaign results read nothing; the real one is one query more).
        activity_roi(fund_id=fund.pk)
