"""Onboarding: plans start on approval, steps complete themselves from domain events (type, partner, condition),
and the partner becomes active when the required steps are done."""

from datetime import timedelta

import pytest
from django.utils import timezone

from partners.models import (
    OnboardingPlan,
    OnboardingStatus,
    OnboardingStep,
    OnboardingStepKind,
    PartnerOnboarding,
    PartnerStatus,
)
from partners.services import lifecycle, onboarding_plans, profile
from partners.services import onboarding as onboarding_services
from prm.errors import InvalidTransition, PermissionDenied
from prm.models import Event
from prm.roles import Role
from prm.services import invitation_create
from prm.tenancy import tenant_context
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory
from tests.partners.onboarding_support import emit, events_of, fresh, make_plan, relay, start, steps_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def onboarding_partner(tenant, partner_org):
    """Northwind Secure (partner_admin's organization), approved and onboarding."""
    with tenant_context(tenant):
        partner_org.status = PartnerStatus.ONBOARDING
        partner_org.save(update_fields=["status"])
    return partner_org


@pytest.fixture
def other_partner(tenant):
    return PartnerOrganizationFactory(tenant=tenant, name="Contoso Networks", status=PartnerStatus.ONBOARDING)


@pytest.fixture
def plan(tenant):
    return make_plan(tenant)


# Plans and starting ----------------------------------------------------------------------------------------------


def test_a_tenant_without_plans_gets_the_default_plan_on_first_need(tenant, onboarding_partner):
    with tenant_context(tenant):
        assert not OnboardingPlan.objects.exists()
        plan = onboarding_plans.plan_for_partner(onboarding_partner)
        again = onboarding_plans.plan_for_partner(onboarding_partner)
        steps = list(plan.steps.order_by("position"))
        assert OnboardingPlan.objects.count() == 1
    assert again == plan and plan.partner_type == "" and plan.is_active
    assert [s.kind for s in steps if s.required] == [
        OnboardingStepKind.ACCEPT_AGREEMENT,
        OnboardingStepKind.COMPLETE_PROFILE,
        OnboardingStepKind.INVITE_COLLEAGUES,
    ]
    assert {s.kind for s in steps if not s.required} >= {OnboardingStepKind.REGISTER_DEAL}


def test_the_plan_of_the_partners_type_wins_over_the_default(tenant, onboarding_partner):
    make_plan(tenant, name="Default")
    var_plan = make_plan(tenant, name="VAR plan", partner_type=onboarding_partner.partner_type)
    with tenant_context(tenant):
        assert onboarding_plans.plan_for_partner(onboarding_partner) == var_plan


def test_a_tenant_with_plans_but_none_for_the_type_starts_nothing(tenant, onboarding_partner):
    make_plan(tenant, name="MSP plan", partner_type="msp")
    assert start(tenant, onboarding_partner) is None
    with tenant_context(tenant):
        assert not PartnerOnboarding.objects.exists()


def test_approval_starts_the_plan_with_steps_due_at_their_offsets(tenant, tenant_admin, plan):
    applicant = PartnerOrganizationFactory(tenant=tenant, status=PartnerStatus.APPLIED)
    with tenant_context(tenant):
        lifecycle.partner_approve(actor=tenant_admin, partner=applicant)
    relay(tenant)
    with tenant_context(tenant):
        onboarding = PartnerOnboarding.objects.get(partner_organization=applicant)
        steps = list(onboarding.steps.order_by("position"))
    assert onboarding.status == OnboardingStatus.IN_PROGRESS and onboarding.plan_name == "Reseller onboarding"
    assert [s.title for s in steps] == ["Accept the agreement", "Complete course 12", "Register a first deal"]
    assert [s.due_at - onboarding.started_at for s in steps] == [timedelta(days=7), timedelta(days=10), timedelta(14)]
    # The step stores the event that completes it, so the subscriber finds it from one index.
    assert [s.completion_event for s in steps] == ["agreement.accepted", "course.completed", "deal.submitted"]
    [started] = events_of(tenant, "onboarding.started")
    assert started.payload["partner_organization_id"] == applicant.pk and started.payload["steps"] == 3


