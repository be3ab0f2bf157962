"""Reminders before due dates, overdue notices and escalation of stalled plans, at the exact boundaries (time frozen):
nothing before, exactly once at the boundary, nothing again."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from partners.models import OnboardingStepKind, PartnerStatus
from partners.selectors.program_settings import onboarding_settings
from partners.services import lifecycle, onboarding_settings_update
from partners.tasks.onboarding import send_onboarding_reminders
from prm.errors import ValidationFailed
from prm.models import Notification
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory, TenantFactory
from tests.partners.onboarding_support import emit, events_of, fresh, make_plan, start, steps_of

pytestmark = pytest.mark.django_db

T0 = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)
# SMALL_PLAN: the agreement is due 7 days after the start, course 12 after 10 days, the optional deal after 14.
AGREEMENT_DUE = T0 + timedelta(days=7)
COURSE_DUE = T0 + timedelta(days=10)


@pytest.fixture
def owner(tenant):
    return StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER)


@pytest.fixture
def partner(tenant, partner_org, owner):
    with tenant_context(tenant):
        partner_org.status, partner_org.owner = PartnerStatus.ONBOARDING, owner.user
        partner_org.save(update_fields=["status", "owner"])
    return partner_org


@pytest.fixture
def onboarding(tenant, partner, partner_admin):
    make_plan(tenant)
    with time_machine.travel(T0, tick=False):
        return start(tenant, partner)


def run_at(when):
    with time_machine.travel(when, tick=False):
        return send_onboarding_reminders()


def notes(tenant, user, kind):
    with tenant_context(tenant):
        return list(Notification.objects.filter(user=user, kind=kind).order_by("id"))


def test_a_reminder_goes_to_the_partner_admins_exactly_once_three_days_before_the_due_date(
    tenant, onboarding, partner_admin, django_capture_on_commit_callbacks, mailoutbox
):
    run_at(AGREEMENT_DUE - timedelta(days=3) - SECOND)
    assert notes(tenant, partner_admin.user, "onboarding.step_due_soon") == []

    with django_capture_on_commit_callbacks(execute=True):
        run_at(AGREEMENT_DUE - timedelta(days=3))
    [note] = notes(tenant, partner_admin.user, "onboarding.step_due_soon")
    assert note.title == "Onboarding step “Accept the agreement” is due on 11 Mar 2030"
    assert note.url == "/t/acme/portal/onboarding/"
    assert steps_of(tenant, onboarding)["Accept the agreement"].reminded_at == AGREEMENT_DUE - timedelta(days=3)
    assert steps_of(tenant, onboarding)["Complete course 12"].reminded_at is None
    [email] = mailoutbox
    assert email.to == [partner_admin.user.email] and "Accept the agreement" in email.subject

    run_at(AGREEMENT_DUE - timedelta(days=3) + timedelta(hours=1))
    run_at(AGREEMENT_DUE - timedelta(days=1))
    assert len(notes(tenant, partner_admin.user, "onboarding.step_due_soon")) == 1


def test_a_done_step_is_not_reminded(tenant, onboarding, partner, partner_admin):
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        emit(tenant, "agreement.accepted", subject=partner, payload={"partner_organization_id": partner.pk})
    run_at(AGREEMENT_DUE - timedelta(days=3))
    assert notes(tenant, partner_admin.user, "onboarding.step_due_soon") == []


def test_an_overdue_required_step_is_notified_once_to_the_owner_at_its_due_time(
    tenant, onboarding, owner, partner_admin
):
    run_at(AGREEMENT_DUE - SECOND)
    assert notes(tenant, owner.user, "onboarding.step_overdue") == []

    run_at(AGREEMENT_DUE)
    [note] = notes(tenant, owner.user, "onboarding.step_overdue")
    assert note.title == "Northwind Secure: onboarding step “Accept the agreement” is overdue"
    assert note.url.endswith("#onboarding")
    assert steps_of(tenant, onboarding)["Accept the agreement"].overdue_notified_at == AGREEMENT_DUE

    run_at(AGREEMENT_DUE + timedelta(hours=1))
    run_at(AGREEMENT_DUE + timedelta(days=2))
    assert len(notes(tenant, owner.user, "onboarding.step_overdue")) == 1
    # The partner's people hear about the overdue step from their checklist, not from this notice.
    assert notes(tenant, partner_admin.user, "onboarding.step_overdue") == []


def test_an_optional_step_past_due_notifies_nobody(tenant, onboarding, partner, owner):
    payload = {"partner_organization_id": partner.pk}
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        emit(tenant, "agreement.accepted", subject=partner, payload=payload)
        emit(tenant, "course.completed", subject=partner, payload=payload | {"course_id": 12})
    # Every required step is done (the partner is active); the optional deal step is past due at day 14.
    run_at(T0 + timedelta(days=15))
    assert notes(tenant, owner.user, "onboarding.step_overdue") == []


def test_without_an_owner_the_tenant_admins_get_the_overdue_notice(tenant, tenant_admin, partner_org, partner_admin):
    with tenant_context(tenant):
        partner_org.status = PartnerStatus.ONBOARDING
        partner_org.save(update_fields=["status"])
    make_plan(tenant)
    with time_machine.travel(T0, tick=False):
        start(tenant, partner_org)
    run_at(AGREEMENT_DUE)
    [note] = notes(tenant, tenant_admin.user, "onboarding.step_overdue")
    assert "Accept the agreement" in note.title


def test_a_stalled_plan_is_escalated_once_after_fourteen_days_without_progress(tenant, onboarding, owner):
    run_at(T0 + timedelta(days=14) - SECOND)
    assert fresh(tenant, onboarding).escalated_at is None
    assert events_of(tenant, "onboarding.escalated") == []

    run_at(T0 + timedelta(days=14))
    assert fresh(tenant, onboarding).escalated_at == T0 + timedelta(days=14)
    [event] = events_of(tenant, "onboarding.escalated")
    assert event.payload["days_without_progress"] == 14 and event.payload["escalated_to"] == [owner.user_id]
    [note] = notes(tenant, owner.user, "onboarding.escalated")
    assert note.title == "Northwind Secure's onboarding has stalled"

    run_at(T0 + timedelta(days=20))
    assert len(events_of(tenant, "onboarding.escalated")) == 1
    assert len(notes(tenant, owner.user, "onboarding.escalated")) == 1


def test_progress_moves_the_stall_boundary(tenant, onboarding, partner):
    with time_machine.travel(T0 + timedelta(days=5), tick=False):
        emit(tenant, "agreement.accepted", subject=partner, payload={"partner_organization_id": partner.pk})
    run_at(T0 + timedelta(days=19) - SECOND)
    assert fresh(tenant, onboarding).escalated_at is None
    run_at(T0 + timedelta(days=19))
    assert fresh(tenant, onboarding).escalated_at == T0 + timedelta(days=19)


def test_a_suspended_partners_onboarding_is_paused(tenant, tenant_admin, onboarding, partner, partner_admin, owner):
    with time_machine.travel(T0 + timedelta(days=1), tick=False), tenant_context(tenant):
        lifecycle.partner_suspend(actor=tenant_admin, partner=partner, reason="Payment overdue")
    run_at(T0 + timedelta(days=30))
    assert notes(tenant, partner_admin.user, "onboarding.step_due_soon") == []
    assert notes(tenant, owner.user, "onboarding.step_overdue") == []
    assert fresh(tenant, onboarding).escalated_at is None


def test_a_manual_step_is_reminded_to_the_owner_not_the_partner(tenant, partner, partner_admin, owner):
    make_plan(tenant, [{"title": "Kick-off call", "kind": OnboardingStepKind.MANUAL, "due_offset_days": 5}])
    with time_machine.travel(T0, tick=False):
        start(tenant, partner)
    run_at(T0 + timedelta(days=2))
    assert notes(tenant, partner_admin.user, "onboarding.step_due_soon") == []
    [note] = notes(tenant, owner.user, "onboarding.step_due_soon")
    assert note.title.startswith("Northwind Secure: Onboarding step “Kick-off call”")


def test_the_tenant_sets_its_own_timing(tenant, tenant_admin, onboarding, partner_admin):
    with tenant_context(tenant):
        with pytest.raises(ValidationFailed) as refused:
            onboarding_settings_update(actor=tenant_admin, reminder_days_before=-1, stalled_after_days=14)
        assert refused.value.field == "reminder_days_before"
        onboarding_settings_update(actor=tenant_admin, reminder_days_before=5, stalled_after_days=30)
        assert onboarding_settings() == {"reminder_days_before": 5, "stalled_after_days": 30}
    run_at(AGREEMENT_DUE - timedelta(days=5))
    assert len(notes(tenant, partner_admin.user, "onboarding.step_due_soon")) == 1
    run_at(T0 + timedelta(days=29))
    assert fresh(tenant, onboarding).escalated_at is None


def test_the_beat_task_visits_every_tenant_with_running_onboardings(tenant, onboarding, partner_admin):
    globex = TenantFactory(slug="globex", name="Globex Firewalls")
    globex_partner = PartnerOrganizationFactory(tenant=globex, status=PartnerStatus.ONBOARDING)
    globex_admin = PartnerUserFactory(tenant=globex, partner_organization=globex_partner)
    make_plan(globex)
    with time_machine.travel(T0, tick=False):
        start(globex, globex_partner)
    assert run_at(AGREEMENT_DUE - timedelta(days=3)) == 2
    assert len(notes(tenant, partner_admin.user, "onboarding.step_due_soon")) == 1
    assert len(notes(globex, globex_admin.user, "onboarding.step_due_soon")) == 1
