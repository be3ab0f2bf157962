"""The program dashboard, its CSV exports and the scorecards, through the pages: the figures and each metric's
definition on the page, filters that change the figures, a fixed number of queries whatever the data, and who sees
what (a partner its own scorecard only)."""

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analytics.metrics import METRICS
from dealreg.models import DealStatus
from prm.roles import Role
from tests.analytics.dataset import cost, deal
from tests.conftest import login
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory

pytestmark = pytest.mark.django_db

PERIOD = "start=2026-01-01&end=2026-06-30"


def dashboard(client, member, tenant, query=PERIOD):
    return login(client, member).get(f"{reverse('analytics_dashboard', args=[tenant.slug])}?{query}")


def test_dashboard_shows_every_figure_with_its_definition(client, tenant, dataset):
    response = dashboard(client, StaffFactory(tenant=tenant, role=Role.ANALYST), tenant)
    assert response.status_code == 200
    page = response.content.decode()
    for metric in METRICS.values():
        assert f'data-testid="metric-{metric.key}-definition">{metric.definition}<'.replace("'", "&#x27;") in page
    assert 'data-testid="metric-sourced_revenue-value">28,200.00 USD<' in page
    assert 'data-testid="metric-influenced_revenue-value">8,800.00 USD<' in page
    assert 'data-testid="metric-win_rate-value">80.0 %<' in page
    assert 'data-testid="metric-deal_velocity-value">19.0 days<' in page
    assert 'data-testid="metric-ropi-value">356.8 %<' in page
    assert "37,000.00 USD" in page and "8,100.00 USD" in page  # ROPI's inputs
    # Charlie has revenue and no cost: its ROPI reads "no cost recorded", never an error.
    row = page.split(f'data-testid="ropi-row-{dataset.charlie.pk}"')[1].split("</tr>")[0]
    assert "no cost recorded" in row
    assert 'data-testid="unconverted"' in page  # the GBP deal, left out and said so
    assert 'id="analytics-charts"' in page and "analytics/charts.js" in page


def test_filters_change_the_figures_and_stay_in_the_url(client, tenant, dataset):
    response = dashboard(client, StaffFactory(tenant=tenant), tenant, f"{PERIOD}&region=EMEA")
    page = response.content.decode()
    assert 'data-testid="metric-sourced_revenue-value">15,000.00 USD<' in page
    assert 'data-testid="metric-ropi-value">667.7 %<' in page
    assert "region=EMEA" in page  # the export links keep the filters
    owner = dashboard(client, StaffFactory(tenant=tenant), tenant, f"{PERIOD}&owner={dataset.owner.user_id}")
    assert 'data-testid="metric-sourced_revenue-value">10,000.00 USD<' in owner.content.decode()


def test_a_program_without_costs_reads_no_cost_recorded(client, tenant, dataset):
    response = dashboard(client, StaffFactory(tenant=tenant), tenant, "start=2027-01-01&end=2027-01-31")
    assert 'data-testid="metric-ropi-value">no cost recorded<' in response.content.decode()


def test_bad_filters_are_reported_and_the_defaults_used(client, tenant, dataset):
    response = dashboard(client, StaffFactory(tenant=tenant), tenant, "start=2026-06-30&end=2026-01-01&region=Mars")
    assert response.status_code == 200
    assert "The period cannot end before it starts." in response.content.decode()


def test_the_dashboard_runs_a_fixed_number_of_queries(client, tenant, dataset):
    staff = StaffFactory(tenant=tenant)
    login(client, staff)
    url = f"{reverse('analytics_dashboard', args=[tenant.slug])}?{PERIOD}"
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for index in range(6):
        partner = PartnerOrganizationFactory(tenant=tenant, region="EMEA")
        deal(
            tenant,
            partner,
            status=DealStatus.WON,
            amount="1000",
            closed=date(2026, 5, index + 1),
            submitted=date(2026, 4, 1),
        )
        deal(tenant, partner, status=DealStatus.APPROVED, amount="500", submitted=date(2026, 6, 2), stage="commit")
        cost(tenant, partner, date(2026, 5, 1), "100", "EUR")
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]