def test_the_start_handler_is_idempotent_when_the_relay_repeats_it(tenant, tenant_admin, plan):
    applicant = PartnerOrganizationFactory(tenant=tenant, status=PartnerStatus.APPLIED)
    with tenant_context(tenant):
        lifecycle.partner_approve(actor=tenant_admin, partner=applicant)
    relay(tenant)
    with tenant_context(tenant):
        approved = Event.objects.get(type="partner.approved")
        # The relay crashed after the handler, say: the event is relayed again.
        Event.objects.filter(pk=approved.pk).update(relayed_at=None)
        onboarding_services.onboarding_start_from_event(approved)
    relay(tenant)
    with tenant_context(tenant):
        assert PartnerOnboarding.objects.filter(partner_organization=applicant).count() == 1
        assert OnboardingStep.objects.filter(partner_organization=applicant).count() == 3
    assert len(events_of(tenant, "onboarding.started")) == 1


def test_starting_twice_returns_the_running_onboarding(tenant, onboarding_partner, plan):
    first = start(tenant, onboarding_partner)
    assert start(tenant, onboarding_partner) == first


def test_staff_start_refuses_a_second_running_onboarding_and_other_statuses(tenant, tenant_admin, plan):
    partner = PartnerOrganizationFactory(tenant=tenant, status=PartnerStatus.ACTIVE)
    prospect = PartnerOrganizationFactory(tenant=tenant, status=PartnerStatus.PROSPECT)
    with tenant_context(tenant):
        onboarding = onboarding_services.onboarding_start_by_staff(actor=tenant_admin, partner=partner)
        assert onboarding.status == OnboardingStatus.IN_PROGRESS
        with pytest.raises(InvalidTransition, match="going through its onboarding already"):
            onboarding_services.onboarding_start_by_staff(actor=tenant_admin, partner=partner)
        with pytest.raises(InvalidTransition, match="only onboarding or active partners"):
            onboarding_services.onboarding_start_by_staff(actor=tenant_admin, partner=prospect)
        assert not PartnerOnboarding.objects.filter(partner_organization=prospect).exists()


def test_offboarding_cancels_the_running_onboarding_and_reactivation_starts_a_new_one(
    tenant, tenant_admin, onboarding_partner, plan
):
    first = start(tenant, onboarding_partner)
    with tenant_context(tenant):
        lifecycle.partner_offboard(actor=tenant_admin, partner=onboarding_partner, reason="Went out of business")
    relay(tenant)
    assert fresh(tenant, first).status == OnboardingStatus.CANCELLED
    with tenant_context(tenant):
        lifecycle.partner_reactivate(actor=tenant_admin, partner=onboarding_partner, reason="Back in business")
    relay(tenant)
    with tenant_context(tenant):
        running = PartnerOnboarding.objects.get(partner_organization=onboarding_partner, status="in_progress")
    assert running.pk != first.pk


# Steps completing from events ---------------------------------------------------------------------------------------


def test_a_step_completes_from_its_event_for_its_partner(tenant, onboarding_partner, plan, partner_admin):
    onboarding = start(tenant, onboarding_partner)
    event = emit(
        tenant,
        "agreement.accepted",
        subject=onboarding_partner,
        payload={"partner_organization_id": onboarding_partner.pk, "version": 3},
        actor=partner_admin,
    )
    step = steps_of(tenant, onboarding)["Accept the agreement"]
    assert step.completed_at is not None
    assert step.completed_by_event_id == event.pk and step.completed_by_id == partner_admin.user_id
    assert fresh(tenant, onboarding).last_progress_at == step.completed_at
    [completed] = events_of(tenant, "onboarding.step_completed")
    assert completed.payload["step_id"] == step.pk and completed.payload["title"] == "Accept the agreement"
    assert completed.payload["partner_organization_id"] == onboarding_partner.pk
    assert completed.payload["onboarding_id"] == onboarding.pk and completed.payload["kind"] == "accept_agreement"
    assert completed.actor_user_id == partner_admin.user_id


