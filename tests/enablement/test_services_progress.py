"""A learner's lesson results and the course's completion (enablement.services.progress)."""

from decimal import Decimal

import pytest

from enablement.models import EnrollmentStatus, LessonKind, LessonProgressStatus
from enablement.services.progress import course_grade, lesson_result_record, lesson_start
from partners.models import OnboardingStepKind
from prm.errors import ValidationFailed
from prm.tenancy import tenant_context
from tests.enablement.factories import CourseFactory, EnrollmentFactory, LessonFactory, QuizFactory
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, TenantFactory
from tests.partners.onboarding_support import events_of, fresh, make_plan, relay, start, steps_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    tenant = TenantFactory(slug="learnco")
    partner = PartnerOrganizationFactory(tenant=tenant)
    learner = PartnerUserFactory(tenant=tenant, partner_organization=partner)
    course = CourseFactory(tenant=tenant)
    text = LessonFactory(tenant=tenant, course=course, title="Why partners win")
    quiz = LessonFactory(tenant=tenant, course=course, kind=LessonKind.QUIZ, quiz=QuizFactory(tenant=tenant))
    optional = LessonFactory(tenant=tenant, course=course, required=False, title="Further reading")
    enrollment = EnrollmentFactory(tenant=tenant, course=course, membership=learner)
    return {"tenant": tenant, "partner": partner, "course": course, "enrollment": enrollment} | {
        "text": text,
        "quiz": quiz,
        "optional": optional,
    }


def record(world, lesson, **kwargs):
    with tenant_context(world["tenant"]):
        return lesson_result_record(enrollment=world["enrollment"], lesson=world[lesson], **kwargs)


def test_opening_a_lesson_puts_the_enrollment_in_progress_and_remembers_where_to_resume(world):
    with tenant_context(world["tenant"]):
        lesson_start(enrollment=world["enrollment"], lesson=world["text"])
    enrollment = fresh(world["tenant"], world["enrollment"])
    assert enrollment.status == EnrollmentStatus.IN_PROGRESS and enrollment.started_at
    assert enrollment.last_lesson_id == world["text"].pk


def test_the_course_completes_when_every_required_lesson_is_done_and_records_course_completed_once(world):
    record(world, "text", completed=True)
    assert fresh(world["tenant"], world["enrollment"]).status == EnrollmentStatus.IN_PROGRESS
    record(world, "quiz", completed=True, passed=True, score=Decimal("90"))
    enrollment = fresh(world["tenant"], world["enrollment"])
    assert enrollment.status == EnrollmentStatus.COMPLETED and enrollment.score == Decimal("90.00")
    # The optional lesson was never opened; doing it later records no second completion.
    record(world, "optional", completed=True)
    [event] = events_of(world["tenant"], "course.completed")
    assert event.payload["course_id"] == world["course"].pk
    assert event.payload["partner_organization_id"] == world["partner"].pk


def test_a_failed_quiz_keeps_the_course_open_and_a_later_pass_completes_it(world):
    record(world, "text", completed=True)
    progress = record(world, "quiz", completed=True, passed=False, score=Decimal("40"))
    assert progress.status == LessonProgressStatus.FAILED
    assert fresh(world["tenant"], world["enrollment"]).status == EnrollmentStatus.IN_PROGRESS
    progress = record(world, "quiz", completed=True, passed=True, score=Decimal("85"))
    assert progress.status == LessonProgressStatus.COMPLETED and progress.score == Decimal("85")
    # A worse attempt afterwards takes nothing away.
    progress = record(world, "quiz", completed=True, passed=False, score=Decimal("10"))
    assert progress.status == LessonProgressStatus.COMPLETED and progress.score == Decimal("85")


def test_the_course_passing_grade_weighs_the_graded_lessons(world):
    with tenant_context(world["tenant"]):
        version = world["course"].current_version
        version.passing_grade = 90
        version.save()
    record(world, "text", completed=True)
    record(world, "quiz", completed=True, passed=True, score=Decimal("85"))
    with tenant_context(world["tenant"]):
        grade = course_grade(fresh(world["tenant"], world["enrollment"]))
    assert grade.required_done and grade.score == Decimal("85.00") and not grade.passed
    assert fresh(world["tenant"], world["enrollment"]).status == EnrollmentStatus.IN_PROGRESS


def test_a_lesson_of_another_course_version_is_refused_and_nothing_is_recorded(world):
    other_course = CourseFactory(tenant=world["tenant"])
    stranger = LessonFactory(tenant=world["tenant"], course=other_course)
    with tenant_context(world["tenant"]), pytest.raises(ValidationFailed) as refused:
        lesson_result_record(enrollment=world["enrollment"], lesson=stranger, completed=True)
    assert refused.value.field == "lesson"
    with tenant_context(world["tenant"]):
        assert not world["enrollment"].lesson_progress.exists()


def test_a_score_outside_0_to_100_is_refused(world):
    with pytest.raises(ValidationFailed) as refused:
        record(world, "quiz", completed=True, passed=True, score=Decimal("101"))
    assert refused.value.field == "score"


def test_completing_the_course_completes_the_onboarding_step_that_waits_for_it(world):
    tenant, course = world["tenant"], world["course"]
    make_plan(
        tenant,
        [
            {
                "title": "Complete the sales course",
                "kind": OnboardingStepKind.COMPLETE_COURSE,
                "condition": {"course_id": course.pk},
            },
            {"title": "Another course", "kind": OnboardingStepKind.COMPLETE_COURSE, "condition": {"course_id": 0}},
        ],
    )
    onboarding = start(tenant, world["partner"])
    record(world, "text", completed=True)
    record(world, "quiz", completed=True, passed=True, score=Decimal("100"))
    relay(tenant)
    steps = steps_of(tenant, onboarding)
    assert steps["Complete the sales course"].completed_at is not None
    assert steps["Another course"].completed_at is None
