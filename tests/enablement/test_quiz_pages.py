"""The quiz pages: the learner's quiz lesson (start, answer, submit, feedback, cool-down) and the authors' editor."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from enablement.models import AttemptAnswer, AttemptStatus, Choice, Question, QuestionVersion, QuizAttempt
from enablement.services.quizzes import quiz_attempt_start
from tests.conftest import login
from tests.enablement.factories import EnrollmentFactory, add_question
from tests.enablement.quiz_support import ALL_RIGHT, MDF, PARTNER_TYPES, TIER, quiz_world
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return quiz_world()


def lesson_url(world, enrollment=None):
    enrollment = enrollment or world.enrollment
    return reverse("quiz_lesson", args=[world.tenant.slug, enrollment.pk, world.lesson.pk])


def attempt_url(world, name, attempt):
    return reverse(name, args=[world.tenant.slug, world.enrollment.pk, world.lesson.pk, attempt.pk])


def start(client, world):
    response = client.post(
        reverse("quiz_attempt_start", args=[world.tenant.slug, world.enrollment.pk, world.lesson.pk])
    )
    assert response.status_code == 302
    with world.scoped():
        return QuizAttempt.objects.get(user=world.learner.user, status=AttemptStatus.IN_PROGRESS)


def form_data(world, attempt, picks):
    """The page's fields: `q<position>` -> the chosen choice ids."""
    data = {}
    for question, choices in picks.items():
        row = world.attempt_question(attempt, question)
        data[f"q{row.position}"] = [str(world.choice(question, text).pk) for text in choices]
    return data


def test_the_learner_starts_the_quiz_and_sees_the_questions_without_any_hint_of_the_answers(client, world):
    login(client, world.learner)
    page = client.get(lesson_url(world))
    assert page.status_code == 200
    assert b"Start the quiz" in page.content
    attempt = start(client, world)
    page = client.get(lesson_url(world))
    html = page.content.decode()
    assert page.status_code == 200 and TIER in html and 'name="q1"' in html
    # No outcome, no explanation and nothing that tells a correct choice from a wrong one.
    assert "correct" not in html.lower()
    assert "Platinum sits above" not in html
    with world.scoped():
        right = Choice.objects.get(question_version=world.questions[TIER], text="Platinum")
        wrong = Choice.objects.get(question_version=world.questions[TIER], text="Silver")
    inputs = {m.group(1): m.group(0) for m in re.finditer(r'<input[^>]*value="(\d+)"[^>]*>', html)}
    assert set(inputs) >= {str(right.pk), str(wrong.pk)}
    shape = lambda tag, choice: re.sub(r'(id="q\d+-)\d+"', r'\1N"', tag.replace(str(choice.pk), "ID"))  # noqa: E731
    assert shape(inputs[str(right.pk)], right) == shape(inputs[str(wrong.pk)], wrong)
    assert attempt.number == 1


def test_submitting_shows_feedback_per_question_and_completes_the_lesson(client, world):
    login(client, world.learner)
    attempt = start(client, world)
    picks = {**ALL_RIGHT, PARTNER_TYPES: ("Reseller", "Distributor", "Banana")}
    response = client.post(attempt_url(world, "quiz_attempt_submit", attempt), form_data(world, attempt, picks))
    assert response.status_code == 302
    page = client.get(lesson_url(world))
    html = page.content.decode()
    assert "Not passed" in html and "Score 50% (passing score 80%)" in html
    assert "Resellers and distributors both sell the product on." in html  # the explanation, after submission
    assert html.count("correct answer") >= 4  # Reseller, Distributor, Platinum, True
    assert "Try again" in html
    assert 'data-testid="lesson-status">Not passed yet' in html

    attempt = start(client, world)
    client.post(attempt_url(world, "quiz_attempt_submit", attempt), form_data(world, attempt, ALL_RIGHT))
    html = client.get(lesson_url(world)).content.decode()
    assert 'data-testid="lesson-status">Completed' in html and "Passed" in html


