"""The quiz attempts API: start, answer, submit, read with feedback after submission — and nothing of the answers
before it, refusals as problem+json naming the field, other people's attempts as 404."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from enablement.models import AttemptAnswer, AttemptStatus, QuizAttempt
from prm.api.keys import ALL_SCOPES
from tests.api.conftest import fields_of, key_client, problem_of
from tests.enablement.factories import add_question
from tests.enablement.quiz_support import ALL_RIGHT, MDF, PARTNER_TYPES, TIER, quiz_world
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory, make_api_key

pytestmark = pytest.mark.django_db

URL = "/api/v1/quiz-attempts/"


@pytest.fixture
def world():
    return quiz_world()


def session(membership) -> APIClient:
    client = APIClient()
    client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
    client.credentials(HTTP_X_TENANT=membership.tenant.slug)
    return client


def start(client, world):
    response = client.post(URL, {"enrollment": world.enrollment.pk, "lesson": world.lesson.pk}, format="json")
    assert response.status_code in (200, 201), response.content[:500]
    return response


def body_for(world, attempt_id, picks) -> dict:
    with world.scoped():
        attempt = QuizAttempt.objects.get(pk=attempt_id)
    return {
        "answers": [
            {
                "question": world.attempt_question(attempt, question).pk,
                "choices": [world.choice(question, text).pk for text in choices],
            }
            for question, choices in picks.items()
        ]
    }


def test_an_attempt_started_through_the_api_shows_nothing_of_the_answers_until_it_is_submitted(world):
    client = session(world.learner)
    response = start(client, world)
    assert response.status_code == 201
    attempt = response.json()
    assert attempt["status"] == "in_progress" and attempt["score"] is None and len(attempt["questions"]) == 3
    text = response.content.decode()
    assert "correct" not in text.lower() and "explanation" not in text
    assert "Platinum sits above" not in text
    for question in attempt["questions"]:
        assert question["feedback"] is None
        assert set(question["choices"][0]) == {"id", "text"}
    again = client.get(f"{URL}{attempt['id']}/")
    assert "correct" not in again.content.decode().lower()
    # A second start (another tab) continues the same attempt.
    assert start(client, world).json()["id"] == attempt["id"]


def test_answer_then_submit_grades_on_the_server_and_gives_feedback_per_question(world):
    client = session(world.learner)
    attempt_id = start(client, world).json()["id"]
    response = client.post(
        f"{URL}{attempt_id}/answer/", body_for(world, attempt_id, {TIER: ("Silver",)}), format="json"
    )
    assert response.status_code == 200
    [tier] = [q for q in response.json()["questions"] if q["text"] == TIER]
    assert tier["answer"] == [world.choice(TIER, "Silver").pk] and tier["feedback"] is None

    picks = {**ALL_RIGHT, PARTNER_TYPES: ("Reseller", "Banana", "Distributor")}
    response = client.post(f"{URL}{attempt_id}/submit/", body_for(world, attempt_id, picks), format="json")
    assert response.status_code == 200
    attempt = response.json()
    assert (attempt["status"], attempt["score"], attempt["passed"]) == ("submitted", "50.00", False)
    by_text = {q["text"]: q for q in attempt["questions"]}
    partner_types = by_text[PARTNER_TYPES]["feedback"]
    assert partner_types["correct"] is False and partner_types["points_awarded"] == "0.00"
    assert sorted(partner_types["correct_choices"]) == sorted(
        [world.choice(PARTNER_TYPES, "Reseller").pk, world.choice(PARTNER_TYPES, "Distributor").pk]
    )
    assert partner_types["explanation"] == "Resellers and distributors both sell the product on."
    assert by_text[TIER]["feedback"]["correct"] is True


def test_a_second_submission_is_a_409_and_the_first_grade_stands(world):
    client = session(world.learner)
    attempt_id = start(client, world).json()["id"]
    client.post(f"{URL}{attempt_id}/submit/", body_for(world, attempt_id, ALL_RIGHT), format="json")
    problem = problem_of(client.post(f"{URL}{attempt_id}/submit/", {"answers": []}, format="json"), 409)
    assert problem["detail"].startswith("This attempt was already submitted, at ")
    with world.scoped():
        assert QuizAttempt.objects.get(pk=attempt_id).score == Decimal("100.00")


def test_tampered_answers_are_refused_naming_the_field_and_nothing_is_stored(world):
    client = session(world.learner)
    attempt_id = start(client, world).json()["id"]
    body = body_for(world, attempt_id, {TIER: ("Platinum",), MDF: ("True",)})
    body["answers"][1]["choices"] = [world.choice(PARTNER_TYPES, "Banana").pk]
    problem = problem_of(client.post(f"{URL}{attempt_id}/submit/", body, format="json"), 400)
    assert fields_of(problem) == ["answers[1].choices"]

    other = quiz_world(slug="other", name="Other")
    other_attempt = start(session(other.learner), other).json()["id"]
    with other.scoped():
        stranger = QuizAttempt.objects.get(pk=other_attempt).questions.first().pk
    body = body_for(world, attempt_id, {TIER: ("Platinum",)})
    body["answers"].append({"question": stranger, "choices": []})
    problem = problem_of(client.post(f"{URL}{attempt_id}/answer/", body, format="json"), 400)
    assert fields_of(problem) == ["answers[1].question"]

    problem = problem_of(client.post(f"{URL}{attempt_id}/submit/", {"answers": [], "score": 100}, format="json"), 400)
    assert fields_of(problem) == ["score"]
    with world.scoped():
        assert QuizAttempt.objects.get(pk=attempt_id).status == AttemptStatus.IN_PROGRESS
        assert not AttemptAnswer.objects.filter(attempt_id=attempt_id).exists()


def test_start_is_refused_at_the_limit_and_during_the_cool_down_with_the_time(world):
    with world.scoped():
        world.quiz.attempt_limit, world.quiz.cooldown_minutes = 2, 30
        world.quiz.save()
    client = session(world.learner)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        attempt_id = start(client, world).json()["id"]
        client.post(f"{URL}{attempt_id}/submit/", {}, format="json")
        problem = problem_of(client.post(URL, {"enrollment": world.enrollment.pk, "lesson": world.lesson.pk}), 409)
        assert problem["detail"].startswith("Your next attempt is possible from ")
        clock.shift(timedelta(minutes=31))
        attempt_id = start(client, world).json()["id"]
        client.post(f"{URL}{attempt_id}/submit/", {}, format="json")
        clock.shift(timedelta(minutes=31))
        problem = problem_of(client.post(URL, {"enrollment": world.enrollment.pk, "lesson": world.lesson.pk}), 409)
        assert problem["detail"] == "You have used all 2 attempts at this quiz."


def test_the_deadline_is_the_servers(world):
    with world.scoped():
        world.quiz.time_limit_minutes = 1
        world.quiz.save()
    client = session(world.learner)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        attempt_id = start(client, world).json()["id"]
        clock.shift(timedelta(minutes=2))
        problem = problem_of(
            client.post(f"{URL}{attempt_id}/answer/", body_for(world, attempt_id, ALL_RIGHT), format="json"), 409
        )
        assert problem["detail"].startswith("Time ran out at ")
    attempt = client.get(f"{URL}{attempt_id}/").json()
    assert attempt["status"] == "timed_out" and attempt["score"] == "0.00"


def test_a_start_naming_someone_elses_enrollment_or_a_lesson_that_is_no_quiz_is_a_400(world):
    client = session(world.learner)
    colleague = PartnerUserFactory(tenant=world.tenant, partner_organization=world.partner)
    from tests.enablement.factories import EnrollmentFactory, LessonFactory

    theirs = EnrollmentFactory(tenant=world.tenant, course=world.course, membership=colleague)
    problem = problem_of(client.post(URL, {"enrollment": theirs.pk, "lesson": world.lesson.pk}, format="json"), 400)
    assert fields_of(problem) == ["enrollment"]
    text = LessonFactory(tenant=world.tenant, course=world.course)
    problem = problem_of(client.post(URL, {"enrollment": world.enrollment.pk, "lesson": text.pk}, format="json"), 400)
    assert fields_of(problem) == ["lesson"]
    with world.scoped():
        assert not QuizAttempt.objects.exists()


def test_other_organizations_tenants_and_colleagues_get_404_on_my_attempt(world):
    attempt_id = start(session(world.learner), world).json()["id"]
    other_org = PartnerUserFactory(
        tenant=world.tenant, partner_organization=PartnerOrganizationFactory(tenant=world.tenant)
    )
    colleague = PartnerUserFactory(tenant=world.tenant, partner_organization=world.partner, role="partner_sales")
    other_tenant = quiz_world(slug="other", name="Other")
    for who in (other_org, colleague, other_tenant.learner):
        client = session(who)
        problem_of(client.get(f"{URL}{attempt_id}/"), 404)
        problem_of(client.post(f"{URL}{attempt_id}/submit/", {}, format="json"), 404)
        assert attempt_id not in [a["id"] for a in client.get(URL).json()["results"]]
    other_key = key_client(make_api_key(other_tenant.tenant, scopes=ALL_SCOPES)[1])
    problem_of(other_key.get(f"{URL}{attempt_id}/"), 404)


def test_staff_and_the_partners_admin_read_attempts_but_only_the_learner_takes_them(world):
    attempt_id = start(session(world.learner), world).json()["id"]
    admin = PartnerUserFactory(tenant=world.tenant, partner_organization=world.partner)
    for reader in (StaffFactory(tenant=world.tenant, role="analyst"), admin):
        client = session(reader)
        assert client.get(f"{URL}{attempt_id}/").status_code == 200
        assert [a["id"] for a in client.get(URL).json()["results"]] == [attempt_id]
    problem_of(session(admin).post(f"{URL}{attempt_id}/submit/", {}, format="json"), 404)
    problem_of(session(world.author).post(f"{URL}{attempt_id}/submit/", {}, format="json"), 404)
    problem_of(session(world.author).post(URL, {"enrollment": world.enrollment.pk, "lesson": world.lesson.pk}), 403)
    key = key_client(make_api_key(world.tenant, scopes=["enrollments:write"], partner_organization=world.partner)[1])
    assert key.get(f"{URL}{attempt_id}/").status_code == 200
    problem_of(key.post(f"{URL}{attempt_id}/submit/", {}, format="json"), 404)
    with world.scoped():
        assert QuizAttempt.objects.get(pk=attempt_id).status == AttemptStatus.IN_PROGRESS


def test_the_attempt_reads_in_the_same_queries_whatever_the_number_of_questions(world):
    client = session(world.learner)
    first = start(client, world).json()["id"]

    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = (count(f"{URL}{first}/"), count(URL))
    client.post(f"{URL}{first}/submit/", {}, format="json")
    with world.scoped():
        for n in range(8):
            add_question(world.quiz, f"Extra {n}", (("Yes", True), ("No", False)))
    second = start(client, world).json()
    assert len(second["questions"]) == 11
    assert (count(f"{URL}{second['id']}/"), count(URL)) == small


def test_an_idempotent_replay_of_a_submission_returns_the_first_answer(world):
    client = session(world.learner)
    attempt_id = start(client, world).json()["id"]
    body = json.dumps(body_for(world, attempt_id, ALL_RIGHT))
    first = client.post(f"{URL}{attempt_id}/submit/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    replay = client.post(f"{URL}{attempt_id}/submit/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == replay.status_code == 200
    assert replay.json()["score"] == "100.00"


# A submission used to read its questions twice and the attempt again for the answer, and to write the enrollment
# twice (where to resume, then its grade), and asked whether another attempt was open right after closing the only
# one: 4 queries fewer since, whatever the number of questions.
SUBMIT_QUERIES = 29
SUBMIT_COMPLETING_QUERIES = 34


def test_a_submission_takes_the_same_few_queries_whatever_the_number_of_questions(world):
    client = session(world.learner)

    def submit(picks):
        attempt_id = start(client, world).json()["id"]
        body = body_for(world, attempt_id, picks)
        with CaptureQueriesContext(connection) as captured:
            response = client.post(f"{URL}{attempt_id}/submit/", body, format="json")
        assert response.status_code == 200, response.content[:300]
        return response.json()["passed"], len(captured)

    assert submit({TIER: ("Silver",)}) == (False, SUBMIT_QUERIES)
    for n in range(8):
        world.questions[f"Extra {n}"] = add_question(world.quiz, f"Extra {n}", (("Yes", True), ("No", False)))
    assert submit({TIER: ("Silver",), "Extra 0": ("No",)}) == (False, SUBMIT_QUERIES)
    # Passing completes the course: its grade, the course.completed event, and whether a certification is earned.
    extra = {f"Extra {n}": ("Yes",) for n in range(8)}
    assert submit(ALL_RIGHT | extra) == (True, SUBMIT_COMPLETING_QUERIES)
