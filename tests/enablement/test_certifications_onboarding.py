"""End to end: a learner completes the course through the progress service, the relay awards the certification, and
the partner's onboarding step "earn a certification" (with the certification's id as its condition) is done."""

from decimal import Decimal

import pytest

from enablement.models import LessonKind
from enablement.services.progress import lesson_result_record
from partners.models import OnboardingStepKind
from prm.tenancy import tenant_context
from tests.enablement.certifications_support import awards_of, program
from tests.enablement.factories import CertificationFactory, EnrollmentFactory, LessonFactory, QuizFactory
from tests.partners.onboarding_support import events_of, make_plan, relay, start, steps_of

pytestmark = pytest.mark.django_db


def test_completing_the_course_earns_the_certification_and_completes_the_onboarding_step():
    p = program(courses=1)
    course = p.courses[0]
    text = LessonFactory(tenant=p.tenant, course=course, title="Positioning the firewall")
    quiz = LessonFactory(tenant=p.tenant, course=course, kind=LessonKind.QUIZ, quiz=QuizFactory(tenant=p.tenant))
    other = CertificationFactory(tenant=p.tenant, courses=[], name="Some other certification")
    make_plan(
        p.tenant,
        [
            {
                "title": "Earn Certified Seller",
                "kind": OnboardingStepKind.EARN_CERTIFICATION,
                "condition": {"certification_id": p.certification.pk},
            },
            {
                "title": "Earn the other one",
                "kind": OnboardingStepKind.EARN_CERTIFICATION,
                "condition": {"certification_id": other.pk},
            },
        ],
    )
    onboarding = start(p.tenant, p.partner)
    enrollment = EnrollmentFactory(tenant=p.tenant, course=course, membership=p.learner)
    with tenant_context(p.tenant):
        lesson_result_record(enrollment=enrollment, lesson=text, completed=True)
        lesson_result_record(enrollment=enrollment, lesson=quiz, completed=True, passed=True, score=Decimal("95"))
    relay(p.tenant)

    [award] = awards_of(p)
    assert award.certification == p.certification and award.partner_organization_id == p.partner.pk
    [event] = events_of(p.tenant, "certification.awarded")
    assert event.payload["certification_id"] == p.certification.pk
    steps = steps_of(p.tenant, onboarding)
    assert steps["Earn Certified Seller"].completed_at is not None
    assert steps["Earn the other one"].completed_at is None
    # Relaying again (a crashed relay repeated) awards nothing more.
    relay(p.tenant)
    assert len(awards_of(p)) == 1
