"""The tiering API: the programs (staff), a partner's tier, benefits, progress and history (staff any partner, a
partner its own), recalculating one partner now (write scope, channel managers); another tenant gets 404."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from prm.tenancy import tenant_context
from tests.api.conftest import key_client, problem_of
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, TenantFactory, make_api_key
from tests.tiering.support import TIERS, make_program
from tiering.models import Tier, TierAssessment
from tiering.services.recalculation import tiers_recalculate

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)


def recalc(tenant, on=DAY):
    with time_machine.travel(on, tick=False), tenant_context(tenant):
        return tiers_recalculate(as_of=on)


def api(tenant, *scopes, **kwargs):
    return key_client(make_api_key(tenant, scopes=scopes or ["tiers:read"], **kwargs)[1])


@pytest.fixture
def world(tenant, metrics):
    program = make_program(tenant)
    silver = PartnerOrganizationFactory(tenant=tenant, name="Silver Co")
    other = PartnerOrganizationFactory(tenant=tenant, name="Other Co")
    metrics.set(silver, revenue=60000, certified=1)
    metrics.set(other, revenue=0, certified=0)
    recalc(tenant)
    return {"tenant": tenant, "program": program, "silver": silver, "other": other, "metrics": metrics}


def test_programs_list_their_tiers_in_rank_order_with_benefits_and_criteria(world):
    response = api(world["tenant"]).get("/api/v1/tier-programs/")
    assert response.status_code == 200, response.content
    [program] = response.json()["results"]
    assert [tier["name"] for tier in program["tiers"]] == [name for name, _, _ in TIERS]
    gold = program["tiers"][2]
    assert gold["benefits"]["deal_protection_days"] == 120
    assert gold["benefits"]["deal_auto_approve_limit"] == "100000.00"
    gold_criteria = {c["metric_key"]: c for c in program["criteria"] if c["tier"] == gold["id"]}
    assert set(gold_criteria) == {"test_won_revenue", "test_certified_people"}
    assert gold_criteria["test_won_revenue"]["operator"] == "gte"
    detail = api(world["tenant"]).get(f"/api/v1/tier-programs/{world['program'].pk}/")
    assert detail.status_code == 200 and detail["ETag"] and detail.json()["id"] == world["program"].pk


def test_a_partners_tier_benefits_and_progress_to_the_next_tier(world):
    with time_machine.travel(DAY, tick=False):
        row = api(world["tenant"]).get(f"/api/v1/partner-tiers/{world['silver'].pk}/").json()
    assert row["partner_organization"] == world["silver"].pk
    assert row["tier"]["name"] == "Silver" and row["qualified_tier"]["name"] == "Silver" and row["at_risk"] is False
    assert row["since"] == DAY.isoformat() and row["benefits"]["deal_protection_days"] == 90
    assert row["next_tier"]["name"] == "Gold"
    progress = {metric["metric_key"]: metric for metric in row["progress"]}
    assert progress["test_won_revenue"]["value"] == "60000.00" and progress["test_won_revenue"]["met"] is False
    assert progress["test_won_revenue"]["percent"] == 60 and progress["test_won_revenue"]["gap"] == "40000.00"
    assert progress["test_certified_people"]["gap"] == "2.00" and row["missing"]


def test_the_assessment_history_newest_first(world):
    world["metrics"].set(world["silver"], revenue=150000, certified=3)
    recalc(world["tenant"], on=date(2026, 3, 3))
    response = api(world["tenant"]).get(f"/api/v1/partner-tiers/{world['silver'].pk}/assessments/")
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert [(r["change"], r["tier"]["name"]) for r in rows] == [("promoted", "Gold"), ("entered", "Silver")]
    assert rows[0]["previous_tier"]["name"] == "Silver" and rows[0]["metric_values"] and rows[0]["explanation"]


def test_recalculate_now_answers_the_new_standing_and_needs_the_write_scope(world):
    world["metrics"].set(world["silver"], revenue=150000, certified=3)
    url = f"/api/v1/partner-tiers/{world['silver'].pk}/recalculate/"
    problem = problem_of(api(world["tenant"]).post(url), 403)
    assert "tiers:write" in problem["detail"]
    response = api(world["tenant"], "tiers:write").post(url)
    assert response.status_code == 200, response.content
    assert response.json()["tier"]["name"] == "Gold" and response.json()["next_tier"]["name"] == "Platinum"
    with tenant_context(world["tenant"]):
        assert TierAssessment.objects.filter(partner_organization=world["silver"], change="promoted").count() == 1
    problem_of(api(world["tenant"], "tiers:write").post(url, {"force": True}, format="json"), 400)


def test_a_partner_sees_its_own_tier_and_404_for_another_organizations(world):
    tenant, silver, other = world["tenant"], world["silver"], world["other"]
    bound = api(tenant, "tiers:read", "tiers:write", partner_organization=silver)
    assert bound.get(f"/api/v1/partner-tiers/{silver.pk}/").json()["tier"]["name"] == "Silver"
    problem_of(bound.get(f"/api/v1/partner-tiers/{other.pk}/"), 404)
    problem_of(bound.get(f"/api/v1/partner-tiers/{other.pk}/assessments/"), 404)
    # A partner reads its tier but does not recalculate it, nor read the programs.
    problem_of(bound.post(f"/api/v1/partner-tiers/{silver.pk}/recalculate/"), 404)
    assert bound.get("/api/v1/tier-programs/").status_code in (403, 404)

    seller = PartnerUserFactory(tenant=tenant, partner_organization=silver, role="partner_sales")
    client = APIClient()
    client.force_login(seller.user, backend="django.contrib.auth.backends.ModelBackend")
    mine = client.get(f"/api/v1/partner-tiers/{silver.pk}/", HTTP_X_TENANT=tenant.slug)
    assert mine.status_code == 200 and mine.json()["tier"]["name"] == "Silver"
    problem_of(client.get(f"/api/v1/partner-tiers/{other.pk}/", HTTP_X_TENANT=tenant.slug), 404)


def test_another_tenant_gets_404(world):
    stranger = api(TenantFactory(slug="othervendor"), "tiers:read", "tiers:write")
    problem_of(stranger.get(f"/api/v1/partner-tiers/{world['silver'].pk}/"), 404)
    problem_of(stranger.get(f"/api/v1/partner-tiers/{world['silver'].pk}/assessments/"), 404)
    problem_of(stranger.post(f"/api/v1/partner-tiers/{world['silver'].pk}/recalculate/"), 404)
    problem_of(stranger.get(f"/api/v1/tier-programs/{world['program'].pk}/"), 404)
    assert stranger.get("/api/v1/tier-programs/").json()["results"] == []


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_tiers_or_assessments(world):
    tenant, silver = world["tenant"], world["silver"]
    client = api(tenant)
    client.get("/api/v1/tier-programs/")  # the key's first use writes its last-used time: not counted
    programs = _queries(client, "/api/v1/tier-programs/")
    history = _queries(client, f"/api/v1/partner-tiers/{silver.pk}/assessments/")
    with tenant_context(tenant):
        for rank in range(4, 8):
            Tier.objects.create(program=world["program"], name=f"Extra {rank}", rank=rank)
    for day, revenue in ((3, 150000), (4, 60000), (5, 600000)):
        world["metrics"].set(silver, revenue=revenue, certified=5)
        recalc(tenant, on=date(2026, 3, day))
    with tenant_context(tenant):
        assert TierAssessment.objects.filter(partner_organization=silver).count() >= 3
    assert _queries(client, "/api/v1/tier-programs/") == programs
    assert _queries(client, f"/api/v1/partner-tiers/{silver.pk}/assessments/") == history
