"""Enrolling: oneself, by staff or a partner admin with a due date, taking a completed course again
(enablement.services.enrollments, enablement.services.paths)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from enablement.models import EnrollmentSource, EnrollmentStatus, LearningPath, LearningPathCourse
from enablement.services.enrollments import (
    enrollment_assign,
    enrollment_retake,
    enrollment_self_enroll,
)
from enablement.services.paths import learning_path_start
from enablement.services.progress import lesson_result_record
from prm.errors import InvalidTransition, PermissionDenied, ValidationFailed
from prm.tenancy import tenant_context
from tests.concurrency import race
from tests.enablement.learning_support import (
    course,
    enrollments_of,
    events_of,
    make_program,
    notifications_of,
)
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return make_program()


def test_enrolling_oneself_pins_the_current_version_and_records_enrollment_created(program):
    with tenant_context(program.tenant):
        enrollment = enrollment_self_enroll(actor=program.seller, course=program.everyone)
    assert enrollment.course_version_id == program.everyone.current_version_id
    assert enrollment.source == EnrollmentSource.SELF and enrollment.cycle == 1
    assert enrollment.partner_organization_id == program.reseller.pk
    [event] = events_of(program.tenant, "enrollment.created")
    assert event.payload == {
        "partner_organization_id": program.reseller.pk,
        "user_id": program.seller.user_id,
        "enrollment_id": enrollment.pk,
        "course_id": program.everyone.pk,
        "source": "self",
        "due_on": None,
    }
    # Nobody else did it: no notification to tell the learner about.
    assert notifications_of(program.tenant, program.seller.user, "enrollment.assigned") == []


def test_enrolling_twice_keeps_one_enrollment_and_one_event(program):
    with tenant_context(program.tenant):
        first = enrollment_self_enroll(actor=program.seller, course=program.everyone)
        again = enrollment_self_enroll(actor=program.seller, course=program.everyone)
    assert first.pk == again.pk
    assert len(enrollments_of(program.tenant, program.seller.user)) == 1
    assert len(events_of(program.tenant, "enrollment.created")) == 1


@pytest.mark.django_db(transaction=True)
def test_two_enrollments_at_once_make_one_and_neither_click_fails(program):
    def enroll():
        return enrollment_self_enroll(actor=program.seller, course=program.everyone).pk

    # The first holds its new row (uncommitted) while the second inserts the same cycle and waits on it.
    first, second = race(program.tenant, enroll, enroll)
    assert first == second
    assert len(enrollments_of(program.tenant, program.seller.user)) == 1
    assert len(events_of(program.tenant, "enrollment.created")) == 1


def test_a_reseller_cannot_enroll_in_an_isv_only_course(program):
    with tenant_context(program.tenant), pytest.raises(ValidationFailed) as refused:
        enrollment_self_enroll(actor=program.seller, course=program.isv_only)
    assert refused.value.field == "course"
    assert enrollments_of(program.tenant, program.seller.user) == []


def test_staff_assign_a_course_with_a_due_date_and_the_learner_is_told(program):
    due = timezone.localdate() + timedelta(days=14)
    with tenant_context(program.tenant):
        enrollment, created = enrollment_assign(
            actor=program.staff, course=program.everyone, learner=program.seller, due_on=due
        )
    assert created and enrollment.source == EnrollmentSource.ASSIGNED and enrollment.due_on == due
    assert enrollment.assigned_by_id == program.staff.user_id
    [notification] = notifications_of(program.tenant, program.seller.user, "enrollment.assigned")
    assert "Platform fundamentals" in notification.title
    assert notification.url == f"/t/learnco/learning/enrollments/{enrollment.pk}/"
    [event] = events_of(program.tenant, "enrollment.created")
    assert event.payload["source"] == "assigned" and event.payload["due_on"] == due.isoformat()


def test_assigning_a_course_already_taken_changes_only_its_due_date(program):
    later = timezone.localdate() + timedelta(days=30)
    with tenant_context(program.tenant):
        mine = enrollment_self_enroll(actor=program.seller, course=program.everyone)
        enrollment, created = enrollment_assign(
            actor=program.reseller_admin, course=program.everyone, learner=program.seller, due_on=later
        )
    assert not created and enrollment.pk == mine.pk and enrollment.due_on == later
    assert len(events_of(program.tenant, "enrollment.created")) == 1


def test_a_partner_admin_assigns_only_their_own_organizations_people(program):
    with tenant_context(program.tenant), pytest.raises(PermissionDenied):
        enrollment_assign(actor=program.isv_admin, course=program.everyone, learner=program.seller)
    assert enrollments_of(program.tenant, program.seller.user) == []


def test_a_partner_seller_cannot_assign_courses(program):
    with tenant_context(program.tenant), pytest.raises(PermissionDenied):
        enrollment_assign(actor=program.seller, course=program.everyone, learner=program.reseller_admin)


def test_a_due_date_in_the_past_is_refused_naming_the_field(program):
    with tenant_context(program.tenant), pytest.raises(ValidationFailed) as refused:
        enrollment_assign(
            actor=program.staff,
            course=program.everyone,
            learner=program.seller,
            due_on=timezone.localdate() - timedelta(days=1),
        )
    assert refused.value.field == "due_on"
    assert enrollments_of(program.tenant, program.seller.user) == []


def test_staff_cannot_assign_a_course_to_a_staff_member(program):
    with tenant_context(program.tenant), pytest.raises(ValidationFailed) as refused:
        enrollment_assign(actor=program.staff, course=program.everyone, learner=program.staff)
    assert refused.value.field == "user"


def test_an_unpublished_course_cannot_be_assigned(program):
    draft = course(program.tenant, title="Coming soon", published=False)
    with tenant_context(program.tenant), pytest.raises(ValidationFailed) as refused:
        enrollment_assign(actor=program.staff, course=draft, learner=program.seller)
    assert refused.value.field == "course"


def _complete(program, enrollment):
    with tenant_context(program.tenant):
        for lesson in program.lessons:
            lesson_result_record(enrollment=enrollment, lesson=lesson, completed=True)


def test_taking_a_completed_course_again_starts_the_next_cycle_on_the_current_version(program):
    with tenant_context(program.tenant):
        first = enrollment_self_enroll(actor=program.seller, course=program.everyone)
    _complete(program, first)
    with tenant_context(program.tenant):
        second = enrollment_retake(actor=program.seller, enrollment=first)
        # A second click while the new cycle is open returns it; nothing more is made.
        again = enrollment_retake(actor=program.seller, enrollment=first)
    assert second.cycle == 2 and second.status == EnrollmentStatus.ENROLLED and again.pk == second.pk
    assert [e.cycle for e in enrollments_of(program.tenant, program.seller.user)] == [1, 2]
    assert len(events_of(program.tenant, "enrollment.created")) == 2


def test_a_course_not_completed_cannot_be_taken_again(program):
    with tenant_context(program.tenant):
        first = enrollment_self_enroll(actor=program.seller, course=program.everyone)
        with pytest.raises(InvalidTransition):
            enrollment_retake(actor=program.seller, enrollment=first)


def test_only_the_learner_takes_their_course_again(program):
    with tenant_context(program.tenant):
        first = enrollment_self_enroll(actor=program.seller, course=program.everyone)
    _complete(program, first)
    with tenant_context(program.tenant), pytest.raises(PermissionDenied):
        enrollment_retake(actor=program.reseller_admin, enrollment=first)


def test_starting_a_learning_path_enrolls_in_its_courses_offered_to_me_once(program):
    second = course(program.tenant, title="Selling services")
    with tenant_context(program.tenant):
        path = LearningPath.objects.create(title="New seller", published=True)
        for position, step in enumerate([program.everyone, program.isv_only, second]):
            LearningPathCourse.objects.create(path=path, course=step, position=position)
        created = learning_path_start(actor=program.seller, path=path)
        assert learning_path_start(actor=program.seller, path=path) == []
    assert [e.course_id for e in created] == [program.everyone.pk, second.pk]
    assert {e.source for e in created} == {EnrollmentSource.PATH}


def test_a_learner_of_another_organization_in_another_tenant_is_unknown(program):
    other = make_program(slug="othertenant")
    with tenant_context(program.tenant), pytest.raises(PermissionDenied):
        enrollment_assign(actor=program.reseller_admin, course=program.everyone, learner=other.seller)


def test_a_new_partner_user_of_another_organization_is_not_assignable_by_my_admin(program):
    elsewhere = PartnerOrganizationFactory(tenant=program.tenant, name="Elsewhere")
    stranger = PartnerUserFactory(tenant=program.tenant, partner_organization=elsewhere)
    with tenant_context(program.tenant), pytest.raises(PermissionDenied):
        enrollment_assign(actor=program.reseller_admin, course=program.everyone, learner=stranger)
