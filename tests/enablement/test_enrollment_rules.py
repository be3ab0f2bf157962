"""Enrollment rules: a person who joins a partner is enrolled by the rules that match them; a rule applied to the
people already in the program enrolls them in batches, showing its progress, and never twice
(enablement.services.enrollments, enablement.subscribers, enablement.tasks)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from enablement.models import EnrollmentRule, EnrollmentSource
from enablement.services.enrollments import (
    enrollment_rule_apply_batch,
    enrollment_rule_backfill_start,
    enrollment_self_enroll,
)
from partners.models import PartnerType
from prm import services as prm_services
from prm.errors import InvalidTransition, PermissionDenied
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.enablement.learning_support import course, enrollments_of, events_of, make_program, notifications_of
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory, UserFactory
from tests.partners.onboarding_support import relay

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return make_program()


@pytest.fixture
def integrator(program):
    return PartnerOrganizationFactory(
        tenant=program.tenant, name="Systems Integrated", partner_type=PartnerType.SYSTEM_INTEGRATOR
    )


def si_sales_rule(program, **fields) -> EnrollmentRule:
    """'Every new system integrator's sales people take Platform fundamentals within 30 days', as authors write it."""
    with tenant_context(program.tenant):
        return EnrollmentRule.objects.create(
            course=program.everyone,
            partner_types=[PartnerType.SYSTEM_INTEGRATOR],
            roles=[Role.PARTNER_SALES],
            due_days=30,
            **fields,
        )


def join(program, organization, role, email):
    """Someone invited to `organization` accepts, and the events are relayed (as the worker would)."""
    admin = StaffFactory(tenant=program.tenant)
    user = UserFactory(email=email)
    with tenant_context(program.tenant):
        invitation, _token = prm_services.invitation_create(
            actor=admin, email=email, role=role, partner_organization=organization
        )
        prm_services.invitation_accept(invitation=invitation, user=user)
    relay(program.tenant)
    return user


def test_a_new_sales_person_of_a_system_integrator_is_enrolled_by_the_rule_with_its_due_date(program, integrator):
    rule = si_sales_rule(program)
    user = join(program, integrator, Role.PARTNER_SALES, "new.seller@integrated.example")
    [enrollment] = enrollments_of(program.tenant, user)
    assert enrollment.course_id == program.everyone.pk and enrollment.source == EnrollmentSource.RULE
    assert enrollment.rule_id == rule.pk
    assert enrollment.due_on == timezone.localdate() + timedelta(days=30)
    assert [e.payload["source"] for e in events_of(program.tenant, "enrollment.created")] == ["rule"]
    [notification] = notifications_of(program.tenant, user, "enrollment.assigned")
    assert "Platform fundamentals" in notification.title


def test_people_the_rule_does_not_match_are_not_enrolled(program, integrator):
    si_sales_rule(program)
    admin = join(program, integrator, Role.PARTNER_ADMIN, "boss@integrated.example")
    reseller_seller = join(program, program.reseller, Role.PARTNER_SALES, "seller@resellers.example")
    assert enrollments_of(program.tenant, admin) == []
    assert enrollments_of(program.tenant, reseller_seller) == []


def test_a_paused_rule_enrolls_nobody(program, integrator):
    si_sales_rule(program, active=False)
    user = join(program, integrator, Role.PARTNER_SALES, "paused@integrated.example")
    assert enrollments_of(program.tenant, user) == []


def test_a_rule_never_enrolls_someone_the_course_is_not_for(program, integrator):
    with tenant_context(program.tenant):
        EnrollmentRule.objects.create(course=program.isv_only, partner_types=[], roles=[])
    user = join(program, integrator, Role.PARTNER_SALES, "not-isv@integrated.example")
    assert enrollments_of(program.tenant, user) == []


def test_relaying_the_join_twice_enrolls_once(program, integrator):
    si_sales_rule(program)
    user = join(program, integrator, Role.PARTNER_SALES, "twice@integrated.example")
    from enablement.subscribers import enroll_new_member_by_rules

    [event] = events_of(program.tenant, "invitation.accepted")
    with tenant_context(program.tenant):
        enroll_new_member_by_rules(event)
    assert len(enrollments_of(program.tenant, user)) == 1