def test_a_tampered_submission_is_refused_beside_the_question_and_nothing_is_stored(client, world):
    login(client, world.learner)
    attempt = start(client, world)
    data = form_data(world, attempt, {TIER: ("Platinum",)})
    mdf = world.attempt_question(attempt, MDF)
    data[f"q{mdf.position}"] = [str(world.choice(PARTNER_TYPES, "Reseller").pk)]  # another question's choice
    response = client.post(attempt_url(world, "quiz_attempt_submit", attempt), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="q{mdf.position}-error">This is not one of the question' in html
    # The form comes back as it was sent (Platinum still chosen), and still gives nothing away.
    assert "correct" not in html.lower()
    with world.scoped():
        assert QuizAttempt.objects.get(pk=attempt.pk).status == AttemptStatus.IN_PROGRESS
        assert not AttemptAnswer.objects.filter(attempt=attempt).exists()

    data[f"q{mdf.position}"] = ["not-a-number"]
    assert client.post(attempt_url(world, "quiz_attempt_submit", attempt), data).status_code == 400


def test_a_second_submission_from_another_tab_is_refused_with_a_clear_message(client, world):
    login(client, world.learner)
    attempt = start(client, world)
    data = form_data(world, attempt, ALL_RIGHT)
    client.post(attempt_url(world, "quiz_attempt_submit", attempt), data)
    response = client.post(attempt_url(world, "quiz_attempt_submit", attempt), data, follow=True)
    assert b"This attempt was already submitted, at " in response.content
    with world.scoped():
        assert QuizAttempt.objects.filter(quiz=world.quiz).count() == 1


def test_answers_are_saved_as_they_are_given(client, world):
    login(client, world.learner)
    attempt = start(client, world)
    data = form_data(world, attempt, {TIER: ("Silver",)})
    response = client.post(attempt_url(world, "quiz_attempt_save", attempt), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"Answers saved at" in response.content
    data = form_data(world, attempt, {TIER: ("Platinum",)})
    client.post(attempt_url(world, "quiz_attempt_save", attempt), data, HTTP_HX_REQUEST="true")
    with world.scoped():
        assert AttemptAnswer.objects.filter(attempt=attempt).count() == 2
    html = client.get(lesson_url(world)).content.decode()
    platinum = world.choice(TIER, "Platinum").pk
    assert re.search(rf'value="{platinum}" checked', html)


def test_attempts_left_and_the_cool_down_end_in_the_learners_time_zone(client, world):
    with world.scoped():
        world.quiz.attempt_limit, world.quiz.cooldown_minutes = 3, 90
        world.quiz.save()
    user = world.learner.user
    user.time_zone = "Europe/Berlin"
    user.save()
    # Today at noon, signed in then: a session signed in at the real time could have expired by 13:31 (it lasts 12
    # hours), which made this test fail when run between midnight and 01:31 UTC.
    moment = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    with timezone.override(ZoneInfo("Europe/Berlin")), translation.override("en"):
        ends = date_format(timezone.localtime(moment + timedelta(minutes=90)), "DATETIME_FORMAT")
    with time_machine.travel(moment, tick=False) as clock:
        login(client, world.learner)
        attempt = start(client, world)
        client.post(attempt_url(world, "quiz_attempt_submit", attempt), {})
        html = client.get(lesson_url(world)).content.decode()
        assert "Attempts: 1 of 3 used, 2 left." in html
        assert f"Your next attempt is possible from {ends}." in html
        assert "Try again" not in html
        # Asking anyway is refused with the same time.
        response = client.post(
            reverse("quiz_attempt_start", args=[world.tenant.slug, world.enrollment.pk, world.lesson.pk]), follow=True
        )
        assert f"Your next attempt is possible from {ends}.".encode() in response.content
        clock.shift(timedelta(minutes=91))
        assert b"Try again" in client.get(lesson_url(world)).content


def test_the_attempt_limit_shows_no_more_attempts(client, world):
    with world.scoped():
        world.quiz.attempt_limit = 1
        world.quiz.save()
    login(client, world.learner)
    attempt = start(client, world)
    client.post(attempt_url(world, "quiz_attempt_submit", attempt), {})
    html = client.get(lesson_url(world)).content.decode()
    assert "You have used every attempt at this quiz." in html and "Try again" not in html


def test_an_open_timed_attempt_shows_a_countdown_and_is_graded_when_reopened_after_the_deadline(client, world):
    with world.scoped():
        world.quiz.time_limit_minutes = 10
        world.quiz.save()
    login(client, world.learner)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        attempt = start(client, world)
        html = client.get(lesson_url(world)).content.decode()
        assert 'data-seconds-left="600"' in html
        client.post(
            attempt_url(world, "quiz_attempt_save", attempt),
            form_data(world, attempt, {TIER: ("Platinum",)}),
            HTTP_HX_REQUEST="true",
        )
        clock.shift(timedelta(minutes=12))
        html = client.get(lesson_url(world)).content.decode()
    assert "Time ran out on your last attempt" in html and "Score 25%" in html
    with world.scoped():
        assert QuizAttempt.objects.get(pk=attempt.pk).status == AttemptStatus.TIMED_OUT


def test_past_feedback_waits_while_another_attempt_is_open(client, world):
    login(client, world.learner)
    first = start(client, world)
    client.post(attempt_url(world, "quiz_attempt_submit", first), {})
    assert client.get(attempt_url(world, "quiz_attempt", first)).status_code == 200
    start(client, world)
    response = client.get(attempt_url(world, "quiz_attempt", first))
    assert response.status_code == 302
    html = client.get(lesson_url(world)).content.decode()
    assert "correct" not in html.lower()


def test_another_organizations_or_tenants_user_or_a_colleague_gets_404_on_my_quiz(client, world):
    with world.scoped():
        attempt = quiz_attempt_start(actor=world.learner, enrollment=world.enrollment, lesson=world.lesson)
    other_org = PartnerUserFactory(
        tenant=world.tenant, partner_organization=PartnerOrganizationFactory(tenant=world.tenant)
    )
    colleague = PartnerUserFactory(tenant=world.tenant, partner_organization=world.partner)
    other = quiz_world(slug="other", name="Other")
    urls = [
        ("get", lesson_url(world)),
        ("get", attempt_url(world, "quiz_attempt", attempt)),
        ("post", reverse("quiz_attempt_start", args=[world.tenant.slug, world.enrollment.pk, world.lesson.pk])),
        ("post", attempt_url(world, "quiz_attempt_save", attempt)),
        ("post", attempt_url(world, "quiz_attempt_submit", attempt)),
    ]
    for person in (other_org, colleague, world.author):
        login(client, person)
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 404, (person, url)
    # Another tenant's learner, at their own program's address, with my ids.
    login(client, other.learner)
    for method, url in urls:
        url = url.replace(f"/t/{world.tenant.slug}/", f"/t/{other.tenant.slug}/")
        assert getattr(client, method)(url).status_code == 404, url
    with world.scoped():
        assert QuizAttempt.objects.get(pk=attempt.pk).status == AttemptStatus.IN_PROGRESS


def test_the_lesson_page_runs_the_same_queries_whatever_the_number_of_questions(client, world):
    login(client, world.learner)
    attempt = start(client, world)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(lesson_url(world)).status_code == 200
        return len(captured)

    small = count()
    client.post(attempt_url(world, "quiz_attempt_submit", attempt), {})
    with world.scoped():
        for n in range(8):
            add_question(world.quiz, f"Extra question {n}", (("Yes", True), ("No", False), ("Maybe", False)))
    more = start(client, world)
    with world.scoped():
        assert more.questions.count() == 11
    assert count() == small


# Authors ----------------------------------------------------------------------------------------------------------


def test_the_author_edits_settings_adds_edits_and_retires_questions(client, world):
    login(client, world.author)
    edit = reverse("quiz_edit", args=[world.tenant.slug, world.quiz.pk])
    page = client.get(edit)
    assert page.status_code == 200 and TIER.encode() in page.content
    settings = {
        "title": "Firewall basics",
        "passing_score": "70",
        "attempt_limit": "3",
        "cooldown_minutes": "60",
        "time_limit_minutes": "",
        "shuffle_choices": "on",
    }
    assert client.post(edit, settings).status_code == 302
    with world.scoped():
        world.quiz.refresh_from_db()
        pool = world.quiz.pools.get()
    assert (world.quiz.passing_score, world.quiz.attempt_limit) == (70, 3)
    # How many each attempt draws is the pool's.
    pool_url = reverse("quiz_pool_edit", args=[world.tenant.slug, world.quiz.pk, pool.pk])
    assert client.post(pool_url, {"name": "Questions", "questions_per_attempt": "2"}).status_code == 302
    assert b"each attempt draws 2" in client.get(edit).content

    add = reverse("quiz_question_add", args=[world.tenant.slug, world.quiz.pk])
    question = {"kind": "true_false", "text": "Deal registration protects a deal.", "points": "1"}
    question |= {"choice_text_1": "True", "choice_correct_1": "on", "choice_text_2": "False"}
    assert client.post(add, question).status_code == 302
    with world.scoped():
        added = Question.objects.get(current_version__text="Deal registration protects a deal.")

    change = reverse("quiz_question_edit", args=[world.tenant.slug, world.quiz.pk, added.pk])
    assert client.get(change).status_code == 200
    question |= {"text": "Deal registration protects a partner's deal."}
    assert client.post(change, question).status_code == 302
    with world.scoped():
        assert QuestionVersion.objects.filter(question=added).count() == 2

    active = reverse("quiz_question_active", args=[world.tenant.slug, world.quiz.pk, added.pk])
    assert client.post(active, {"active": "0"}).status_code == 302
    with world.scoped():
        assert not Question.objects.get(pk=added.pk).active


def test_bad_questions_and_settings_are_refused_naming_the_field_and_nothing_is_stored(client, world):
    login(client, world.author)
    add = reverse("quiz_question_add", args=[world.tenant.slug, world.quiz.pk])
    response = client.post(
        add,
        {"kind": "single", "text": "Pick one", "points": "1", "choice_text_1": "A", "choice_text_2": "B"},
    )
    assert response.status_code == 400
    assert b"Mark exactly one choice as correct" in response.content
    response = client.post(add, {"kind": "single", "text": "", "points": "1"})
    assert response.status_code == 400 and b'id="id_text-error"' in response.content
    with world.scoped():
        assert Question.objects.count() == 3
    edit = reverse("quiz_edit", args=[world.tenant.slug, world.quiz.pk])
    response = client.post(edit, {"title": "Quiz", "passing_score": "150", "cooldown_minutes": "0"})
    assert response.status_code == 400 and b'id="id_passing_score-error"' in response.content


def test_the_quiz_list_creates_a_quiz_and_partners_cannot_author(client, world):
    login(client, StaffFactory(tenant=world.tenant, role="marketing"))
    response = client.post(reverse("quiz_list", args=[world.tenant.slug]), {"title": "Partner onboarding check"})
    assert response.status_code == 302
    assert b"Partner onboarding check" in client.get(reverse("quiz_list", args=[world.tenant.slug])).content
    login(client, world.learner)
    assert client.get(reverse("quiz_edit", args=[world.tenant.slug, world.quiz.pk])).status_code == 404
    assert client.get(reverse("quiz_list", args=[world.tenant.slug])).status_code == 404


def test_a_learner_enrolled_twice_only_reaches_quiz_lessons_of_their_course(client, world):
    login(client, world.learner)
    other_enrollment = EnrollmentFactory(tenant=world.tenant, membership=world.learner)
    # The quiz lesson belongs to another course than this enrollment's.
    assert client.get(lesson_url(world, other_enrollment)).status_code == 404


def test_a_save_still_in_flight_after_the_submission_changes_nothing_and_says_nothing(client, world):
    login(client, world.learner)
    attempt = start(client, world)
    data = form_data(world, attempt, ALL_RIGHT)
    client.post(attempt_url(world, "quiz_attempt_submit", attempt), data)
    late = form_data(world, attempt, {TIER: ("Silver",)})
    response = client.post(attempt_url(world, "quiz_attempt_save", attempt), late, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    html = client.get(lesson_url(world)).content.decode()
    assert "already submitted" not in html and "Passed" in html


def test_the_quiz_list_counts_the_pool_once_per_quiz_whatever_its_lessons(client, world):
    from enablement.models import LessonKind
    from tests.enablement.factories import CourseFactory, LessonFactory

    LessonFactory(tenant=world.tenant, course=CourseFactory(tenant=world.tenant), kind=LessonKind.QUIZ, quiz=world.quiz)
    login(client, world.author)
    html = client.get(reverse("quiz_list", args=[world.tenant.slug])).content.decode()
    row = re.search(r"Firewall basics</a></td>(.*?)</tr>", html).group(1)
    assert re.findall(r">(\d+%?)<", row) == ["3", "80%", "2"]


def test_the_editor_runs_the_same_queries_whatever_the_size_of_the_pool(client, world):
    login(client, world.author)
    url = reverse("quiz_edit", args=[world.tenant.slug, world.quiz.pk])

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = count()
    with world.scoped():
        for n in range(6):
            add_question(world.quiz, f"Extra {n}", (("Yes", True), ("No", False)))
    assert count() == small


def test_a_quiz_open_in_another_courses_lesson_is_finished_there_first(client, world):
    from enablement.models import LessonKind
    from tests.enablement.factories import CourseFactory, LessonFactory

    other_course = CourseFactory(tenant=world.tenant, title="Advanced selling")
    other_lesson = LessonFactory(tenant=world.tenant, course=other_course, kind=LessonKind.QUIZ, quiz=world.quiz)
    other_enrollment = EnrollmentFactory(tenant=world.tenant, course=other_course, membership=world.learner)
    login(client, world.learner)
    start(client, world)
    url = reverse("quiz_lesson", args=[world.tenant.slug, other_enrollment.pk, other_lesson.pk])
    html = client.get(url).content.decode()
    assert 'data-testid="quiz-open-elsewhere"' in html and lesson_url(world) in html
    assert 'name="q1"' not in html and "correct" not in html.lower()
