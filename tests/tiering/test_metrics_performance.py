"""Deal metrics on known registrations: revenue by attribution share in the base currency, won deals, protected
pipeline and win rate, each over a trailing window whose edges are exact days."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from dealreg.models import AttributionRole, DealStatus
from prm.tenancy import tenant_context
from tests.factories import PartnerOrganizationFactory, TenantFactory
from tests.tiering.metrics_factories import lost_deal, protected_deal, won_deal
from tiering.metrics import MetricScope, compute_metrics

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 6, 30)


def days_before(days: int) -> date:
    return AS_OF - timedelta(days=days)


def metrics(tenant, *keys, **scope):
    with tenant_context(tenant):
        return compute_metrics(keys, MetricScope(as_of=AS_OF, **scope))


@pytest.fixture
def partners(tenant):
    return [PartnerOrganizationFactory(tenant=tenant, name=name) for name in ("Northwind", "Contoso", "Fabrikam")]


def test_won_revenue_is_split_by_attribution_share_into_sourced_and_influenced(tenant, partners):
    northwind, contoso, fabrikam = partners
    won_deal(
        northwind,
        "10000",
        days_before(10),
        shares=[(northwind, AttributionRole.SOURCED, 70), (contoso, AttributionRole.INFLUENCED, 30)],
    )
    won_deal(
        contoso,
        "5000",
        days_before(20),
        shares=[
            (contoso, AttributionRole.SOURCED, 50),
            (fabrikam, AttributionRole.FULFILLMENT, 25),
            (northwind, AttributionRole.SERVICES, 25),
        ],
    )
    won_deal(northwind, "333.33", days_before(30), shares=[(northwind, AttributionRole.SOURCED, 33.33)])

    values = metrics(tenant, "won_revenue_sourced", "won_revenue_influenced")

    assert values["won_revenue_sourced"] == {northwind.pk: Decimal("7111.10"), contoso.pk: Decimal("2500.00")}
    assert values["won_revenue_influenced"] == {
        contoso.pk: Decimal("3000.00"),
        fabrikam.pk: Decimal("1250.00"),
        northwind.pk: Decimal("1250.00"),
    }


def test_only_won_deals_in_the_base_currency_count_as_revenue(tenant, partners):
    northwind, _, _ = partners
    euro_tenant = TenantFactory(slug="euro", base_currency="EUR")
    euro_partner = PartnerOrganizationFactory(tenant=euro_tenant)
    won_deal(northwind, "1000", days_before(1))
    won_deal(northwind, "9000", days_before(1), currency="EUR")  # no exchange rates: not counted, not converted
    lost_deal(northwind, days_before(1))
    protected_deal(northwind, "4000", AS_OF + timedelta(days=10))
    won_deal(euro_partner, "800", days_before(1), currency="EUR")
    won_deal(euro_partner, "700", days_before(1), currency="USD")

    assert metrics(tenant, "won_revenue_sourced") == {"won_revenue_sourced": {northwind.pk: Decimal("1000.00")}}
    assert metrics(euro_tenant, "won_revenue_sourced") == {"won_revenue_sourced": {euro_partner.pk: Decimal("800.00")}}


def test_the_window_ends_on_the_day_and_starts_window_days_before_it(tenant, partners):
    northwind, _, _ = partners
    won_deal(northwind, "1", days_before(90))  # one day outside a 90-day window
    won_deal(northwind, "10", days_before(89))  # the window's first day
    won_deal(northwind, "100", AS_OF)  # its last day
    won_deal(northwind, "1000", AS_OF + timedelta(days=1))  # after the day asked about
    lost_deal(northwind, days_before(90))
    lost_deal(northwind, days_before(89))

    values = metrics(tenant, "won_revenue_sourced", "won_deals", "win_rate", window_days=90)

    assert values == {
        "won_revenue_sourced": {northwind.pk: Decimal("110.00")},
        "won_deals": {northwind.pk: Decimal(2)},
        "win_rate": {northwind.pk: Decimal("66.67")},
    }
    wider = metrics(tenant, "won_revenue_sourced", "won_deals", window_days=91)
    assert wider == {"won_revenue_sourced": {northwind.pk: Decimal("111.00")}, "won_deals": {northwind.pk: Decimal(3)}}


def test_won_deals_counts_the_partners_own_registrations_not_the_ones_it_helped_win(tenant, partners):
    northwind, contoso, fabrikam = partners
    shared = [(northwind, AttributionRole.SOURCED, 50), (contoso, AttributionRole.INFLUENCED, 50)]
    won_deal(northwind, "100", days_before(3), shares=shared)
    won_deal(northwind, "100", days_before(4))
    won_deal(contoso, "100", days_before(5))
    lost_deal(fabrikam, days_before(5))

    assert metrics(tenant, "won_deals") == {"won_deals": {northwind.pk: Decimal(2), contoso.pk: Decimal(1)}}
    assert metrics(tenant, "won_deals", partner_ids=[contoso.pk, fabrikam.pk]) == {
        "won_deals": {contoso.pk: Decimal(1)}
    }


def test_registered_pipeline_sums_approved_registrations_still_protected_on_the_day(tenant, partners):
    northwind, contoso, fabrikam = partners
    protected_deal(northwind, "1000", AS_OF + timedelta(days=60))
    protected_deal(northwind, "250.50", AS_OF)  # protected through the day itself
    protected_deal(northwind, "7000", AS_OF - timedelta(days=1))  # protection ended: the expiry job will close it
    protected_deal(northwind, "3000", AS_OF + timedelta(days=60), currency="EUR")
    protected_deal(contoso, "2000", AS_OF + timedelta(days=5))
    protected_deal(contoso, "9000", AS_OF + timedelta(days=5), status=DealStatus.SUBMITTED)
    protected_deal(fabrikam, "9000", AS_OF + timedelta(days=5), status=DealStatus.WON)

    values = metrics(tenant, "registered_pipeline")

    assert values == {"registered_pipeline": {northwind.pk: Decimal("1250.50"), contoso.pk: Decimal("2000.00")}}


def test_win_rate_is_won_over_won_and_lost_with_a_minimum_of_closed_registrations(tenant, partners):
    northwind, contoso, fabrikam = partners
    for days in (1, 2, 3):
        won_deal(northwind, "100", days_before(days))
    lost_deal(northwind, days_before(4))
    won_deal(contoso, "100", days_before(1))
    lost_deal(fabrikam, days_before(1))
    protected_deal(fabrikam, "100", AS_OF, status=DealStatus.EXPIRED)  # never decided by a customer
    protected_deal(fabrikam, "100", AS_OF, status=DealStatus.WITHDRAWN)

    assert metrics(tenant, "win_rate") == {
        "win_rate": {northwind.pk: Decimal("75.00"), contoso.pk: Decimal("100.00"), fabrikam.pk: Decimal("0.00")}
    }
    # One won deal is no evidence of a 100 % win rate: below the minimum a partner has no win rate (reads as 0).
    assert metrics(tenant, "win_rate", options={"min_closed": 2}) == {"win_rate": {northwind.pk: Decimal("75.00")}}


@pytest.mark.parametrize("min_closed", [0, -1, "3", 2.5, True])
def test_a_min_closed_that_is_not_a_whole_number_of_at_least_one_is_named(tenant, min_closed):
    with pytest.raises(ValueError, match="min_closed"):
        metrics(tenant, "win_rate", options={"min_closed": min_closed})