def test_an_event_of_another_partner_completes_nothing(tenant, onboarding_partner, other_partner, plan):
    onboarding = start(tenant, onboarding_partner)
    emit(
        tenant,
        "agreement.accepted",
        subject=other_partner,
        payload={"partner_organization_id": other_partner.pk},
    )
    assert steps_of(tenant, onboarding)["Accept the agreement"].completed_at is None
    assert events_of(tenant, "onboarding.step_completed") == []


def test_the_condition_must_match_the_payload(tenant, onboarding_partner, plan):
    onboarding = start(tenant, onboarding_partner)
    payload = {"partner_organization_id": onboarding_partner.pk}
    emit(tenant, "course.completed", subject=onboarding_partner, payload={**payload, "course_id": 13})
    emit(tenant, "course.completed", subject=onboarding_partner, payload={**payload, "course_id": "12"})
    emit(tenant, "course.completed", subject=onboarding_partner, payload=payload)
    assert steps_of(tenant, onboarding)["Complete course 12"].completed_at is None
    emit(tenant, "course.completed", subject=onboarding_partner, payload={**payload, "course_id": 12})
    assert steps_of(tenant, onboarding)["Complete course 12"].completed_at is not None


def test_course_certification_and_deal_kinds_complete_from_the_events_those_apps_will_emit(tenant, onboarding_partner):
    make_plan(
        tenant,
        [
            {"title": "Course", "kind": OnboardingStepKind.COMPLETE_COURSE},
            {"title": "Certification", "kind": OnboardingStepKind.EARN_CERTIFICATION, "condition": {"level": "pro"}},
            {"title": "Deal", "kind": OnboardingStepKind.REGISTER_DEAL},
            {"title": "Webinar", "kind": OnboardingStepKind.EVENT, "completion_event": "webinar.attended"},
            {
                "title": "Other course event",
                "kind": OnboardingStepKind.COMPLETE_COURSE,
                "completion_event": "course.passed",
            },
        ],
    )
    onboarding = start(tenant, onboarding_partner)
    # No course, certification or deal code exists here: the test emits what those apps will.
    ids = {"partner_organization_id": onboarding_partner.pk}
    emit(tenant, "course.completed", subject=onboarding_partner, payload={**ids, "course_id": 5})
    emit(tenant, "certification.awarded", subject=onboarding_partner, payload={**ids, "level": "pro"})
    emit(tenant, "deal.submitted", subject=onboarding_partner, payload={**ids, "deal_id": 77})
    emit(tenant, "webinar.attended", subject=onboarding_partner, payload=ids)
    steps = steps_of(tenant, onboarding)
    assert {title for title, step in steps.items() if step.completed_at} == {
        "Course",
        "Certification",
        "Deal",
        "Webinar",
    }
    assert steps["Other course event"].completed_at is None


def test_the_payload_may_name_the_partner_as_a_string_of_digits(tenant, onboarding_partner, plan, tenant_admin):
    onboarding = start(tenant, onboarding_partner)
    emit(
        tenant,
        "agreement.accepted",
        subject=tenant_admin,
        payload={"partner_organization_id": str(onboarding_partner.pk)},
    )
    assert steps_of(tenant, onboarding)["Accept the agreement"].completed_at is not None


def test_onboarding_events_never_complete_steps(tenant, onboarding_partner, plan):
    onboarding = start(tenant, onboarding_partner)
    with tenant_context(tenant):
        # A step waiting for onboarding's own event (the plan editor refuses it; written directly here).
        OnboardingStep.objects.filter(onboarding=onboarding, title="Register a first deal").update(
            completion_event="onboarding.step_completed"
        )
    emit(
        tenant,
        "agreement.accepted",
        subject=onboarding_partner,
        payload={"partner_organization_id": onboarding_partner.pk},
    )
    assert steps_of(tenant, onboarding)["Register a first deal"].completed_at is None
    assert len(events_of(tenant, "onboarding.step_completed")) == 1


def test_a_repeated_event_completes_a_step_once(tenant, onboarding_partner, plan):
    onboarding = start(tenant, onboarding_partner)
    payload = {"partner_organization_id": onboarding_partner.pk}
    emit(tenant, "agreement.accepted", subject=onboarding_partner, payload=payload)
    first = steps_of(tenant, onboarding)["Accept the agreement"].completed_at
    emit(tenant, "agreement.accepted", subject=onboarding_partner, payload=payload)
    assert steps_of(tenant, onboarding)["Accept the agreement"].completed_at == first
    assert len(events_of(tenant, "onboarding.step_completed")) == 1


