"""Starting a plan counts what the partner did before it: a step whose event happened already (for this partner,
matching the step's condition) is done at the start, dated when it happened."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners.models import OnboardingStatus, OnboardingStepKind, PartnerStatus
from partners.selectors.onboarding import progress_of
from prm.events import record_event
from prm.roles import Role
from prm.services import invitation_create
from prm.tenancy import tenant_context
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory
from tests.partners.onboarding_support import events_of, fresh, make_plan, relay, start, steps_of

pytestmark = pytest.mark.django_db

REQUIRED_THREE = [
    {"title": "Accept the agreement", "kind": OnboardingStepKind.ACCEPT_AGREEMENT},
    {"title": "Complete the profile", "kind": OnboardingStepKind.COMPLETE_PROFILE},
    {"title": "Invite colleagues", "kind": OnboardingStepKind.INVITE_COLLEAGUES},
    {
        "title": "Course 12",
        "kind": OnboardingStepKind.COMPLETE_COURSE,
        "condition": {"course_id": 12},
        "required": False,
    },
    {"title": "Register a first deal", "kind": OnboardingStepKind.REGISTER_DEAL, "required": False},
]


@pytest.fixture
def partner(tenant, partner_org):
    with tenant_context(tenant):
        partner_org.status = PartnerStatus.ONBOARDING
        partner_org.save(update_fields=["status"])
    return partner_org


@pytest.fixture
def plan(tenant):
    return make_plan(tenant, REQUIRED_THREE, name="Partner onboarding")


def record(tenant, event_type, *, subject, payload, actor=None):
    with tenant_context(tenant):
        return record_event(event_type, subject=subject, payload=payload, actor=actor)


def deals_submitted(tenant, partner, count, *, actor=None):
    """`deal.submitted` as deal registration records it: the registration is the subject, the payload names the
    partner."""
    return [
        record(
            tenant,
            "deal.submitted",
            subject=tenant,
            payload={"registration_id": 1000 + n, "partner_organization_id": partner.pk, "status": "submitted"},
            actor=actor,
        )
        for n in range(count)
    ]


def agreement_accepted(tenant, partner, *, actor=None):
    return record(
        tenant,
        "agreement.accepted",
        subject=tenant,
        payload={"partner_organization_id": partner.pk, "agreement_id": 1, "version_id": 1},
        actor=actor,
    )


def test_a_plan_started_after_the_partner_did_the_steps_counts_them_done(tenant, partner, partner_admin, plan):
    accepted = agreement_accepted(tenant, partner, actor=partner_admin)
    with tenant_context(tenant):
        invitation_create(
            actor=partner_admin, email="sam@northwind.example", role=Role.PARTNER_SALES, partner_organization=partner
        )
    (invited,) = events_of(tenant, "invitation.created")
    deals = deals_submitted(tenant, partner, 7, actor=partner_admin)
    relay(tenant)  # relayed while no plan ran: nothing to complete then

    onboarding = start(tenant, partner, plan)

    steps = steps_of(tenant, onboarding)
    with tenant_context(tenant):
        progress = progress_of(list(onboarding.steps.all()))
    assert progress["required_done"] == 2 and progress["required"] == 3
    assert steps["Complete the profile"].completed_at is None and steps["Course 12"].completed_at is None
    for title, event in (("Accept the agreement", accepted), ("Invite colleagues", invited)):
        assert steps[title].completed_by_event_id == event.pk
        assert steps[title].completed_at == event.occurred_at
        assert steps[title].completed_by_id == partner_admin.user_id
    # The first of the seven deals is when the step was done.
    assert steps["Register a first deal"].completed_by_event_id == deals[0].pk
    assert steps["Register a first deal"].completed_at == deals[0].occurred_at < onboarding.started_at
    completed = {e.payload["title"]: e for e in events_of(tenant, "onboarding.step_completed")}
    assert set(completed) == {"Accept the agreement", "Invite colleagues", "Register a first deal"}
    assert completed["Register a first deal"].payload["completed_by_event_id"] == deals[0].pk
    assert fresh(tenant, onboarding).status == OnboardingStatus.IN_PROGRESS


def test_steps_done_before_the_start_are_not_completed_again_when_their_events_are_relayed(
    tenant, partner, partner_admin, plan
):
    agreement_accepted(tenant, partner, actor=partner_admin)  # not relayed yet when the plan starts
    onboarding = start(tenant, partner, plan)
    relay(tenant)
    assert len([e for e in events_of(tenant, "onboarding.step_completed")]) == 1
    assert steps_of(tenant, onboarding)["Accept the agreement"].completed_at is not None
    assert fresh(tenant, onboarding).status == OnboardingStatus.IN_PROGRESS


def test_what_did_not_happen_for_this_partner_or_does_not_match_completes_nothing(tenant, partner, partner_admin, plan):
    other = PartnerOrganizationFactory(tenant=tenant, name="Contoso Networks", status=PartnerStatus.ONBOARDING)
    agreement_accepted(tenant, other)
    deals_submitted(tenant, other, 3)
    # Staff inviting the partner's people is not the partner inviting colleagues.
    with tenant_context(tenant):
        invitation_create(
            actor=StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER),
            email="pat@northwind.example",
            role=Role.PARTNER_ADMIN,
            partner_organization=partner,
        )
    # Another course, and course 12 named as a string (JSON equality: "12" is not 12).
    for course_id in (13, "12"):
        record(
            tenant,
            "course.completed",
            subject=tenant,
            payload={"partner_organization_id": partner.pk, "course_id": course_id},
        )
    # An event of a type no step waits for.
    record(tenant, "partner.updated", subject=partner, payload={"id": partner.pk})

    onboarding = start(tenant, partner, plan)

    assert [s.title for s in steps_of(tenant, onboarding).values() if s.completed_at] == []
    assert events_of(tenant, "onboarding.step_completed") == []


def test_the_partner_named_as_subject_or_as_a_string_of_digits_counts(tenant, partner, plan):
    course = record(tenant, "course.completed", subject=partner, payload={"course_id": 12, "lesson_count": 4})
    deal = record(tenant, "deal.submitted", subject=tenant, payload={"partner_organization_id": str(partner.pk)})
    onboarding = start(tenant, partner, plan)
    steps = steps_of(tenant, onboarding)
    assert steps["Course 12"].completed_by_event_id == course.pk
    assert steps["Register a first deal"].completed_by_event_id == deal.pk


def test_a_partner_that_did_every_required_step_already_becomes_active_when_the_plan_starts(
    tenant, partner, partner_admin, plan
):
    agreement_accepted(tenant, partner, actor=partner_admin)
    record(
        tenant,
        "partner.profile_completed",
        subject=partner,
        payload={"id": partner.pk, "partner_organization_id": partner.pk, "fields": []},
        actor=partner_admin,
    )
    with tenant_context(tenant):
        invitation_create(
            actor=partner_admin,
            email="sam@northwind.example",
            role=Role.PARTNER_MARKETING,
            partner_organization=partner,
        )

    onboarding = start(tenant, partner, plan)

    onboarding = fresh(tenant, onboarding)
    assert onboarding.status == OnboardingStatus.COMPLETED
    assert fresh(tenant, partner).status == PartnerStatus.ACTIVE


def test_starting_costs_the_same_queries_whatever_the_partners_history(tenant, partner, partner_admin, plan):
    other = PartnerOrganizationFactory(tenant=tenant, name="Contoso Networks", status=PartnerStatus.ONBOARDING)
    deals_submitted(tenant, partner, 2, actor=partner_admin)
    deals_submitted(tenant, other, 2, actor=PartnerUserFactory(tenant=tenant, partner_organization=other))

    def queries_to_start(who):
        with tenant_context(tenant), CaptureQueriesContext(connection) as queries:
            start(tenant, who, plan)
        return len(queries)

    few = queries_to_start(other)
    deals_submitted(tenant, partner, 40, actor=partner_admin)
    assert queries_to_start(partner) == few
