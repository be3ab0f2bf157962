"""New deals signal staff (issue 16, 4.6): the reviewing channel managers are notified of a submitted registration
(every reviewer when the partner has no owner), the Deals entry of the top bar shows how many wait for a decision,
and the console's deal card counts them."""

import re

import pytest

from dealreg import services
from partners.models import PartnerOrganization
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.dealreg.helpers import notifications_of
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_a_deal_of_a_partner_nobody_owns_reaches_every_reviewer(
    tenant, tenant_admin, channel_manager, second_manager, register
):
    analyst = StaffFactory(tenant=tenant, role=Role.ANALYST)
    registration = register()
    for reviewer in (tenant_admin, channel_manager, second_manager):
        [notification] = notifications_of(tenant, reviewer.user, "deal.submitted")
        assert notification.url == f"/t/acme/deals/{registration.pk}/"
    assert notifications_of(tenant, analyst.user, "deal.submitted") == []


def test_the_owner_alone_hears_of_its_partners_deals(tenant, partner_org, channel_manager, second_manager, register):
    with tenant_context(tenant):
        PartnerOrganization.objects.filter(pk=partner_org.pk).update(owner=second_manager.user)
    register()
    assert len(notifications_of(tenant, second_manager.user, "deal.submitted")) == 1
    assert notifications_of(tenant, channel_manager.user, "deal.submitted") == []


def test_the_deals_entry_and_the_console_card_count_the_registrations_waiting(
    client, tenant, channel_manager, other_partner, register
):
    register()
    register(actor=other_partner, customer_name="Globex Corporation", customer_website="globex.com")
    decided = register(customer_name="Hooli", customer_website="hooli.com")
    with tenant_context(tenant):
        services.deal_approve(actor=channel_manager, registration=decided)
    login(client, channel_manager)

    console = client.get("/t/acme/console/").content.decode()
    assert re.search(r'data-testid="nav-deals"[^>]*>.*?data-testid="nav-deals-waiting">2<', console, re.S)
    assert re.search(r'data-testid="deals-waiting">\s*2 registrations waiting for a decision', console)


def test_readers_who_do_not_decide_get_no_badge(client, tenant, register):
    register()
    login(client, StaffFactory(tenant=tenant, role=Role.ANALYST))
    page = client.get("/t/acme/deals/").content.decode()
    assert 'data-testid="nav-deals"' in page and "nav-deals-waiting" not in page
