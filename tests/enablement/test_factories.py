"""The shared enablement factories build what the other tests rely on."""

import pytest

from enablement.models import CourseVersionStatus, LessonKind
from prm.tenancy import tenant_context
from tests.enablement.factories import (
    CertificationFactory,
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    QuizFactory,
    add_question,
)
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, TenantFactory

pytestmark = pytest.mark.django_db


def test_a_course_is_published_with_a_module_and_lessons_of_each_kind():
    tenant = TenantFactory()
    course = CourseFactory(tenant=tenant)
    quiz = QuizFactory(tenant=tenant)
    add_question(quiz, "2 + 2?", (("4", True), ("5", False)))
    LessonFactory(tenant=tenant, course=course)
    LessonFactory(tenant=tenant, course=course, kind=LessonKind.QUIZ, quiz=quiz)
    with tenant_context(tenant):
        version = course.current_version
        assert version.status == CourseVersionStatus.PUBLISHED
        lessons = list(version.modules.get().lessons.order_by("position"))
        assert [lesson.kind for lesson in lessons] == [LessonKind.TEXT, LessonKind.QUIZ]
        assert quiz.questions.get().current_version.choices.filter(is_correct=True).count() == 1


def test_an_enrollment_and_a_certification_belong_to_the_partner():
    tenant = TenantFactory()
    partner = PartnerOrganizationFactory(tenant=tenant)
    learner = PartnerUserFactory(tenant=tenant, partner_organization=partner)
    course = CourseFactory(tenant=tenant)
    enrollment = EnrollmentFactory(tenant=tenant, course=course, membership=learner)
    certification = CertificationFactory(tenant=tenant, courses=[course])
    with tenant_context(tenant):
        assert enrollment.partner_organization == partner and enrollment.course_version == course.current_version
        assert list(certification.required_courses.values_list("course", flat=True)) == [course.id]
