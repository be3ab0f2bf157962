"""The metric registry: criteria name metrics by key; each metric answers for every partner of a tenant at once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from prm.tenancy import tenant_context
from tests.enablement.certifications_support import certify, program
from tests.factories import PartnerOrganizationFactory
from tiering.metrics import METRICS, MetricScope, Unit, compute_metrics, metric

pytestmark = pytest.mark.django_db


def test_certified_people_counts_valid_certifications_per_partner_in_one_query(django_assert_num_queries):
    p = program()
    certify(p)
    uncertified = PartnerOrganizationFactory(tenant=p.tenant)
    today = timezone.localdate()

    with tenant_context(p.tenant), django_assert_num_queries(1):
        values = compute_metrics(["certified_people"], MetricScope(as_of=today))

    assert values == {"certified_people": {p.partner.pk: Decimal(1)}}
    assert uncertified.pk not in values["certified_people"]


def test_certified_people_on_a_day_after_the_expiry_counts_nobody():
    p = program(validity_months=12)
    certify(p)
    with tenant_context(p.tenant):
        later = compute_metrics(["certified_people"], MetricScope(as_of=timezone.localdate() + timedelta(days=400)))
        named_other = compute_metrics(
            ["certified_people"],
            MetricScope(as_of=timezone.localdate(), options={"certification_ids": [p.certification.pk + 1000]}),
        )
    assert later == {"certified_people": {}}
    assert named_other == {"certified_people": {}}


def test_an_unknown_metric_is_named_and_a_metric_registered_twice_is_refused():
    with pytest.raises(KeyError, match="won_revnue"):
        compute_metrics(["won_revnue"], MetricScope(as_of=timezone.localdate()))
    assert METRICS["certified_people"].unit is Unit.COUNT
    with pytest.raises(ValueError, match="certified_people"):
        metric("certified_people", "Again", Unit.COUNT)(lambda scope: {})
