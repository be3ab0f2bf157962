"""The review SLA: business days (weekends skipped), the reminder 4 hours before it ends and the escalation once it
has passed — each once, at their exact boundaries — and the pause while the partner is asked a question."""

import datetime

import pytest
import time_machine

from dealreg import services, tasks
from dealreg.models import DealActivity
from dealreg.services.sla import add_business_days, business_seconds_between, resumed_due_at
from partners.models import PartnerOrganization
from prm.tenancy import tenant_context
from tests.dealreg.helpers import notifications_of, refreshed

pytestmark = pytest.mark.django_db


def at(day, hour=0, minute=0, second=0):
    return datetime.datetime(2030, 3, day, hour, minute, second, tzinfo=datetime.UTC)  # March 2030: the 8th is a Friday


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (at(8, 15), 2, at(12, 15)),  # Friday afternoon → Tuesday afternoon
        (at(9, 10), 2, at(13, 0)),  # Saturday: counting starts Monday 00:00 → Wednesday 00:00
        (at(10, 23, 59), 1, at(12, 0)),  # Sunday night → Tuesday 00:00
        (at(4, 9), 2, at(6, 9)),  # Monday → Wednesday
        (at(7, 9), 1, at(8, 9)),  # Thursday → Friday
        (at(8, 0), 1, at(9, 0)),  # Friday 00:00 + one business day: the end of Friday (Saturday 00:00)
        (at(4, 9), 5, at(11, 9)),  # a whole business week
    ],
)
def test_business_days_skip_weekends(start, days, due):
    assert add_business_days(start, days) == due


def test_business_time_between_two_moments_skips_weekends():
    assert business_seconds_between(at(8, 12), at(11, 12)) == 24 * 3600
    assert business_seconds_between(at(11, 12), at(8, 12)) == -24 * 3600
    # Paused Friday 12:00 with Monday 12:00 due (one business day left), resumed Wednesday 08:00: due Thursday 08:00.
    assert resumed_due_at(due_at=at(11, 12), paused_at=at(8, 12), resumed_at=at(13, 8)) == at(14, 8)
    # Overdue by an hour when paused: still overdue by an hour when resumed.
    assert resumed_due_at(due_at=at(8, 11), paused_at=at(8, 12), resumed_at=at(13, 8)) == at(13, 7)


@pytest.fixture
def owned_registration(tenant, partner_org, channel_manager, register):
    with tenant_context(tenant):
        PartnerOrganization.objects.filter(pk=partner_org.pk).update(owner=channel_manager.user)
    with time_machine.travel(at(8, 15), tick=False):
        registration = register(expected_close_date=datetime.date(2030, 6, 30))
    assert registration.review_due_at == at(12, 15)
    return registration


def run_sla_check(moment):
    with time_machine.travel(moment, tick=False):
        return tasks.check_review_sla()


def test_the_owning_channel_manager_is_reminded_once_four_hours_before_the_review_is_due(
    tenant, channel_manager, owned_registration
):
    run_sla_check(at(11, 11))  # Monday, same time of day: a business day before, nothing yet
    run_sla_check(at(12, 10, 59, 59))
    assert notifications_of(tenant, channel_manager.user, "deal.review_due") == []

    run_sla_check(at(12, 11))
    run_sla_check(at(12, 12))
    [reminder] = notifications_of(tenant, channel_manager.user, "deal.review_due")
    partner = owned_registration.partner_organization.name
    assert reminder.title == f"Review Initech GmbH ({partner}) by 12 Mar 2030, 15:00 UTC"
    assert refreshed(tenant, owned_registration).sla_reminded_at == at(12, 11)


def test_an_overdue_review_is_escalated_once_to_the_tenant_admins(
    tenant, tenant_admin, channel_manager, owned_registration
):
    run_sla_check(at(12, 14, 59, 59))
    assert notifications_of(tenant, tenant_admin.user, "deal.review_overdue") == []

    run_sla_check(at(12, 15))
    run_sla_check(at(13, 9))
    [escalation] = notifications_of(tenant, tenant_admin.user, "deal.review_overdue")
    assert "was due 12 Mar 2030, 15:00 UTC" in escalation.title
    assert len(notifications_of(tenant, channel_manager.user, "deal.review_overdue")) == 1
    assert refreshed(tenant, owned_registration).sla_escalated_at == at(12, 15)
    with tenant_context(tenant):
        kinds = list(
            DealActivity.objects.filter(registration=owned_registration, kind__startswith="sla").values_list(
                "kind", "visible_to_partner"
            )
        )
    assert kinds == [("sla_reminder", False), ("sla_escalated", False)]


def test_without_an_owner_the_tenant_admins_are_reminded(tenant, tenant_admin, register):
    with time_machine.travel(at(8, 15), tick=False):
        register(expected_close_date=datetime.date(2030, 6, 30))
    run_sla_check(at(12, 11))
    assert len(notifications_of(tenant, tenant_admin.user, "deal.review_due")) == 1


def test_no_reminder_or_escalation_while_the_partner_is_asked(
    tenant, partner_admin, tenant_admin, channel_manager, owned_registration
):
    with time_machine.travel(at(11, 9), tick=False):
        with tenant_context(tenant):
            services.deal_request_info(actor=channel_manager, registration=owned_registration, question="Budget?")
    run_sla_check(at(12, 12))
    run_sla_check(at(20, 12))
    assert notifications_of(tenant, channel_manager.user, "deal.review_due") == []
    assert notifications_of(tenant, tenant_admin.user, "deal.review_overdue") == []

    # Paused Monday 09:00 with one business day and six hours left; answered Wednesday 20th 12:00 → due Thursday 18:00.
    with time_machine.travel(at(20, 12), tick=False):
        with tenant_context(tenant):
            answered = services.deal_answer(actor=partner_admin, registration=owned_registration, answer="1.2M")
    assert answered.review_due_at == at(21, 18)
    run_sla_check(at(21, 13, 59))
    assert notifications_of(tenant, channel_manager.user, "deal.review_due") == []
    run_sla_check(at(21, 14))
    assert len(notifications_of(tenant, channel_manager.user, "deal.review_due")) == 1


def test_decided_registrations_are_left_alone(tenant, tenant_admin, channel_manager, owned_registration):
    with tenant_context(tenant):
        services.deal_approve(actor=channel_manager, registration=owned_registration)
    assert run_sla_check(at(13, 9)) == 0  # no tenant has registrations waiting
    assert notifications_of(tenant, tenant_admin.user, "deal.review_overdue") == []