def test_every_table_exports_as_csv(client, tenant, dataset):
    login(client, StaffFactory(tenant=tenant, role=Role.ANALYST))
    base = reverse("analytics_export", args=[tenant.slug])
    response = client.get(f"{base}?table=ropi_by_partner&{PERIOD}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["partner_id", "partner", "attributed_revenue", "total_cost", "ropi"]
    assert rows[1] == [str(dataset.alpha.pk), "Alpha Networks", "18800.00", "3100.00", "506.5"]
    assert rows[3][-1] == ""  # Charlie: no cost recorded
    for table in ("metrics", "revenue_by_month", "pipeline_by_stage", "ttv_by_cohort", "top_partners",
                  "falling_partners", "costs_by_kind"):  # fmt: skip
        assert client.get(f"{base}?table={table}&{PERIOD}").status_code == 200
    metrics = client.get(f"{base}?table=metrics&{PERIOD}").content.decode("utf-8-sig")
    assert "no cost recorded" not in metrics.split("ropi,")[0] and "356.8" in metrics
    assert client.get(f"{base}?table=unknown").status_code == 404


def test_staff_scorecard_shows_one_partners_figures(client, tenant, dataset):
    login(client, StaffFactory(tenant=tenant))
    url = reverse("analytics_partner_scorecard", args=[tenant.slug, dataset.alpha.pk])
    page = client.get(f"{url}?{PERIOD}").content.decode()
    assert 'data-testid="metric-sourced_revenue-value">10,000.00 USD<' in page
    assert 'data-testid="metric-influenced_revenue-value">8,800.00 USD<' in page
    assert 'data-testid="metric-ropi-value">506.5 %<' in page
    assert 'data-testid="metric-ttv_first_registered-value">8 days<' in page
    assert 'data-testid="metric-ttv_first_won-value">38 days<' in page
    assert 'data-testid="metric-win_rate-definition"' in page


def test_partner_sees_only_its_own_scorecard(client, tenant, dataset):
    person = PartnerUserFactory(tenant=tenant, partner_organization=dataset.charlie, role=Role.PARTNER_SALES)
    login(client, person)
    page = client.get(f"{reverse('analytics_my_scorecard', args=[tenant.slug])}?{PERIOD}").content.decode()
    assert 'data-testid="metric-sourced_revenue-value">5,000.00 USD<' in page
    assert 'data-testid="metric-ropi-value">no cost recorded<' in page
    assert "Alpha Networks" not in page and "Bravo Systems" not in page
    # Another partner's scorecard, the dashboard and the exports are staff pages: 404.
    other = reverse("analytics_partner_scorecard", args=[tenant.slug, dataset.alpha.pk])
    assert client.get(other).status_code == 404
    assert client.get(reverse("analytics_dashboard", args=[tenant.slug])).status_code == 404
    assert client.get(f"{reverse('analytics_export', args=[tenant.slug])}?table=metrics").status_code == 404


def test_staff_have_no_own_scorecard_and_another_tenant_gets_404(client, tenant, other_tenant, dataset):
    login(client, StaffFactory(tenant=tenant))
    assert client.get(reverse("analytics_my_scorecard", args=[tenant.slug])).status_code == 404
    login(client, StaffFactory(tenant=other_tenant))
    assert client.get(reverse("analytics_dashboard", args=[tenant.slug])).status_code == 404
    own = reverse("analytics_partner_scorecard", args=[other_tenant.slug, dataset.alpha.pk])
    assert client.get(own).status_code == 404


def test_the_partner_page_links_to_its_scorecard_for_staff(client, tenant, dataset):
    login(client, StaffFactory(tenant=tenant, role=Role.ANALYST))
    page = client.get(reverse("partner_detail", args=[tenant.slug, dataset.alpha.pk])).content.decode()
    assert reverse("analytics_partner_scorecard", args=[tenant.slug, dataset.alpha.pk]) in page