# Activation ------------------------------------------------------------------------------------------------------


def test_the_partner_becomes_active_when_the_required_steps_are_done(tenant, onboarding_partner, plan):
    onboarding = start(tenant, onboarding_partner)
    payload = {"partner_organization_id": onboarding_partner.pk}
    emit(tenant, "agreement.accepted", subject=onboarding_partner, payload=payload)
    assert fresh(tenant, onboarding_partner).status == PartnerStatus.ONBOARDING
    emit(tenant, "course.completed", subject=onboarding_partner, payload={**payload, "course_id": 12})
    onboarding = fresh(tenant, onboarding)
    partner = fresh(tenant, onboarding_partner)
    # The optional deal step is still open: not needed.
    assert steps_of(tenant, onboarding)["Register a first deal"].completed_at is None
    assert onboarding.status == OnboardingStatus.COMPLETED and onboarding.completed_at is not None
    assert partner.status == PartnerStatus.ACTIVE and partner.activated_at is not None
    [activated] = events_of(tenant, "partner.activated")
    assert activated.payload["reason"] == str(onboarding_services.ACTIVATION_REASON) and activated.actor_user_id is None
    assert [e.payload["onboarding_id"] for e in events_of(tenant, "onboarding.completed")] == [onboarding.pk]


def test_a_partner_active_already_stays_active_when_its_onboarding_completes(tenant, plan):
    partner = PartnerOrganizationFactory(tenant=tenant, status=PartnerStatus.ACTIVE)
    onboarding = start(tenant, partner)
    payload = {"partner_organization_id": partner.pk}
    emit(tenant, "agreement.accepted", subject=partner, payload=payload)
    emit(tenant, "course.completed", subject=partner, payload={**payload, "course_id": 12})
    assert fresh(tenant, onboarding).status == OnboardingStatus.COMPLETED
    assert events_of(tenant, "partner.activated") == []


def test_the_owner_hears_when_their_partner_completes_onboarding(tenant, plan):
    owner = StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER)
    partner = PartnerOrganizationFactory(tenant=tenant, status=PartnerStatus.ONBOARDING, owner=owner.user)
    start(tenant, partner)
    payload = {"partner_organization_id": partner.pk}
    emit(tenant, "agreement.accepted", subject=partner, payload=payload)
    emit(tenant, "course.completed", subject=partner, payload={**payload, "course_id": 12})
    with tenant_context(tenant):
        from prm.models import Notification

        [note] = Notification.objects.filter(user=owner.user)
    assert note.kind == "onboarding.completed" and "is now active" in note.title


# Invite colleagues -----------------------------------------------------------------------------------------------


def test_inviting_colleagues_completes_only_when_the_partners_own_people_invite(tenant, tenant_admin):
    make_plan(tenant, [{"title": "Invite colleagues", "kind": OnboardingStepKind.INVITE_COLLEAGUES}])
    partner = PartnerOrganizationFactory(tenant=tenant, status=PartnerStatus.ONBOARDING)
    onboarding = start(tenant, partner)
    # Staff invite the partner's first admin (as approval does): not the partner inviting colleagues.
    with tenant_context(tenant):
        invitation_create(
            actor=tenant_admin,
            email="first.admin@northwind.example",
            role=Role.PARTNER_ADMIN,
            partner_organization=partner,
        )
    relay(tenant)
    assert steps_of(tenant, onboarding)["Invite colleagues"].completed_at is None
    first_admin = PartnerUserFactory(tenant=tenant, partner_organization=partner)
    with tenant_context(tenant):
        invitation_create(
            actor=first_admin, email="sales@northwind.example", role=Role.PARTNER_SALES, partner_organization=partner
        )
    relay(tenant)
    step = steps_of(tenant, onboarding)["Invite colleagues"]
    assert step.completed_at is not None and step.completed_by_id == first_admin.user_id
    assert fresh(tenant, partner).status == PartnerStatus.ACTIVE


