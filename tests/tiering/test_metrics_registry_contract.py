"""What every registered metric promises: a label, a unit, nothing for a tenant with no partners, one query for all
partners whatever their number, only the tenant's own partners, and only the partners asked for."""

from datetime import date
from decimal import Decimal

import pytest

from prm.tenancy import tenant_context
from tests.tiering.metrics_factories import busy_partners
from tiering.metrics import METRICS, MetricScope, Unit, compute_metrics

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 6, 30)
KEYS = sorted(METRICS)


def test_the_metrics_tier_criteria_name_are_registered():
    assert {
        "won_revenue_sourced",
        "won_revenue_influenced",
        "won_deals",
        "registered_pipeline",
        "win_rate",
        "certified_people",
        "completed_courses",
        "onboarding_complete",
        "tenure_days",
    } <= set(METRICS)


@pytest.mark.parametrize("key", KEYS)
def test_a_metric_has_a_label_a_unit_and_answers_an_empty_tenant_with_nothing(key, tenant):
    registered = METRICS[key]
    assert str(registered.label).strip()
    assert str(registered.help_text).strip()
    assert registered.unit in Unit
    with tenant_context(tenant):
        assert registered.compute(MetricScope(as_of=AS_OF)) == {}


@pytest.mark.parametrize("count", [2, 20])
def test_each_metric_reads_every_partner_in_one_query_whatever_their_number(
    count, tenant, other_tenant, django_assert_num_queries
):
    partners = busy_partners(tenant, count, AS_OF)
    busy_partners(other_tenant, 2, AS_OF)
    with tenant_context(tenant):
        for key in KEYS:
            with django_assert_num_queries(1):
                values = compute_metrics([key], MetricScope(as_of=AS_OF))
            # Every partner of the tenant has something to count, and no partner of the other tenant appears.
            assert set(values[key]) == {partner.pk for partner in partners}, key
            assert all(isinstance(value, Decimal) for value in values[key].values()), key


def test_each_metric_answers_only_for_the_partners_asked_for(tenant):
    partners = busy_partners(tenant, 3, AS_OF)
    asked = [partners[0].pk, partners[2].pk]
    with tenant_context(tenant):
        values = compute_metrics(KEYS, MetricScope(as_of=AS_OF, partner_ids=asked))
        nobody = compute_metrics(KEYS, MetricScope(as_of=AS_OF, partner_ids=[]))
    assert {key: set(by_partner) for key, by_partner in values.items()} == {key: set(asked) for key in KEYS}
    assert nobody == {key: {} for key in KEYS}
