"""History panels read as people write: names, labels, choice labels, local minute-precision times, money, and no
bookkeeping (issue 16, 4.7)."""

import re
from types import SimpleNamespace

import pghistory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from dealreg import services as deal_services
from partners.models import PartnerOrganization, PartnerStatus
from prm.history import history_rows
from prm.models import Membership
from prm.roles import Role
from prm.selectors import history_for
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.dealreg.helpers import deal_fields
from tests.factories import PartnerUserFactory, StaffFactory

pytestmark = pytest.mark.django_db

MICROSECONDS = re.compile(r"\d{2}:\d{2}:\d{2}\.\d{3,6}")


@pytest.fixture
def manager(tenant):
    return StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER, user__first_name="Casey", user__last_name="Manager")


def test_deal_page_history_names_people_and_labels_fields(client, tenant, partner_admin, manager):
    with tenant_context(tenant):
        deal = deal_services.deal_create(actor=partner_admin, submit=True, **deal_fields(customer_name="Initech AG"))
        with pghistory.context(user=manager.user.pk):
            deal_services.deal_approve(actor=manager, registration=deal, note="Fits our rules.")

    page = login(client, manager).get(f"/t/acme/deals/{deal.pk}/").content.decode()
    history = page[page.index('id="history-heading"') :]

    assert "Status changed" in history and "Approved" in history
    assert "Decided by" in history and "Casey Manager" in history
    assert "decided_by_id" not in history and "DealRegistration" not in history and "update" not in history
    assert "match_keys" not in history and "updated_at" not in history and "Match keys" not in history
    assert not MICROSECONDS.search(history)


def test_amounts_show_as_money_in_the_records_currency_and_lists_of_records_by_count(tenant):
    model = "dealreg.DealRegistration"
    event = SimpleNamespace(
        pgh_obj_model=model,
        pgh_obj_id="1",
        pgh_label="update",
        pgh_created_at=timezone.now(),
        pgh_context=None,
        pgh_data={"currency": "EUR"},
        pgh_diff={
            "amount": ["48000.00", "52500.50"],
            "conflicts": [[{"id": 2, "kind": "registration"}], [{"id": 2}, {"id": 3, "kind": "registration"}]],
            "submitted_at": [None, "2026-12-07T17:28:06.123456+00:00"],
            "match_keys": [[], ["name:initech"]],
        },
    )
    with tenant_context(tenant), translation.override("de"), timezone.override("Europe/Berlin"):
        (row,) = history_rows([event])
    changes = {change["field"]: change for change in row["changes"]}

    assert (changes["amount"]["shown_before"], changes["amount"]["shown_after"]) == ("48.000,00 EUR", "52.500,50 EUR")
    assert (changes["conflicts"]["shown_before"], changes["conflicts"]["shown_after"]) == ("1", "2")
    assert changes["submitted_at"]["shown_after"] == "7. Dezember 2026, 18:28 CET"
    assert "match_keys" not in changes


def test_partner_page_history_shows_choice_labels_and_which_person_changed(client, tenant, tenant_admin, partner_org):
    person = PartnerUserFactory(
        tenant=tenant, partner_organization=partner_org, user__first_name="Dana", user__last_name="Partner"
    )
    with tenant_context(tenant), pghistory.context(user=tenant_admin.user.pk):
        PartnerOrganization.objects.filter(pk=partner_org.pk).update(status=PartnerStatus.SUSPENDED)
        Membership.objects.filter(pk=person.pk).update(role=Role.PARTNER_SALES)

    page = login(client, tenant_admin).get(f"/t/acme/partners/{partner_org.pk}/").content.decode()
    history = page[page.index('id="history-heading"') :]

    assert "Active → Suspended" in history
    assert "Partner admin → Partner sales" in history and "Dana Partner" in history
    assert str(tenant_admin.user) in history
    assert "<code>" not in history and "PartnerOrganization" not in history


def test_german_readers_get_german_labels(client, tenant, tenant_admin, partner_org):
    with tenant_context(tenant), pghistory.context(user=tenant_admin.user.pk):
        PartnerOrganization.objects.filter(pk=partner_org.pk).update(status=PartnerStatus.SUSPENDED)
    with tenant_context(tenant), translation.override("de"):
        (row, *_) = history_for(partner_org)
    assert row["action"] == "Status geändert"
    assert {(c["label"], c["shown_before"], c["shown_after"]) for c in row["changes"]} == {
        ("Status", "Aktiv", "Gesperrt")
    }


def test_history_reads_names_in_a_fixed_number_of_queries(tenant, tenant_admin, partner_org):
    def change_owner(count):
        for _ in range(count):
            owner = StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER)
            with tenant_context(tenant), pghistory.context(user=owner.user.pk):
                PartnerOrganization.objects.filter(pk=partner_org.pk).update(owner=owner.user)

    def queries():
        with tenant_context(tenant), CaptureQueriesContext(connection) as captured:
            rows = history_for(partner_org)
        return len(captured), rows

    change_owner(2)
    with_2, _ = queries()
    change_owner(8)
    with_10, rows = queries()

    assert with_10 == with_2
    owners = [c for row in rows for c in row["changes"] if c["field"] == "owner"]
    assert len(owners) == 10 and all(not c["shown_after"].startswith("#") for c in owners)