# Manual steps ----------------------------------------------------------------------------------------------------


def test_a_channel_manager_ticks_off_a_manual_step(tenant, onboarding_partner, partner_admin):
    make_plan(
        tenant,
        [
            {"title": "Kick-off call", "kind": OnboardingStepKind.MANUAL},
            {"title": "Agreement", "kind": OnboardingStepKind.ACCEPT_AGREEMENT},
        ],
    )
    manager = StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER)
    onboarding = start(tenant, onboarding_partner)
    steps = steps_of(tenant, onboarding)
    with tenant_context(tenant):
        with pytest.raises(PermissionDenied):
            onboarding_services.onboarding_step_complete_manually(actor=partner_admin, step=steps["Kick-off call"])
        with pytest.raises(InvalidTransition, match="completes itself when agreement.accepted happens"):
            onboarding_services.onboarding_step_complete_manually(actor=manager, step=steps["Agreement"])
        onboarding_services.onboarding_step_complete_manually(actor=manager, step=steps["Kick-off call"])
        with pytest.raises(InvalidTransition, match="done already"):
            onboarding_services.onboarding_step_complete_manually(actor=manager, step=steps["Kick-off call"])
    step = steps_of(tenant, onboarding)["Kick-off call"]
    assert step.completed_by_id == manager.user_id and step.completed_by_event_id is None
    [event] = events_of(tenant, "onboarding.step_completed")
    assert event.actor_user_id == manager.user_id


# The company profile ---------------------------------------------------------------------------------------------

COMPLETE_PROFILE = {
    "legal_name": "Northwind Secure GmbH",
    "website": "https://northwind.example",
    "email_domains": ["northwind.example"],
    "country": "DE",
    "regions": ["EMEA"],
    "industries": ["Banking"],
    "company_size": "51-200",
}


def test_profile_completed_is_recorded_once_the_first_time_the_profile_is_complete(
    tenant, onboarding_partner, partner_admin
):
    with tenant_context(tenant):
        profile.partner_profile_update(actor=partner_admin, partner=onboarding_partner, legal_name="Northwind GmbH")
        assert not Event.objects.filter(type="partner.profile_completed").exists()
        profile.partner_profile_update(actor=partner_admin, partner=onboarding_partner, **COMPLETE_PROFILE)
        profile.partner_profile_update(actor=partner_admin, partner=onboarding_partner, website="https://nw.example")
        [event] = Event.objects.filter(type="partner.profile_completed")
    assert event.subject_id == str(onboarding_partner.pk) and event.actor_user_id == partner_admin.user_id


def test_completing_the_profile_completes_the_profile_step(tenant, onboarding_partner, partner_admin):
    make_plan(tenant, [{"title": "Profile", "kind": OnboardingStepKind.COMPLETE_PROFILE}])
    onboarding = start(tenant, onboarding_partner)
    with tenant_context(tenant):
        profile.partner_profile_update(actor=partner_admin, partner=onboarding_partner, **COMPLETE_PROFILE)
    relay(tenant)
    assert steps_of(tenant, onboarding)["Profile"].completed_at is not None
    assert fresh(tenant, onboarding_partner).status == PartnerStatus.ACTIVE


def test_a_profile_complete_already_when_the_plan_starts_is_done_at_once(tenant):
    make_plan(
        tenant,
        [
            {"title": "Profile", "kind": OnboardingStepKind.COMPLETE_PROFILE},
            {"title": "Agreement", "kind": OnboardingStepKind.ACCEPT_AGREEMENT},
        ],
    )
    partner = PartnerOrganizationFactory(tenant=tenant, status=PartnerStatus.ONBOARDING, **COMPLETE_PROFILE)
    onboarding = start(tenant, partner)
    steps = steps_of(tenant, onboarding)
    assert steps["Profile"].completed_at == onboarding.started_at and steps["Agreement"].completed_at is None


def test_due_times_follow_the_start(tenant, onboarding_partner, plan):
    before = timezone.now()
    onboarding = start(tenant, onboarding_partner)
    step = steps_of(tenant, onboarding)["Accept the agreement"]
    assert before + timedelta(days=7) <= step.due_at <= timezone.now() + timedelta(days=7)
