"""A partner user takes a quiz in the browser: fails it, is told when the next attempt is possible, comes back once
the cool-down has passed (the server's clock moved on), passes, and the lesson shows completed."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from enablement.models import LessonKind, QuestionKind
from tests.enablement.factories import CourseFactory, EnrollmentFactory, LessonFactory, QuizFactory, add_question

pytestmark = pytest.mark.e2e


@pytest.fixture
def quiz_lesson(tenant, partner_admin):
    course = CourseFactory(tenant=tenant, title="Selling the Acme firewall")
    quiz = QuizFactory(tenant=tenant, title="Firewall basics", passing_score=100, cooldown_minutes=30, attempt_limit=3)
    add_question(
        quiz,
        "Which of these are partner types?",
        (("Reseller", True), ("Distributor", True), ("Banana", False)),
        kind=QuestionKind.MULTIPLE,
        explanation="Resellers and distributors both sell the product on.",
    )
    add_question(
        quiz,
        "Which tier is the highest?",
        (("Platinum", True), ("Silver", False)),
        explanation="Platinum sits above Gold and Silver.",
    )
    lesson = LessonFactory(tenant=tenant, course=course, kind=LessonKind.QUIZ, quiz=quiz, title="Check your knowledge")
    enrollment = EnrollmentFactory(tenant=tenant, course=course, membership=partner_admin)
    return f"/t/{tenant.slug}/learning/{enrollment.pk}/lessons/{lesson.pk}/quiz/"


def test_a_partner_fails_waits_out_the_cool_down_retries_and_passes(
    page, sign_in, partner_admin, quiz_lesson, screenshot
):
    sign_in(page.context, partner_admin.user)
    page.goto(quiz_lesson)
    expect(page.get_by_test_id("attempts-used")).to_have_text("Attempts: 0 of 3 used, 3 left.")
    page.get_by_test_id("quiz-start").click()

    # One wrong choice in the multiple-choice question makes it wrong.
    page.get_by_label("Reseller").check()
    page.get_by_label("Distributor").check()
    page.get_by_label("Banana").check()
    page.get_by_label("Platinum").check()
    expect(page.locator("#quiz-saved")).to_contain_text("Answers saved at")
    screenshot(page, "quiz-attempt")
    page.get_by_test_id("quiz-submit").click()

    result = page.get_by_test_id("quiz-result")
    expect(result).to_contain_text("Not passed")
    expect(result).to_contain_text("Score 50% (passing score 100%)")
    expect(page.get_by_test_id("quiz-feedback")).to_contain_text("Resellers and distributors both sell the product on.")
    expect(page.get_by_test_id("lesson-status")).to_have_text("Not passed yet")
    expect(page.get_by_test_id("quiz-cooldown")).to_contain_text(
        re.compile(r"Your next attempt is possible from .+UTC")
    )
    expect(page.get_by_test_id("quiz-start")).to_have_count(0)
    expect(page.get_by_test_id("attempts-used")).to_have_text("Attempts: 1 of 3 used, 2 left.")
    screenshot(page, "quiz-cool-down")

    # Half an hour later on the server's clock, the cool-down is over.
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        page.reload()
        expect(page.get_by_test_id("quiz-cooldown")).to_have_count(0)
        page.get_by_test_id("quiz-start").click()
        page.get_by_label("Reseller").check()
        page.get_by_label("Distributor").check()
        page.get_by_label("Platinum").check()
        page.get_by_test_id("quiz-submit").click()

        expect(page.get_by_test_id("quiz-result")).to_contain_text("Passed")
        expect(page.get_by_test_id("quiz-result")).to_contain_text("Score 100%")
        expect(page.get_by_test_id("lesson-status")).to_have_text("Completed")
        expect(page.get_by_test_id("attempts-used")).to_have_text("Attempts: 2 of 3 used, 1 left.")
        expect(page.get_by_role("alert").first).to_contain_text("Passed with 100%.")
        screenshot(page, "quiz-passed")
