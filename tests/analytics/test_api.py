"""The analytics API: program metrics with the dashboard's filters, a partner's scorecard (a partner its own only),
and partner costs (field-named errors, nothing written; partners see none)."""

from decimal import Decimal

import pytest

from analytics.models import PartnerCost
from prm.tenancy import tenant_context
from tests.api.conftest import fields_of, key_client, problem_of
from tests.factories import make_api_key

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2026-01-01", "end": "2026-06-30"}


def client_for(tenant, *scopes, **kwargs):
    return key_client(make_api_key(tenant, scopes=scopes or ["analytics:read"], **kwargs)[1])


def values(body):
    return {m["key"]: m for m in body["metrics"]}


def test_program_metrics_with_definitions_inputs_and_filters(tenant, dataset):
    api = client_for(tenant)
    response = api.get("/api/v1/analytics/program-metrics/", PERIOD)
    assert response.status_code == 200, response.content
    body = response.json()
    metrics = values(body)
    assert body["base_currency"] == "USD"
    assert metrics["sourced_revenue"]["value"] == "28200.00"
    assert metrics["ropi"]["value"] == "356.80"
    assert metrics["ropi"]["inputs"] == {"attributed_revenue": "37000.00", "total_cost": "8100.00"}
    assert metrics["deal_velocity"]["definition"].startswith("The median number of days")
    assert body["tables"]["ropi_by_partner"][2]["ropi"] is None
    emea = values(api.get("/api/v1/analytics/program-metrics/", {**PERIOD, "region": "EMEA"}).json())
    assert emea["sourced_revenue"]["value"] == "15000.00"
    bad = api.get("/api/v1/analytics/program-metrics/", {"start": "2026-06-30", "end": "2026-01-01"})
    assert fields_of(problem_of(bad, 400)) == ["end"]


def test_a_scorecard_is_the_partners_own(tenant, dataset):
    staff = client_for(tenant)
    body = staff.get(f"/api/v1/analytics/scorecards/{dataset.alpha.pk}/", PERIOD).json()
    assert values(body)["ropi"]["value"] == "506.50"
    assert values(body)["ttv_first_won"]["value"] == "38.00"
    mine = client_for(tenant, partner_organization=dataset.charlie)
    assert (
        values(mine.get(f"/api/v1/analytics/scorecards/{dataset.charlie.pk}/", PERIOD).json())["ropi"]["value"] is None
    )
    problem_of(mine.get(f"/api/v1/analytics/scorecards/{dataset.alpha.pk}/"), 404)
    # Partner keys see neither the program's figures nor its costs.
    assert mine.get("/api/v1/analytics/program-metrics/").status_code in (403, 404)
    assert mine.get("/api/v1/analytics/partner-costs/").status_code in (403, 404)


def test_record_a_cost_through_the_api(tenant, dataset):
    api = client_for(tenant, "analytics:read", "analytics:write")
    body = {"partner_organization": dataset.charlie.pk, "period_start": "2026-02-01", "kind": "support",
            "amount": "1250.00", "currency": "USD", "note": "Partner manager time"}  # fmt: skip
    response = api.post("/api/v1/analytics/partner-costs/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["source"] == "api"
    metrics = values(api.get(f"/api/v1/analytics/scorecards/{dataset.charlie.pk}/", PERIOD).json())
    assert metrics["ropi"]["value"] == "300.00"  # (5,000 − 1,250) ÷ 1,250


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "-3"}, "amount"),
        ({"currency": "EURO"}, "currency"),
        ({"kind": "gifts"}, "kind"),
        ({"period_end": "2025-01-01"}, "period_end"),
        ({"partner_organization": 987654}, "partner_organization"),
        ({"tenant": 2}, "tenant"),
    ],
)
def test_bad_costs_are_refused_by_field_and_nothing_is_written(tenant, dataset, change, field):
    api = client_for(tenant, "analytics:read", "analytics:write")
    body = {"partner_organization": dataset.charlie.pk, "period_start": "2026-02-01", "kind": "support",
            "amount": "10", "currency": "USD", **change}  # fmt: skip
    problem = problem_of(api.post("/api/v1/analytics/partner-costs/", body, format="json"), 400)
    assert field in fields_of(problem)
    with tenant_context(tenant):
        assert PartnerCost.objects.filter(amount=Decimal("10")).count() == 0


def test_another_tenants_key_sees_nothing(tenant, other_tenant, dataset):
    other = client_for(other_tenant)
    problem_of(other.get(f"/api/v1/analytics/scorecards/{dataset.alpha.pk}/"), 404)
    assert other.get("/api/v1/analytics/partner-costs/").json()["results"] == []
    assert values(other.get("/api/v1/analytics/program-metrics/", PERIOD).json())["sourced_revenue"]["value"] == "0.00"


def test_a_period_longer_than_ten_years_is_refused_naming_the_end(tenant):
    # Found by schemathesis: 1118-08-30 to 2647-10-01 answered 500 (the comparison period fell before year 1).
    response = client_for(tenant, "analytics:read").get(
        "/api/v1/analytics/program-metrics/", {"start": "1118-08-30", "end": "2647-10-01"}
    )
    assert "end" in fields_of(problem_of(response, 400))
