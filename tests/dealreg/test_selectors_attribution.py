"""The attribution, service attach and campaign selectors (dealreg/selectors/attribution.py) on a small fixed
dataset, against values computed by hand: multi-partner shares within sourced and influenced, a CRM opportunity a
partner influenced, one counted through its registration (not twice), two currencies converted to the base one (a
third without a rate left out), a renewal, a lost deal, a rejected and a draft registration of a campaign."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from dealreg.models import CrmOpportunity, DealLineItem, DealParticipant, DealRegistration, DealStatus
from dealreg.selectors.attribution import (
    AttributedRevenue,
    ServiceAttach,
    attributed_revenue_by_partner,
    campaign_results,
    service_attach_by_partner,
    service_attach_total,
)
from prm.tenancy import tenant_context
from tests.factories import PartnerOrganizationFactory

pytestmark = pytest.mark.django_db

RATES = {"EUR": Decimal("1.10")}  # 1 EUR = 1.10 USD; GBP has no rate


@pytest.fixture
def world(tenant, partner_org, other_org, product):
    """A, B, C: three partners. The deals (closed ten days ago unless said otherwise):

    D1  A's, USD, won 10,000 (registered 12,000), new business, campaign Q3-WEB — A sourced 100, B influenced 30,
        C services 20; linked to the CRM opportunity O2.
    D2  B's, EUR, won 5,000 (registered 5,500), renewal (12 months, ARV 5,000), campaign Q3-WEB — B sourced 60,
        A sourced 40, C influenced 50.
    D3  A's, USD, won 2,000, expansion, a partner-delivered service line — A sourced 100.
    D4  C's, GBP, won 1,000 — C sourced 100 (no GBP rate: left out of the money).
    D5  A's, USD, lost — A sourced 100 (not revenue).
    D6  A's, USD, submitted 3,000, campaign Q3-WEB. D7 rejected 50,000 and D8 a draft 700, both Q3-WEB (not pipeline).
    O1  a CRM opportunity, USD, won 8,000 — B influenced 25.
    O2  a CRM opportunity, USD, won 4,000, linked to D1 — C influenced 50 (counted through D1, not again).
    """
    a, b = partner_org, other_org
    c = PartnerOrganizationFactory(tenant=tenant, name="Fabrikam Services")
    today = timezone.localdate()
    closed = today - timedelta(days=10)
    with tenant_context(tenant):
        o1 = CrmOpportunity.objects.create(
            external_id="O1",
            name="O1",
            customer_name="Umbrella",
            amount=Decimal("8000"),
            currency="USD",
            is_closed=True,
            is_won=True,
            close_date=closed,
        )
        o2 = CrmOpportunity.objects.create(
            external_id="O2",
            name="O2",
            customer_name="Initech",
            amount=Decimal("4000"),
            currency="USD",
            is_closed=True,
            is_won=True,
            close_date=closed,
        )

        def deal(partner, status, amount, currency="USD", closed_amount=None, **fields):
            won = status == DealStatus.WON
            return DealRegistration.objects.create(
                partner_organization=partner,
                status=status,
                customer_name=f"Customer {DealRegistration.objects.count()}",
                amount=Decimal(amount),
                currency=currency,
                expected_close_date=today + timedelta(days=30),
                closed_amount=Decimal(closed_amount) if closed_amount else (Decimal(amount) if won else None),
                closed_at=closed if status in (DealStatus.WON, DealStatus.LOST) else None,
                **fields,
            )

        def share(registration=None, opportunity=None, **parts):
            for partner, (role, value) in parts.items():
                DealParticipant.objects.create(
                    registration=registration,
                    crm_opportunity=opportunity,
                    partner_organization={"a": a, "b": b, "c": c}[partner],
                    role=role,
                    share=Decimal(value),
                )

        d1 = deal(a, DealStatus.WON, "12000", closed_amount="10000", campaign_code="Q3-WEB", crm_opportunity=o2)
        share(d1, a=("sourced", "100"), b=("influenced", "30"), c=("services", "20"))
        DealLineItem.objects.create(registration=d1, product=product, quantity=1, unit_price=Decimal("12000"))
        d2 = deal(
            b,
            DealStatus.WON,
            "5500",
            "EUR",
            closed_amount="5000",
            campaign_code="Q3-WEB",
            revenue_type="renewal",
            term_months=12,
            annual_recurring_value=Decimal("5000"),
        )
        share(d2, b=("sourced", "60"), a=("sourced", "40"), c=("influenced", "50"))
        d3 = deal(a, DealStatus.WON, "2000", revenue_type="expansion")
        share(d3, a=("sourced", "100"))
        DealLineItem.objects.create(
            registration=d3, product=product, quantity=1, unit_price=Decimal("2000"), partner_delivered_service=True
        )
        d4 = deal(c, DealStatus.WON, "1000", "GBP")
        share(d4, c=("sourced", "100"))
        d5 = deal(a, DealStatus.LOST, "9999")
        share(d5, a=("sourced", "100"))
        deal(a, DealStatus.SUBMITTED, "3000", campaign_code="Q3-WEB")
        deal(a, DealStatus.REJECTED, "50000", campaign_code="Q3-WEB")
        deal(a, DealStatus.DRAFT, "700", campaign_code="Q3-WEB")
        share(opportunity=o1, b=("influenced", "25"))
        share(opportunity=o2, c=("influenced", "50"))
    return {"a": a.pk, "b": b.pk, "c": c.pk, "closed": closed}


def test_attributed_revenue_splits_sourced_and_influenced_by_share_in_the_base_currency(tenant, world):
    a, b, c = world["a"], world["b"], world["c"]
    with tenant_context(tenant):
        revenue = attributed_revenue_by_partner(currency="USD", rates=RATES)
    assert revenue == {
        # D1 10,000 + D2 5,000 × 40% × 1.10 = 2,200 + D3 2,000
        a: AttributedRevenue(sourced=Decimal("14200.00"), influenced=Decimal("0"), sourced_deals=3),
        # D2 5,000 × 60% × 1.10 = 3,300; D1 10,000 × 30% = 3,000 + O1 8,000 × 25% = 2,000
        b: AttributedRevenue(
            sourced=Decimal("3300.00"), influenced=Decimal("5000.00"), sourced_deals=1, influenced_deals=2
        ),
        # D4 in GBP left out; D1 10,000 × 20% = 2,000 + D2 5,000 × 50% × 1.10 = 2,750 (O2 counted through D1)
        c: AttributedRevenue(sourced=Decimal("0"), influenced=Decimal("4750.00"), influenced_deals=2),
    }
    assert revenue[a].total == Decimal("14200.00")


def test_without_rates_only_the_base_currency_counts(tenant, world):
    with tenant_context(tenant):
        revenue = attributed_revenue_by_partner(currency="USD")
    assert revenue[world["a"]].sourced == Decimal("12000.00")  # D1 + D3; D2 in EUR left out
    assert revenue[world["b"]] == AttributedRevenue(influenced=Decimal("5000.00"), influenced_deals=2)
    assert revenue[world["c"]].influenced == Decimal("2000.00")


def test_attributed_revenue_of_renewals_and_of_a_window(tenant, world):
    a, b, c = world["a"], world["b"], world["c"]
    with tenant_context(tenant):
        renewals = attributed_revenue_by_partner(currency="USD", rates=RATES, revenue_types=["renewal"])
        later = attributed_revenue_by_partner(currency="USD", rates=RATES, closed_from=world["closed"] + timedelta(1))
        only_b = attributed_revenue_by_partner(currency="USD", rates=RATES, partner_ids=[b])
    assert renewals == {
        a: AttributedRevenue(sourced=Decimal("2200.00"), sourced_deals=1),
        b: AttributedRevenue(sourced=Decimal("3300.00"), sourced_deals=1),
        c: AttributedRevenue(influenced=Decimal("2750.00"), influenced_deals=1),
    }
    assert later == {}
    assert list(only_b) == [b]


def test_service_attach_is_won_deals_with_a_partner_delivered_service_over_won_deals(tenant, world):
    with tenant_context(tenant):
        by_partner = service_attach_by_partner()
    assert by_partner == {
        world["a"]: ServiceAttach(won=2, with_service=1),  # D1, D3 (D3 has the service line; D5 was lost)
        world["b"]: ServiceAttach(won=1, with_service=0),
        world["c"]: ServiceAttach(won=1, with_service=0),
    }
    assert by_partner[world["a"]].rate == Decimal("0.5000")
    total = service_attach_total(by_partner)
    assert (total.won, total.with_service, total.rate) == (4, 1, Decimal("0.2500"))
    assert ServiceAttach().rate is None


def test_campaign_results_count_registered_pipeline_and_won_revenue_in_the_base_currency(tenant, world):
    with tenant_context(tenant):
        results = campaign_results(codes=["q3-web", "NONE"], currency="USD", rates=RATES)
        unconverted = campaign_results(codes=["Q3-WEB"], currency="USD")
    q3 = results["Q3-WEB"]
    # D1, D2, D6 (D7 rejected and D8 a draft are not registered pipeline)
    assert (q3.registrations, q3.won) == (3, 2)
    assert q3.pipeline == Decimal("21050.00")  # 12,000 + 5,500 × 1.10 + 3,000
    assert q3.won_revenue == Decimal("15500.00")  # 10,000 + 5,000 × 1.10
    assert (results["NONE"].registrations, results["NONE"].pipeline, results["NONE"].won_revenue) == (0, 0, 0)
    plain = unconverted["Q3-WEB"]
    assert (plain.registrations, plain.pipeline, plain.won_revenue, plain.rates_missing) == (
        3,
        Decimal("15000.00"),
        Decimal("10000.00"),
        ["EUR"],
    )


def test_campaign_results_take_a_constant_number_of_queries(tenant, world, django_assert_num_queries):
    with tenant_context(tenant), django_assert_num_queries(1):
        campaign_results(codes=[f"C{i}" for i in range(50)] + ["Q3-WEB"], currency="USD", rates=RATES)
    with tenant_context(tenant), django_assert_num_queries(2):
        attributed_revenue_by_partner(currency="USD", rates=RATES)
    with tenant_context(tenant), django_assert_num_queries(1):
        service_attach_by_partner()
