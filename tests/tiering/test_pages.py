"""The partner's "My tier" page and its portal card: tier, benefits, progress metric by metric, at risk, no standing
yet, who may see it, and a fixed number of queries whatever the history."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from prm.roles import Role
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory
from tests.tiering.support import make_program
from tiering.services.recalculation import tiers_recalculate

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)


@pytest.fixture
def program(tenant):
    return make_program(tenant)


def recalculate(tenant, as_of=DAY):
    with tenant_context(tenant):
        tiers_recalculate(as_of=as_of)


def my_tier(client, membership, tenant):
    return login(client, membership).get(reverse("my_tier", args=[tenant.slug]))


def test_partner_sees_its_tier_benefits_and_progress(client, tenant, program, metrics, partner_org, partner_admin):
    metrics.set(partner_org, revenue=60000, certified=1)
    recalculate(tenant)
    response = my_tier(client, partner_admin, tenant)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="tier-name">Silver<' in page
    assert "Since 2 Mar 2026" in page
    assert "90 days" in page  # Silver's deal protection
    assert "40,000.00 USD more won revenue and 2 more certified people to reach Gold." in page
    assert "60,000.00 USD / 100,000.00 USD" in page and 'aria-valuenow="60"' in page
    assert "1 / 3" in page
    assert page.count('data-testid="tier-assessment"') == 1 and "Entered the program" in page
    assert 'data-testid="tier-at-risk"' not in page


def test_money_follows_the_readers_locale(client, tenant, program, metrics, partner_org, partner_admin):
    metrics.set(partner_org, revenue=150000, certified=3)
    recalculate(tenant)
    login(client, partner_admin)
    response = client.get(reverse("my_tier", args=[tenant.slug]), HTTP_ACCEPT_LANGUAGE="de")
    page = response.content.decode()
    if response.headers.get("Content-Language") != "de":
        pytest.skip("the project does not negotiate German from the request")
    assert "100.000,00 USD" in page  # Gold's auto-approval limit


def test_partner_at_risk_sees_the_demotion_date_and_what_is_missing(
    client, tenant, program, metrics, partner_org, partner_admin
):
    metrics.set(partner_org, revenue=150000, certified=3)
    recalculate(tenant)
    metrics.set(partner_org, revenue=150000, certified=2)
    recalculate(tenant, date(2026, 3, 3))
    page = my_tier(client, partner_admin, tenant).content.decode()
    assert 'data-testid="tier-name">Gold<' in page and 'data-testid="tier-at-risk"' in page
    assert "1 Jun 2026" in page  # 3 March + 90 days of grace
    assert "To keep it: 1 more certified person." in page
    assert "What keeps Gold" in page


def test_partner_without_standing_gets_a_plain_explanation(client, tenant, program, metrics, partner_admin):
    response = my_tier(client, partner_admin, tenant)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="tier-none"' in page and "no tier yet" in page


def test_portal_card_shows_tier_and_next_step(client, tenant, program, metrics, partner_org, partner_admin):
    metrics.set(partner_org, revenue=60000, certified=1)
    recalculate(tenant)
    page = login(client, partner_admin).get(reverse("portal", args=[tenant.slug])).content.decode()
    assert 'data-testid="tier-card"' in page and 'data-testid="tier-card-name">Silver<' in page
    assert "40,000.00 USD more won revenue and 2 more certified people to reach Gold." in page
    assert reverse("my_tier", args=[tenant.slug]) in page


def test_each_partner_sees_only_its_own_tier(client, tenant, program, metrics, partner_org, partner_admin):
    other = PartnerOrganizationFactory(tenant=tenant, name="Contoso")
    metrics.set(partner_org, revenue=60000, certified=1)
    metrics.set(other, revenue=600000, certified=9)
    recalculate(tenant)
    someone_else = PartnerUserFactory(tenant=tenant, partner_organization=other, role=Role.PARTNER_SALES)
    page = my_tier(client, someone_else, tenant).content.decode()
    assert 'data-testid="tier-name">Platinum<' in page and "Silver" not in page
    # No id in the address: a query string naming another partner changes nothing.
    page = client.get(reverse("my_tier", args=[tenant.slug]), {"partner": partner_org.pk}).content.decode()
    assert 'data-testid="tier-name">Platinum<' in page


def test_staff_and_other_tenants_get_404(client, tenant, other_tenant, program, metrics, partner_org, partner_admin):
    recalculate(tenant)
    assert my_tier(client, StaffFactory(tenant=tenant), tenant).status_code == 404
    assert login(client, partner_admin).get(reverse("my_tier", args=[other_tenant.slug])).status_code == 404


def test_queries_do_not_grow_with_the_assessments(client, tenant, program, metrics, partner_org, partner_admin):
    metrics.set(partner_org, revenue=60000, certified=1)
    recalculate(tenant)
    login(client, partner_admin)
    url = reverse("my_tier", args=[tenant.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for day, certified in ((3, 3), (4, 2), (5, 1), (6, 0)):
        metrics.set(partner_org, revenue=150000 * day, certified=certified)
        recalculate(tenant, date(2026, 3, day))
    with CaptureQueriesContext(connection) as five:
        page = client.get(url).content.decode()
    assert page.count('data-testid="tier-assessment"') == 5
    assert len(five) == len(one)
