"""The whole LMS in one journey, in real Chromium: a partner user takes a course of a text lesson, a SCORM package
and a quiz (fails it once, waits out the cool-down, passes), earns the certification the course leads to, downloads
its PDF, opens the verification link signed out — and the onboarding step that asked for the certification is done.
Also on a phone."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from enablement.models import CertificationCourse, EnrollmentStatus, Lesson, LessonKind, QuestionKind
from partners.models import OnboardingStepKind
from prm.tenancy import tenant_context
from tests.e2e.helpers import PHONE
from tests.enablement.factories import CertificationFactory, EnrollmentFactory, LessonFactory, QuizFactory, add_question
from tests.enablement.scorm_factories import scorm12_files, scorm_lesson, use_private_storage
from tests.partners.onboarding_support import make_plan, start, steps_of

pytestmark = pytest.mark.e2e


@pytest.fixture
def journey(tenant, partner_org, partner_admin, settings, tmp_path):
    use_private_storage(settings, tmp_path)
    # The SCORM lesson is imported the real way into a course; the text lesson and the quiz join the same module.
    scorm = scorm_lesson(tenant, scorm12_files(), title="Firewall essentials")
    course = scorm.module.version.course
    with tenant_context(tenant):
        Lesson.objects.filter(pk=scorm.pk).update(position=2)
    LessonFactory(tenant=tenant, module=scorm.module, title="Why partners win", position=1)
    quiz = QuizFactory(tenant=tenant, title="Firewall check", passing_score=100, cooldown_minutes=30, attempt_limit=3)
    add_question(
        quiz,
        "Which of these are partner types?",
        (("Reseller", True), ("Distributor", True), ("Banana", False)),
        kind=QuestionKind.MULTIPLE,
    )
    quiz_lesson = LessonFactory(
        tenant=tenant, module=scorm.module, kind=LessonKind.QUIZ, quiz=quiz, title="Check your knowledge", position=3
    )
    certification = CertificationFactory(tenant=tenant, name="Certified Firewall Seller")
    with tenant_context(tenant):
        CertificationCourse.objects.create(certification=certification, course=course)
    make_plan(
        tenant,
        [
            {
                "title": "Become a certified seller",
                "kind": OnboardingStepKind.EARN_CERTIFICATION,
                "condition": {"certification_id": certification.pk},
            }
        ],
    )
    onboarding = start(tenant, partner_org)
    enrollment = EnrollmentFactory(tenant=tenant, course=course, membership=partner_admin)
    return {"enrollment": enrollment, "onboarding": onboarding, "scorm": scorm, "quiz": quiz_lesson}


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def take_the_journey(page, sign_in, tenant, partner_admin, journey, *, phone=False):
    enrollment = journey["enrollment"]
    sign_in(page.context, partner_admin.user)
    page.goto(f"/t/{tenant.slug}/learning/enrollments/{enrollment.pk}/")
    page.get_by_test_id("resume").click()

    # 1. The text lesson.
    expect(page.locator("#lesson-title")).to_have_text("Why partners win")
    if phone:
        assert no_sideways_scroll(page), "the lesson fits the phone"
    page.get_by_role("button", name="Mark as done").click()

    # 2. The SCORM package, played through the runtime and committed to the server.
    page.goto(f"/t/{tenant.slug}/learning/enrollments/{enrollment.pk}/lessons/{journey['scorm'].pk}/scorm/")
    package = page.frame_locator("#scorm-frame")
    expect(package.locator("#state")).to_have_text("started")
    package.get_by_role("button", name="Finish the lesson").click()
    expect(page.get_by_test_id("scorm-lesson-status")).to_have_text("This lesson is completed.")

    # 3. The quiz: failed once (one wrong choice), the cool-down, then passed.
    page.goto(f"/t/{tenant.slug}/learning/{enrollment.pk}/lessons/{journey['quiz'].pk}/quiz/")
    page.get_by_test_id("quiz-start").click()
    for choice in ("Reseller", "Distributor", "Banana"):
        page.get_by_label(choice).check()
    expect(page.locator("#quiz-saved")).to_contain_text("Answers saved at")
    page.get_by_test_id("quiz-submit").click()
    expect(page.get_by_test_id("quiz-result")).to_contain_text("Not passed")
    expect(page.get_by_test_id("quiz-cooldown")).to_contain_text(re.compile(r"Your next attempt is possible from"))
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        page.reload()
        page.get_by_test_id("quiz-start").click()
        for choice in ("Reseller", "Distributor"):
            page.get_by_label(choice).check()
        expect(page.locator("#quiz-saved")).to_contain_text("Answers saved at")
        page.get_by_test_id("quiz-submit").click()
        # Passing completes the course, which awards the certification (its event relayed before the page answers).
        expect(page.get_by_test_id("quiz-result")).to_contain_text("Passed", timeout=15_000)
    with tenant_context(tenant):
        enrollment.refresh_from_db()
        assert enrollment.status == EnrollmentStatus.COMPLETED

    # 4. The certification: the PDF, and its verification page for anyone, signed out.
    page.goto(f"/t/{tenant.slug}/portal/certifications/")
    card = page.locator(".card", has=page.get_by_role("heading", name="Certified Firewall Seller"))
    expect(card.get_by_test_id("award-state")).to_have_text("Valid")
    if phone:
        assert no_sideways_scroll(page), "My certifications fits the phone"
    with page.expect_download() as pdf:
        card.get_by_test_id("download-pdf").click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    verify_url = card.get_by_test_id("verify-link").get_attribute("href")
    page.context.clear_cookies()
    page.goto(verify_url)
    expect(page.get_by_text("This certificate is genuine and valid.")).to_be_visible()

    # 5. The onboarding step that waited for this certification is done.
    assert steps_of(tenant, journey["onboarding"])["Become a certified seller"].completed_at is not None


def test_a_partner_user_takes_a_course_earns_the_certification_and_completes_onboarding(
    page, sign_in, tenant, partner_admin, journey
):
    take_the_journey(page, sign_in, tenant, partner_admin, journey)


@pytest.mark.browser_context_args(viewport=PHONE, is_mobile=True, has_touch=True)
def test_the_same_journey_on_a_phone(page, sign_in, tenant, partner_admin, journey):
    take_the_journey(page, sign_in, tenant, partner_admin, journey, phone=True)