def sellers(program, organization, count):
    return [
        PartnerUserFactory(tenant=program.tenant, partner_organization=organization, role=Role.PARTNER_SALES)
        for _ in range(count)
    ]


def test_a_rule_applied_to_people_already_in_the_program_runs_in_batches_showing_its_progress(program, integrator):
    people = sellers(program, integrator, 5)
    with tenant_context(program.tenant):
        # One of them had enrolled by themselves: they keep that enrollment.
        mine = enrollment_self_enroll(actor=people[0], course=program.everyone)
    rule = si_sales_rule(program)
    with tenant_context(program.tenant):
        assert enrollment_rule_apply_batch(rule_id=rule.pk, batch_size=2) is True
        rule.refresh_from_db()
        assert (rule.backfill_total, rule.backfill_done, rule.backfill_enrolled) == (5, 3, 2)
        assert rule.backfill_percent() == 60 and rule.backfill_finished_at is None
        assert enrollment_rule_apply_batch(rule_id=rule.pk, batch_size=2) is False
        rule.refresh_from_db()
        assert (rule.backfill_total, rule.backfill_done, rule.backfill_enrolled) == (5, 5, 4)
        assert rule.backfill_finished_at is not None and rule.backfill_percent() == 100
        # Run again (a redelivered message): nobody is enrolled twice.
        assert enrollment_rule_apply_batch(rule_id=rule.pk, batch_size=2) is False
    for person in people:
        assert len(enrollments_of(program.tenant, person.user)) == 1
    assert enrollments_of(program.tenant, people[0].user)[0].pk == mine.pk
    by_rule = [e for e in events_of(program.tenant, "enrollment.created") if e.payload["source"] == "rule"]
    assert len(by_rule) == 4
    assert all(len(notifications_of(program.tenant, p.user, "enrollment.assigned")) == 1 for p in people[1:])


def test_starting_the_backfill_runs_the_task_to_the_end(program, integrator, django_capture_on_commit_callbacks):
    people = sellers(program, integrator, 3)
    rule = si_sales_rule(program)
    with django_capture_on_commit_callbacks(execute=True), tenant_context(program.tenant):
        enrollment_rule_backfill_start(actor=program.staff, rule=rule)
    with tenant_context(program.tenant):
        rule.refresh_from_db()
    assert rule.backfill_finished_at is not None and rule.backfill_enrolled == 3
    assert all(len(enrollments_of(program.tenant, p.user)) == 1 for p in people)


def test_only_authors_start_a_backfill_and_not_of_a_paused_rule(program):
    rule = si_sales_rule(program)
    with tenant_context(program.tenant), pytest.raises(PermissionDenied):
        enrollment_rule_backfill_start(actor=program.reseller_admin, rule=rule)
    paused = si_sales_rule(program, active=False)
    with tenant_context(program.tenant), pytest.raises(InvalidTransition):
        enrollment_rule_backfill_start(actor=program.staff, rule=paused)


def test_a_backfill_of_a_rule_paused_meanwhile_stops(program, integrator):
    sellers(program, integrator, 2)
    rule = si_sales_rule(program)
    with tenant_context(program.tenant):
        EnrollmentRule.objects.filter(pk=rule.pk).update(active=False)
        assert enrollment_rule_apply_batch(rule_id=rule.pk) is False
        rule.refresh_from_db()
    assert rule.backfill_finished_at is not None and rule.backfill_enrolled == 0


def test_a_rule_of_an_unpublished_course_enrolls_nobody(program, integrator):
    sellers(program, integrator, 1)
    draft = course(program.tenant, title="Draft", published=False)
    with tenant_context(program.tenant):
        rule = EnrollmentRule.objects.create(course=draft)
        assert enrollment_rule_apply_batch(rule_id=rule.pk) is False
        assert not draft.enrollments.exists()
