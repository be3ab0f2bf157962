"""Every metric on the fixed dataset (tests/analytics/dataset.py), against values computed by hand there."""

from decimal import Decimal

import pytest

from analytics.metrics import METRICS, compute, compute_all
from analytics.metrics.deals import pipeline_by_stage
from analytics.metrics.revenue import revenue_by_month
from analytics.metrics.time_to_value import time_to_value_by_cohort
from analytics.selectors.base import Rates
from analytics.selectors.dashboard import ropi_by_partner, top_and_falling
from prm.tenancy import tenant_context

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def figures(dataset):
    with tenant_context(dataset.tenant):
        yield compute_all(dataset.scope(), per_partner=True)


def test_every_metric_has_a_label_a_unit_and_a_definition():
    for metric in METRICS.values():
        assert str(metric.label) and metric.unit and len(str(metric.definition)) > 40


def test_sourced_and_influenced_revenue_by_share_in_base_currency(dataset, figures):
    a, b, c = dataset.alpha.pk, dataset.bravo.pk, dataset.charlie.pk
    assert figures["sourced_revenue"].value == D("28200.00")
    assert figures["sourced_revenue"].by_partner == {a: D("10000.00"), b: D("13200.00"), c: D("5000.00")}
    assert figures["influenced_revenue"].value == D("8800.00")
    assert figures["influenced_revenue"].by_partner == {a: D("8800.00")}
    # The GBP deal has no rate: left out, and counted.
    assert figures["sourced_revenue"].unconverted == 1


def test_pipeline_of_open_registrations_by_share(dataset, figures):
    assert figures["sourced_pipeline"].value == D("4550.00")
    assert figures["sourced_pipeline"].by_partner == {dataset.alpha.pk: D("4000.00"), dataset.charlie.pk: D("550.00")}
    assert figures["influenced_pipeline"].value == D("550.00")
    assert figures["influenced_pipeline"].by_partner == {dataset.bravo.pk: D("550.00")}


def test_win_rate_velocity_and_average_deal_size(dataset, figures):
    a, b, c = dataset.alpha.pk, dataset.bravo.pk, dataset.charlie.pk
    assert figures["win_rate"].value == D("80.0")  # 4 won of 5 closed
    assert figures["win_rate"].by_partner == {a: D("50.0"), b: D("100.0"), c: D("100.0")}
    assert figures["deal_velocity"].value == D("19.0")  # median of 30, 10, 19 days
    assert figures["deal_velocity"].by_partner == {a: D("30.0"), b: D("10.0"), c: D("19.0")}
    assert figures["average_deal_size"].value == D("12333.33")  # (10,000 + 22,000 + 5,000) / 3
    assert figures["average_deal_size"].by_partner == {a: D("10000.00"), b: D("22000.00"), c: D("5000.00")}


def test_time_to_value_per_partner_and_by_cohort(dataset, figures):
    a, b, c = dataset.alpha.pk, dataset.bravo.pk, dataset.charlie.pk
    assert figures["ttv_first_registered"].value == D("20.0")  # median of 8, 20, 50
    assert figures["ttv_first_registered"].by_partner == {a: 8, b: 20, c: 50}
    assert figures["ttv_first_won"].value == D("40.0")  # median of 38, 42
    assert figures["ttv_first_won"].by_partner == {a: 38, b: 42}
    with tenant_context(dataset.tenant):
        cohorts = time_to_value_by_cohort(dataset.scope())
    assert [
        (str(r["cohort"]), r["partners"], r["median_days_to_registered"], r["median_days_to_won"]) for r in cohorts
    ] == [
        ("2026-01-01", 1, D("8.0"), D("38.0")),
        ("2026-02-01", 2, D("35.0"), D("42.0")),
    ]


def test_ropi_with_its_inputs_and_no_cost_recorded(dataset, figures):
    a, b, c = dataset.alpha.pk, dataset.bravo.pk, dataset.charlie.pk
    ropi = figures["ropi"]
    assert ropi.inputs == {"attributed_revenue": D("37000.00"), "total_cost": D("8100.00")}
    assert ropi.value == D("356.8")  # (37,000 − 8,100) ÷ 8,100
    assert ropi.by_partner == {a: D("506.5"), b: D("164.0"), c: None}
    assert ropi.inputs_by_partner[c] == {"attributed_revenue": D("5000.00"), "total_cost": D("0.00")}
    assert METRICS["ropi"].empty_text == "no cost recorded"


def test_a_program_without_cost_has_no_ropi(dataset):
    with tenant_context(dataset.tenant):
        figure = compute("ropi", dataset.scope(partner_ids=(dataset.charlie.pk,)))
    assert figure.value is None and figure.inputs["total_cost"] == D("0.00")


def test_filters_narrow_every_figure(dataset):
    with tenant_context(dataset.tenant):
        emea = compute_all(dataset.scope(region="EMEA"))
        gold = compute_all(dataset.scope(tier="Gold"))
        owned = compute_all(dataset.scope(owner_id=dataset.owner.user_id))
        resellers = compute_all(dataset.scope(partner_type="reseller"))
    assert emea["sourced_revenue"].value == D("15000.00")
    assert emea["influenced_revenue"].value == D("8800.00")
    assert emea["ropi"].value == D("667.7")  # (23,800 − 3,100) ÷ 3,100
    assert gold["sourced_revenue"].value == owned["sourced_revenue"].value == D("10000.00")
    assert resellers["sourced_revenue"].value == D("13200.00") and resellers["win_rate"].value == D("100.0")


def test_dashboard_series(dataset):
    with tenant_context(dataset.tenant):
        rates = Rates()
        scope = dataset.scope()
        months = revenue_by_month(scope, rates)
        stages = pipeline_by_stage(scope, rates)
        top, falling = top_and_falling(scope, rates)
        ropi_rows = ropi_by_partner(scope, rates)
    assert [(str(m["month"]), m["sourced"], m["influenced"]) for m in months] == [
        ("2026-02-01", D("10000.00"), D("0.00")),
        ("2026-03-01", D("13200.00"), D("8800.00")),
        ("2026-04-01", D("5000.00"), D("0.00")),
    ]
    assert stages == [
        {"stage": "proposal", "deals": 1, "amount": D("4000.00")},
        {"stage": "qualified", "deals": 1, "amount": D("1100.00")},
    ]
    assert [(r["partner_id"], r["revenue"]) for r in top] == [
        (dataset.alpha.pk, D("18800.00")),
        (dataset.bravo.pk, D("13200.00")),
        (dataset.charlie.pk, D("5000.00")),
    ]
    assert [(r["partner_id"], r["change"]) for r in falling] == [(dataset.bravo.pk, D("-6800.00"))]
    assert [(r["partner_id"], r["ropi"]) for r in ropi_rows] == [
        (dataset.alpha.pk, D("506.5")),
        (dataset.bravo.pk, D("164.0")),
        (dataset.charlie.pk, None),
    ]
