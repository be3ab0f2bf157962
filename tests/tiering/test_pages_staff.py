"""The staff's tier pages: the overview (distribution chart, programs, upcoming changes), a partner's tier history with
overrides and "Recalculate now", the what-if simulation (which saves nothing), the console card and the partner page's
tier panel; who may open them, and a fixed number of queries whatever the number of partners."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from prm.roles import Role
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory
from tests.tiering.support import make_program, tier_named
from tiering.models import TierAssessment, TierCriterion, TierOverride, TierStanding
from tiering.services.recalculation import tiers_recalculate

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)


@pytest.fixture
def program(tenant):
    return make_program(tenant)


@pytest.fixture
def manager(tenant):
    return StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER)


def recalculate(tenant, as_of=DAY):
    with tenant_context(tenant):
        tiers_recalculate(as_of=as_of)


def url(name, tenant, *args):
    return reverse(name, args=[tenant.slug, *args])


def counts(tenant) -> dict:
    with tenant_context(tenant):
        return {
            "standings": list(TierStanding.objects.order_by("pk").values()),
            "assessments": TierAssessment.objects.count(),
            "overrides": TierOverride.objects.count(),
            "criteria": list(TierCriterion.objects.order_by("pk").values_list("threshold", "points")),
        }


# The overview


def test_overview_shows_the_distribution_chart_the_programs_and_upcoming_changes(
    client, tenant, program, metrics, manager
):
    silver = PartnerOrganizationFactory(tenant=tenant, name="Silverline")
    near_gold = PartnerOrganizationFactory(tenant=tenant, name="Nearly Gold")
    slipping = PartnerOrganizationFactory(tenant=tenant, name="Slipping Gold")
    metrics.set(silver, revenue=30000, certified=1)
    metrics.set(near_gold, revenue=90000, certified=3)  # Gold asks 100,000 and 3: (90 % + 100 %) / 2 = 95 %
    metrics.set(slipping, revenue=150000, certified=3)
    recalculate(tenant)
    metrics.set(slipping, revenue=150000, certified=2)
    recalculate(tenant, DAY + timedelta(days=1))

    response = login(client, manager).get(url("tier_overview", tenant))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="tier-distribution-chart"' in page and "<svg" in page
    assert "Silver 2 partners" in page and "Gold 1 partner" in page  # the chart's words
    assert page.count('data-testid="tier-row"') == 4
    assert "Sourced" not in page and "won revenue at least 100,000.00 USD" in page
    assert "Deal protection: 120 days" in page
    # At risk: the demotion date and what is missing to keep Gold.
    assert page.count('data-testid="tier-at-risk-partner"') == 1
    assert "Slipping Gold" in page and "Gold until 1 Jun 2026" in page
    assert "Missing: 1 more certified person." in page
    # Close to promotion, with the rule said plainly.
    assert page.count('data-testid="tier-close-partner"') == 1
    assert "Nearly Gold" in page and "Silver → Gold · 95 %" in page
    assert "at least 80 % of the next tier" in page
    assert url("partner_tier", tenant, near_gold.pk) in page and url("partner_tier", tenant, slipping.pk) in page


def test_overview_queries_do_not_grow_with_the_partners(client, tenant, program, metrics, manager):
    def add(n, offset):
        for index in range(n):
            partner = PartnerOrganizationFactory(tenant=tenant, name=f"Partner {offset + index}")
            metrics.set(partner, revenue=90000 + index, certified=3 if index % 2 else 1)

    add(2, 0)
    recalculate(tenant)
    login(client, manager)
    client.get(url("tier_overview", tenant))
    with CaptureQueriesContext(connection) as few:
        client.get(url("tier_overview", tenant))
    add(25, 100)
    recalculate(tenant)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url("tier_overview", tenant)).content.decode()
    assert page.count('data-testid="tier-close-partner"') == 13  # the odd ones: 90,000+ and 3 certified
    assert len(many) == len(few)


def test_upcoming_lists_are_paginated(client, tenant, program, metrics, manager):
    for index in range(23):
        metrics.set(PartnerOrganizationFactory(tenant=tenant, name=f"Near {index:02}"), revenue=95000, certified=3)
    recalculate(tenant)
    login(client, manager)
    first = client.get(url("tier_overview", tenant)).content.decode()
    assert first.count('data-testid="tier-close-partner"') == 20 and "Page 1 of 2" in first
    second = client.get(url("tier_overview", tenant), {"close_page": 2}).content.decode()
    assert second.count('data-testid="tier-close-partner"') == 3


def test_staff_pages_are_staffs_only_and_their_own_tenants(client, tenant, other_tenant, program, metrics, partner_org):
    recalculate(tenant)
    partner = PartnerUserFactory(tenant=tenant, partner_organization=partner_org)
    for name, args in (("tier_overview", ()), ("tier_what_if", ()), ("partner_tier", (partner_org.pk,))):
        assert login(client, partner).get(url(name, tenant, *args)).status_code == 404
        analyst = StaffFactory(tenant=tenant, role=Role.ANALYST)
        assert login(client, analyst).get(url(name, tenant, *args)).status_code == 200
        stranger = StaffFactory(tenant=other_tenant)
        assert login(client, stranger).get(url(name, tenant, *args)).status_code == 404
    # Another tenant's staff at their own address, naming this tenant's partner: it does not exist for them.
    stranger = StaffFactory(tenant=other_tenant)
    assert login(client, stranger).get(url("partner_tier", other_tenant, partner_org.pk)).status_code == 404


def test_staff_navigation_and_console_card_lead_to_the_overview(client, tenant, program, metrics, partner_org, manager):
    metrics.set(partner_org, revenue=30000, certified=1)
    recalculate(tenant)
    page = login(client, manager).get(url("console", tenant)).content.decode()
    assert 'data-testid="nav-tiers"' in page and 'data-testid="tiers-tile"' in page
    assert "Silver: 1" in page and url("tier_overview", tenant) in page


# A partner's tier history


def test_partner_page_shows_its_tier_panel_linking_to_the_history(
    client, tenant, program, metrics, partner_org, manager
):
    metrics.set(partner_org, revenue=30000, certified=1)
    recalculate(tenant)
    page = login(client, manager).get(url("partner_detail", tenant, partner_org.pk)).content.decode()
    assert 'data-testid="partner-tier-name">Silver<' in page
    assert url("partner_tier", tenant, partner_org.pk) in page
    partner = PartnerUserFactory(tenant=tenant, partner_organization=partner_org)
    page = login(client, partner).get(url("partner_detail", tenant, partner_org.pk)).content.decode()
    assert 'data-testid="partner-tier"' not in page


def test_history_shows_assessments_newest_first_with_values_criteria_and_explanation(
    client, tenant, program, metrics, partner_org, manager
):
    metrics.set(partner_org, revenue=30000, certified=1)
    recalculate(tenant)
    metrics.set(partner_org, revenue=150000, certified=3)
    recalculate(tenant, DAY + timedelta(days=1))
    response = login(client, manager).get(url("partner_tier", tenant, partner_org.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-testid="tier-assessment"') == 2
    assert page.index("Promoted") < page.index("Entered the program")  # newest first
    assert "Won revenue: 150,000.00 USD" in page and "Certified people: 3" in page
    assert "Gold · won revenue 150,000.00 USD (at least 100,000.00 USD)" in page
    assert "Promoted to Gold." in page  # the stored explanation
    assert 'data-testid="tier-override-form"' in page and 'data-testid="tier-recalculate"' in page


def test_history_queries_do_not_grow_with_the_assessments(client, tenant, program, metrics, partner_org, manager):
    metrics.set(partner_org, revenue=30000, certified=1)
    recalculate(tenant)
    login(client, manager)
    client.get(url("partner_tier", tenant, partner_org.pk))
    with CaptureQueriesContext(connection) as one:
        client.get(url("partner_tier", tenant, partner_org.pk))
    for day, certified in ((3, 3), (4, 2), (5, 1), (6, 0)):
        metrics.set(partner_org, revenue=150000 * day, certified=certified)
        recalculate(tenant, date(2026, 3, day))
    with tenant_context(tenant):
        TierOverride.objects.create(
            partner_organization=partner_org,
            tier=tier_named(tenant, "Gold"),
            reason="Launch",
            starts_on=DAY,
            ends_on=DAY + timedelta(days=5),
        )
    with CaptureQueriesContext(connection) as five:
        page = client.get(url("partner_tier", tenant, partner_org.pk)).content.decode()
    assert page.count('data-testid="tier-assessment"') == 5
    assert len(five) == len(one)


def test_an_analyst_reads_the_history_but_sets_no_override(client, tenant, program, metrics, partner_org):
    recalculate(tenant)
    analyst = StaffFactory(tenant=tenant, role=Role.ANALYST)
    page = login(client, analyst).get(url("partner_tier", tenant, partner_org.pk)).content.decode()
    assert 'data-testid="tier-override-form"' not in page and 'data-testid="tier-recalculate"' not in page
    gold = tier_named(tenant, "Gold")
    body = {"tier": gold.pk, "reason": "Strategic", "ends_on": "2099-01-01"}
    assert client.post(url("partner_tier_override", tenant, partner_org.pk), body).status_code == 404
    assert client.post(url("partner_tier_recalculate", tenant, partner_org.pk)).status_code == 404
    assert counts(tenant)["overrides"] == 0


def test_a_channel_manager_sets_an_override_and_the_tier_follows(
    client, tenant, program, metrics, partner_org, manager
):
    metrics.set(partner_org, revenue=30000, certified=1)
    recalculate(tenant, timezone.localdate())
    gold = tier_named(tenant, "Gold")
    ends_on = timezone.localdate() + timedelta(days=30)
    body = {"tier": gold.pk, "reason": "Strategic launch partner", "ends_on": ends_on.isoformat()}
    response = login(client, manager).post(url("partner_tier_override", tenant, partner_org.pk), body)
    assert response.status_code == 302 and response.url == url("partner_tier", tenant, partner_org.pk)
    assert f"Northwind Secure holds Gold until {ends_on:%-d %b %Y}." in client.get(response.url).content.decode()
    with tenant_context(tenant):
        override = TierOverride.objects.get()
        assert (override.tier_id, override.ends_on, override.created_by_id) == (gold.pk, ends_on, manager.user_id)
        assert TierStanding.objects.get(partner_organization=partner_org).tier_id == gold.pk
    page = client.get(url("partner_tier", tenant, partner_org.pk)).content.decode()
    assert 'data-testid="tier-name">Gold<' in page and "Strategic launch partner" in page
    assert "What keeps Gold" in page  # held by the override above what the metrics give
    assert 'data-testid="tier-override-end"' in page

    response = client.post(url("partner_tier_override_end", tenant, partner_org.pk, override.pk))
    assert response.status_code == 302
    with tenant_context(tenant):
        override.refresh_from_db()
        assert override.ended_early_on == timezone.localdate()
    # Ending it twice is refused with a message, nothing changed.
    response = client.post(url("partner_tier_override_end", tenant, partner_org.pk, override.pk), follow=True)
    assert "This override has ended already." in response.content.decode()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"reason": "", "ends_on": "2099-01-01"}, "reason", "This field is required."),
        ({"reason": "Launch", "ends_on": "2020-01-01"}, "ends_on", "The end date must be on or after the start date."),
        ({"reason": "Launch", "ends_on": "not a date"}, "ends_on", "Enter a valid date."),
        ({"tier": "999999", "reason": "Launch", "ends_on": "2099-01-01"}, "tier", "Select a valid choice."),
    ],
)
def test_a_bad_override_names_the_field_and_writes_nothing(
    client, tenant, program, metrics, partner_org, manager, body, field, message
):
    recalculate(tenant)
    before = counts(tenant)
    body = {"tier": tier_named(tenant, "Gold").pk, **body}
    response = login(client, manager).post(url("partner_tier_override", tenant, partner_org.pk), body)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_{field}-error"' in page and message in page
    assert counts(tenant) == before


def test_another_programs_tier_is_refused(client, tenant, other_tenant, program, metrics, partner_org, manager):
    recalculate(tenant)
    theirs = make_program(other_tenant)
    with tenant_context(other_tenant):
        their_gold = theirs.tiers.get(name="Gold")
    body = {"tier": their_gold.pk, "reason": "Launch", "ends_on": "2099-01-01"}
    response = login(client, manager).post(url("partner_tier_override", tenant, partner_org.pk), body)
    assert response.status_code == 400 and 'id="id_tier-error"' in response.content.decode()
    assert counts(tenant)["overrides"] == 0


def test_recalculate_now_assesses_the_partner_at_once(client, tenant, program, metrics, partner_org, manager):
    metrics.set(partner_org, revenue=30000, certified=1)
    recalculate(tenant, timezone.localdate())
    metrics.set(partner_org, revenue=150000, certified=3)
    response = login(client, manager).post(url("partner_tier_recalculate", tenant, partner_org.pk), follow=True)
    assert "Recalculated: a new assessment is recorded." in response.content.decode()
    with tenant_context(tenant):
        assert TierStanding.objects.get(partner_organization=partner_org).tier.name == "Gold"
    response = client.post(url("partner_tier_recalculate", tenant, partner_org.pk), follow=True)
    assert "nothing changed since the last assessment" in response.content.decode()


# What if


def test_what_if_shows_who_would_move_and_saves_nothing(client, tenant, program, metrics, manager):
    near = PartnerOrganizationFactory(tenant=tenant, name="Nearly Gold")
    low = PartnerOrganizationFactory(tenant=tenant, name="Barely Silver")
    metrics.set(near, revenue=90000, certified=3)
    metrics.set(low, revenue=26000, certified=1)
    recalculate(tenant, timezone.localdate())
    before = counts(tenant)
    login(client, manager)
    form = client.get(url("tier_what_if", tenant)).content.decode()
    assert 'data-testid="tier-what-if-form"' in form and 'data-testid="tier-what-if-result"' not in form
    with tenant_context(tenant):
        gold_revenue = TierCriterion.objects.get(tier__name="Gold", metric_key__endswith="revenue")
        silver_revenue = TierCriterion.objects.get(tier__name="Silver", metric_key__endswith="revenue")
    query = {"program": program.pk, "run": "1"}
    with tenant_context(tenant):
        for criterion in TierCriterion.objects.all():
            query[f"threshold_{criterion.pk}"] = str(criterion.threshold)
    query[f"threshold_{gold_revenue.pk}"] = "80000"
    query[f"threshold_{silver_revenue.pk}"] = "30000"
    response = client.get(url("tier_what_if", tenant), query)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Of 2 partners in the program:" in page and "1 would move up" in page and "1 would move down" in page
    assert page.count('data-testid="tier-what-if-move"') == 2
    assert "Nearly Gold" in page and "Barely Silver" in page
    assert 'data-testid="tier-what-if-simulated"' in page and "Gold 1 partner" in page
    assert counts(tenant) == before  # nothing saved: standings, assessments, overrides, criteria


def test_what_if_bad_input_names_the_field(client, tenant, program, metrics, manager):
    recalculate(tenant)
    with tenant_context(tenant):
        criterion = TierCriterion.objects.first()
    login(client, manager)
    response = client.get(
        url("tier_what_if", tenant), {"program": program.pk, "run": "1", f"threshold_{criterion.pk}": "lots"}
    )
    assert response.status_code == 400
    assert f'id="id_threshold_{criterion.pk}-error"' in response.content.decode()
    response = client.get(url("tier_what_if", tenant), {"program": "999999", "run": "1"})
    assert 'id="id_program-error"' in response.content.decode()


# My tier: each metric's trend


def test_my_tier_draws_each_metrics_trend_from_the_assessments(client, tenant, program, metrics, partner_org):
    partner = PartnerUserFactory(tenant=tenant, partner_organization=partner_org)
    metrics.set(partner_org, revenue=30000, certified=1)
    recalculate(tenant)
    page = login(client, partner).get(url("my_tier", tenant)).content.decode()
    assert 'data-testid="tier-metric-trend"' not in page  # one assessment: no trend yet
    metrics.set(partner_org, revenue=60000, certified=2)
    recalculate(tenant, DAY + timedelta(days=1))
    page = client.get(url("my_tier", tenant)).content.decode()
    assert page.count('data-testid="tier-metric-trend"') == 2
    assert "Trend over the last 2 assessments: from 30,000.00 USD to 60,000.00 USD" in page
    assert "<polyline" in page


def test_what_if_edits_points_and_pass_marks_of_a_points_program(client, tenant, metrics, manager):
    from decimal import Decimal

    from tests.tiering.support import CERTIFIED, REVENUE
    from tiering.models import EvaluationModel, Tier, TierProgram

    with tenant_context(tenant):
        program = TierProgram.objects.create(name="Points", evaluation_model=EvaluationModel.POINTS)
        Tier.objects.create(program=program, name="Member", rank=0)
        gold = Tier.objects.create(program=program, name="Gold", rank=1, min_score=Decimal("70"))
        revenue = TierCriterion.objects.create(
            program=program, tier=gold, metric_key=REVENUE, threshold=100000, points=50, category="performance"
        )
        TierCriterion.objects.create(
            program=program, tier=gold, metric_key=CERTIFIED, threshold=4, points=50, category="skilling"
        )
    partner = PartnerOrganizationFactory(tenant=tenant, name="Halfway There")
    metrics.set(partner, revenue=60000, certified=2)  # 30 + 25 = 55 points of the 70 needed
    recalculate(tenant, timezone.localdate())
    before = counts(tenant)
    login(client, manager)
    form = client.get(url("tier_what_if", tenant), {"program": program.pk}).content.decode()
    assert f'name="min_score_{gold.pk}"' in form and f'name="points_{revenue.pk}"' in form
    # A pass mark of 55 moves it up; so would 65 points for revenue (39 + 25 = 64 < 70: it does not).
    response = client.get(
        url("tier_what_if", tenant), {"program": program.pk, "run": "1", f"min_score_{gold.pk}": "55"}
    )
    page = response.content.decode()
    assert "1 would move up" in page and "Halfway There" in page
    page = client.get(
        url("tier_what_if", tenant), {"program": program.pk, "run": "1", f"points_{revenue.pk}": "65"}
    ).content.decode()
    assert "0 would move up" in page and "No partner would move." in page
    assert counts(tenant) == before
