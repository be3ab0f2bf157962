"""Re-acceptance reminders (beat task send_agreement_reminders, every 6 hours), with time frozen around the
boundaries: 7 days and 1 day before the deadline to partner admins, once the deadline has passed to the owning
channel manager (or the tenant admins). Each goes out once; partners that accepted hear nothing."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from partners import services
from partners.models import AgreementVersion, PartnerStatus
from partners.tasks.agreements import send_agreement_reminders
from prm.models import Notification
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.factories import PartnerUserFactory, StaffFactory, TenantFactory, make_agreement

pytestmark = pytest.mark.django_db

PUBLISHED = datetime(2025, 5, 1, 10, 0, tzinfo=UTC)
DEADLINE = datetime(2025, 5, 21, tzinfo=UTC).date()


def at(day: int, hour: int = 0):
    """A moment `day` days before the deadline (negative: after it), at `hour` UTC."""
    deadline = datetime(DEADLINE.year, DEADLINE.month, DEADLINE.day, tzinfo=UTC)
    return deadline - timedelta(days=day) + timedelta(hours=hour)


@pytest.fixture
def program(tenant, tenant_admin, partner_org, partner_admin):
    """Version 1 of the program agreement, published on 1 May to be accepted by 21 May; the partner's owner is a
    channel manager."""
    manager = StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER)
    with tenant_context(tenant):
        partner_org.owner = manager.user
        partner_org.save()
    with time_machine.travel(PUBLISHED, tick=False):
        agreement, version = make_agreement(tenant, actor=tenant_admin, reaccept_by=DEADLINE)
    return {"agreement": agreement, "version": version, "manager": manager}


def run_at(moment) -> None:
    with time_machine.travel(moment, tick=False):
        send_agreement_reminders.delay()


def notes(tenant, kind):
    with tenant_context(tenant):
        return list(Notification.objects.filter(kind=kind).order_by("id").values_list("user_id", "title", "body"))


def test_the_7_day_reminder_goes_out_once_when_7_days_are_left(tenant, program, partner_admin):
    run_at(at(7, hour=-1))  # 7 days and an hour before: not yet
    assert notes(tenant, "agreement.reminder") == []

    run_at(at(7))
    run_at(at(7, hour=6))
    run_at(at(2))

    [(user_id, title, body)] = notes(tenant, "agreement.reminder")
    assert user_id == partner_admin.user_id
    assert title == "Reminder: accept Partner program agreement v1 by 21 May 2025"
    assert "The deadline is 21 May 2025 (in 7 days)." in body
    with tenant_context(tenant):
        assert AgreementVersion.objects.get(pk=program["version"].pk).reminders_sent == [7]


def test_the_1_day_reminder_goes_out_once_the_day_before(tenant, program, partner_admin):
    run_at(at(7))
    run_at(at(2, hour=23))
    assert len(notes(tenant, "agreement.reminder")) == 1

    run_at(at(1))
    run_at(at(1, hour=18))
    run_at(at(0, hour=12))  # the deadline day itself: still theirs to accept, nothing more sent

    reminders = notes(tenant, "agreement.reminder")
    assert len(reminders) == 2
    assert "(tomorrow)" in reminders[1][2]
    assert notes(tenant, "agreement.overdue") == []


def test_a_missed_run_sends_only_the_most_urgent_reminder(tenant, program):
    run_at(at(1))  # the 7-day window passed while the beat was down
    run_at(at(1, hour=6))
    [(_, title, body)] = notes(tenant, "agreement.reminder")
    assert "(tomorrow)" in body
    with tenant_context(tenant):
        assert sorted(AgreementVersion.objects.get(pk=program["version"].pk).reminders_sent) == [1, 7]


def test_partners_that_accepted_are_not_reminded(tenant, program, partner_admin):
    other = PartnerUserFactory(tenant=tenant)
    with time_machine.travel(at(10), tick=False), tenant_context(tenant):
        services.agreement_accept(actor=partner_admin, version=program["version"])
    run_at(at(7))
    run_at(at(1))
    assert {user_id for user_id, _, _ in notes(tenant, "agreement.reminder")} == {other.user_id}


def test_after_the_deadline_the_owner_hears_once_which_partners_are_overdue(tenant, tenant_admin, program, partner_org):
    PartnerUserFactory(tenant=tenant, partner_organization__name="Zephyr Systems")  # no owner
    accepted = PartnerUserFactory(tenant=tenant, partner_organization__name="Early Bird Ltd")
    with time_machine.travel(at(3), tick=False), tenant_context(tenant):
        services.agreement_accept(actor=accepted, version=program["version"])

    run_at(at(0, hour=23))  # the last hour of the deadline day: not overdue yet
    assert notes(tenant, "agreement.overdue") == []

    run_at(at(-1))
    run_at(at(-1, hour=6))
    run_at(at(-5))

    overdue = notes(tenant, "agreement.overdue")
    assert sorted(overdue) == sorted(
        [
            (
                program["manager"].user_id,
                "1 partner missed the deadline for Partner program agreement v1",
                f"Not accepted by 21 May 2025: {partner_org.name}.",
            ),
            (
                tenant_admin.user_id,
                "1 partner missed the deadline for Partner program agreement v1",
                "Not accepted by 21 May 2025: Zephyr Systems.",
            ),
        ]
    )
    with tenant_context(tenant):
        assert 0 in AgreementVersion.objects.get(pk=program["version"].pk).reminders_sent


def test_a_partner_that_left_the_program_is_neither_reminded_nor_reported(tenant, program, partner_org):
    with tenant_context(tenant):
        partner_org.status = PartnerStatus.OFFBOARDED
        partner_org.save()
    run_at(at(7))
    run_at(at(-1))
    assert notes(tenant, "agreement.reminder") == []
    assert notes(tenant, "agreement.overdue") == []


def test_a_replaced_version_is_not_reminded_any_more(tenant, tenant_admin, program, partner_admin):
    with time_machine.travel(at(9), tick=False), tenant_context(tenant):
        v2 = services.agreement_version_create(actor=tenant_admin, agreement=program["agreement"], body="New terms.")
        services.agreement_version_publish(actor=tenant_admin, version=v2, reaccept_by=DEADLINE + timedelta(days=30))
    run_at(at(7))
    run_at(at(1))
    run_at(at(-1))
    assert notes(tenant, "agreement.reminder") == []
    assert notes(tenant, "agreement.overdue") == []


def test_a_short_deadline_sends_no_reminder_the_publication_already_covered(tenant, tenant_admin, partner_admin):
    with time_machine.travel(PUBLISHED, tick=False):
        make_agreement(
            tenant, actor=tenant_admin, name="Short notice", reaccept_by=PUBLISHED.date() + timedelta(days=5)
        )
    run_at(PUBLISHED + timedelta(hours=6))
    assert notes(tenant, "agreement.reminder") == []
    run_at(PUBLISHED + timedelta(days=4))
    assert len(notes(tenant, "agreement.reminder")) == 1


def test_the_beat_pass_runs_each_tenant_in_its_own_context(tenant, program, partner_admin):
    other_tenant = TenantFactory(slug="globex")
    other_admin = PartnerUserFactory(tenant=other_tenant)
    with time_machine.travel(PUBLISHED, tick=False):
        make_agreement(other_tenant, reaccept_by=DEADLINE)
    with time_machine.travel(at(7), tick=False):
        assert send_agreement_reminders.delay().get() == 2
        assert send_agreement_reminders.delay().get() == 2  # the tenant tasks find nothing more to send
    assert [n[0] for n in notes(tenant, "agreement.reminder")] == [partner_admin.user_id]
    assert [n[0] for n in notes(other_tenant, "agreement.reminder")] == [other_admin.user_id]
