"""Taking a quiz (enablement.services.quizzes): drawing, grading on the server, attempt limits, the cool-down, the
time limit, double submission and tampered answers."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from enablement.models import (
    AttemptAnswer,
    AttemptQuestion,
    AttemptStatus,
    EnrollmentStatus,
    LessonProgress,
    LessonProgressStatus,
    QuizAttempt,
)
from enablement.services.quizzes import (
    AnswerInput,
    quiz_attempt_answer,
    quiz_attempt_start,
    quiz_attempt_submit,
    quiz_attempts_time_out,
)
from prm.errors import InvalidTransition, PermissionDenied, ValidationFailed
from tests.enablement.factories import EnrollmentFactory, add_question
from tests.enablement.quiz_support import ALL_RIGHT, MDF, PARTNER_TYPES, TIER, answers_for, quiz_world
from tests.factories import PartnerUserFactory

pytestmark = pytest.mark.django_db


def start(world, learner=None, enrollment=None):
    with world.scoped():
        return quiz_attempt_start(
            actor=learner or world.learner, enrollment=enrollment or world.enrollment, lesson=world.lesson
        )


def submit(world, attempt, picks=None, answers=None):
    answers = answers if answers is not None else answers_for(world, attempt, picks or {})
    with world.scoped():
        return quiz_attempt_submit(actor=world.learner, attempt=attempt, answers=answers)


def progress(world):
    with world.scoped():
        return LessonProgress.objects.get(enrollment=world.enrollment, lesson=world.lesson)


# Grading ---------------------------------------------------------------------------------------------------------


def test_all_right_answers_pass_and_complete_the_lesson_and_the_course():
    world = quiz_world()
    attempt = submit(world, start(world), ALL_RIGHT)
    assert attempt.status == AttemptStatus.SUBMITTED
    assert (attempt.points, attempt.max_points, attempt.score, attempt.passed) == (4, 4, Decimal("100.00"), True)
    assert progress(world).status == LessonProgressStatus.COMPLETED
    with world.scoped():
        world.enrollment.refresh_from_db()
    assert world.enrollment.status == EnrollmentStatus.COMPLETED


def test_a_multiple_choice_answer_with_one_wrong_choice_is_wrong():
    world = quiz_world()
    attempt = start(world)
    picks = {**ALL_RIGHT, PARTNER_TYPES: ("Reseller", "Distributor", "Banana")}
    attempt = submit(world, attempt, picks)
    row = world.attempt_question(attempt, PARTNER_TYPES)
    assert row.correct is False and row.points_awarded == 0
    # 2 of 4 points: below the passing score of 80%.
    assert (attempt.points, attempt.score, attempt.passed) == (2, Decimal("50.00"), False)
    assert progress(world).status == LessonProgressStatus.FAILED


def test_a_multiple_choice_answer_missing_a_correct_choice_is_wrong_and_a_single_choice_needs_the_correct_one():
    world = quiz_world()
    attempt = submit(world, start(world), {PARTNER_TYPES: ("Reseller",), TIER: ("Silver",), MDF: ("True",)})
    assert world.attempt_question(attempt, PARTNER_TYPES).correct is False
    assert world.attempt_question(attempt, TIER).correct is False
    assert world.attempt_question(attempt, MDF).correct is True
    assert attempt.score == Decimal("25.00")


def test_an_unanswered_question_is_wrong():
    world = quiz_world()
    attempt = submit(world, start(world), {TIER: ("Platinum",)})
    assert world.attempt_question(attempt, MDF).correct is False
    assert attempt.score == Decimal("25.00") and attempt.passed is False


def test_the_last_answer_given_counts_and_every_answer_is_kept():
    world = quiz_world()
    attempt = start(world)
    with world.scoped():
        quiz_attempt_answer(actor=world.learner, attempt=attempt, answers=[world.answer(attempt, TIER, "Silver")])
        quiz_attempt_answer(actor=world.learner, attempt=attempt, answers=[world.answer(attempt, TIER, "Platinum")])
        # The same answer again is no new step.
        quiz_attempt_answer(actor=world.learner, attempt=attempt, answers=[world.answer(attempt, TIER, "Platinum")])
    attempt = submit(world, attempt, {})
    assert world.attempt_question(attempt, TIER).correct is True
    with world.scoped():
        steps = list(AttemptAnswer.objects.filter(attempt=attempt).values_list("choice_ids", flat=True))
    assert steps == [[world.choice(TIER, "Silver").pk], [world.choice(TIER, "Platinum").pk]]


def test_editing_a_question_never_changes_a_past_grade():
    from enablement.services.quizzes import question_edit

    world = quiz_world()
    attempt = submit(world, start(world), ALL_RIGHT)
    with world.scoped():
        question = world.questions[TIER].question
        question_edit(
            actor=world.author,
            question=question,
            kind="single",
            text=TIER,
            choices=[("Platinum", False), ("Silver", True), ("Registered", False)],
        )
        question.refresh_from_db()
        assert question.current_version.number == 2
    row = world.attempt_question(attempt, TIER)
    assert row.question_version_id == world.questions[TIER].pk and row.correct is True
    assert world.fresh(attempt).score == Decimal("100.00")


# Drawing -------------------------------------------------------------------------------------------------------------


def test_an_attempt_draws_n_active_questions_and_shuffles_choices_per_attempt():
    world = quiz_world(questions_per_attempt=2, shuffle_questions=True, shuffle_choices=True)
    with world.scoped():
        extra = add_question(world.quiz, "Inactive question", (("A", True), ("B", False)))
        extra.question.active = False
        extra.question.save()
    attempt = start(world)
    with world.scoped():
        rows = list(AttemptQuestion.objects.filter(attempt=attempt).select_related("question_version"))
        assert len(rows) == 2
        assert extra.pk not in {row.question_version_id for row in rows}
        for row in rows:
            # Each question's own choices, each once, in the order this attempt shows them.
            assert sorted(row.choice_order) == sorted(row.question_version.choices.values_list("id", flat=True))


def test_a_quiz_without_questions_cannot_be_started():
    world = quiz_world()
    with world.scoped():
        world.quiz.questions.update(active=False)
    with pytest.raises(InvalidTransition, match="no questions"):
        start(world)


# One open attempt, attempt limits, cool-down ------------------------------------------------------------------------


def test_starting_again_continues_the_open_attempt():
    world = quiz_world()
    first = start(world)
    again = start(world)
    assert again.pk == first.pk and again.number == 1


def test_the_attempt_limit_refuses_another_attempt():
    world = quiz_world(attempt_limit=2)
    submit(world, start(world), {})
    second = start(world)
    assert second.number == 2
    submit(world, second, {})
    with pytest.raises(InvalidTransition) as refused:
        start(world)
    assert refused.value.message == "You have used all 2 attempts at this quiz."
    with world.scoped():
        assert QuizAttempt.objects.count() == 2


def test_the_cool_down_refuses_a_new_attempt_until_it_has_passed_and_says_when():
    world = quiz_world(cooldown_minutes=60)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        submit(world, start(world), {})
        clock.shift(timedelta(minutes=59))
        with pytest.raises(InvalidTransition) as refused:
            start(world)
        assert refused.value.message.startswith("Your next attempt is possible from ")
        clock.shift(timedelta(minutes=1, seconds=1))
        assert start(world).number == 2


def test_the_cool_down_message_gives_the_time_in_the_learners_time_zone():
    from django.utils import timezone as tz

    world = quiz_world(cooldown_minutes=90)
    moment = timezone.now().replace(year=2030, month=1, day=15, hour=12, minute=0, second=0, microsecond=0)
    with time_machine.travel(moment, tick=False):
        submit(world, start(world), {})
        with tz.override("Europe/Berlin"), pytest.raises(InvalidTransition) as refused:
            start(world)
    # 12:00 UTC + 90 minutes = 14:30 in Berlin (CET, UTC+1).
    assert "15 Jan 2030, 14:30 CET" in refused.value.message


# The time limit -----------------------------------------------------------------------------------------------------


def test_an_answer_after_the_deadline_is_refused_and_the_attempt_is_graded_on_what_came_in_time():
    world = quiz_world(time_limit_minutes=10)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        attempt = start(world)
        assert attempt.deadline_at == timezone.now() + timedelta(minutes=10)
        with world.scoped():
            quiz_attempt_answer(actor=world.learner, attempt=attempt, answers=[world.answer(attempt, TIER, "Platinum")])
        clock.shift(timedelta(minutes=11))
        late = world.answer(attempt, MDF, "True")
        with world.scoped(), pytest.raises(InvalidTransition) as refused:
            quiz_attempt_answer(actor=world.learner, attempt=attempt, answers=[late])
    assert refused.value.message.startswith("Time ran out at ")
    attempt = world.fresh(attempt)
    assert attempt.status == AttemptStatus.TIMED_OUT
    assert attempt.points == 1 and attempt.score == Decimal("25.00")
    with world.scoped():
        assert AttemptAnswer.objects.filter(attempt=attempt).count() == 1


def test_a_submission_after_the_deadline_grades_only_answers_given_in_time():
    world = quiz_world(time_limit_minutes=5)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        attempt = start(world)
        with world.scoped():
            quiz_attempt_answer(actor=world.learner, attempt=attempt, answers=[world.answer(attempt, TIER, "Platinum")])
        clock.shift(timedelta(minutes=6))
        attempt = submit(world, attempt, ALL_RIGHT)
    assert attempt.status == AttemptStatus.TIMED_OUT
    assert (attempt.points, attempt.passed) == (1, False)
    with world.scoped():
        # The late answers were not stored.
        assert AttemptAnswer.objects.filter(attempt=attempt).count() == 1


def test_a_submission_just_before_the_deadline_counts_in_full():
    world = quiz_world(time_limit_minutes=5)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        attempt = start(world)
        clock.shift(timedelta(minutes=5, seconds=2))  # within the few seconds' grace for the request in flight
        attempt = submit(world, attempt, ALL_RIGHT)
    assert attempt.status == AttemptStatus.SUBMITTED and attempt.passed


def test_the_sweep_closes_abandoned_attempts_past_their_deadline_and_the_cool_down_counts_from_the_deadline():
    world = quiz_world(time_limit_minutes=10, cooldown_minutes=30)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        started = timezone.now()
        attempt = start(world)
        with world.scoped():
            quiz_attempt_answer(actor=world.learner, attempt=attempt, answers=[world.answer(attempt, MDF, "True")])
        clock.shift(timedelta(minutes=5))
        with world.scoped():
            assert quiz_attempts_time_out() == 0
        clock.shift(timedelta(minutes=30))
        with world.scoped():
            assert quiz_attempts_time_out() == 1
            assert quiz_attempts_time_out() == 0
        attempt = world.fresh(attempt)
        assert attempt.status == AttemptStatus.TIMED_OUT and attempt.points == 1
        assert progress(world).status == LessonProgressStatus.FAILED
        # Ended at its deadline (10 min), so the 30-minute cool-down is over at 40 minutes, not 65.
        clock.move_to(started + timedelta(minutes=40, seconds=1))
        assert start(world).number == 2


def test_starting_after_an_abandoned_timed_attempt_closes_it_first():
    world = quiz_world(time_limit_minutes=10)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        first = start(world)
        clock.shift(timedelta(hours=1))
        second = start(world)
    assert second.number == 2
    assert world.fresh(first).status == AttemptStatus.TIMED_OUT


# Double submission ---------------------------------------------------------------------------------------------------


def test_a_second_submission_is_refused_and_the_first_grade_stands():
    world = quiz_world()
    attempt = start(world)
    submit(world, attempt, ALL_RIGHT)
    with pytest.raises(InvalidTransition) as refused:
        # A replay from another tab, with other answers.
        submit(
            world, attempt, answers=[AnswerInput(question_id=world.attempt_question(attempt, TIER).pk, choice_ids=[])]
        )
    assert refused.value.message.startswith("This attempt was already submitted, at ")
    assert world.fresh(attempt).score == Decimal("100.00")
    with pytest.raises(InvalidTransition):
        with world.scoped():
            quiz_attempt_answer(actor=world.learner, attempt=attempt, answers=[world.answer(attempt, TIER, "Silver")])


# Tampering and other people --------------------------------------------------------------------------------------


def test_an_unknown_choice_id_is_refused_naming_the_field_and_nothing_is_stored():
    world = quiz_world()
    attempt = start(world)
    right = world.answer(attempt, TIER, "Platinum")
    foreign = world.choice(PARTNER_TYPES, "Reseller").pk  # a real choice, of another question
    tampered = AnswerInput(question_id=world.attempt_question(attempt, MDF).pk, choice_ids=[foreign], field="q3")
    with pytest.raises(ValidationFailed) as refused:
        submit(world, attempt, answers=[right, tampered])
    assert refused.value.field == "q3"
    attempt = world.fresh(attempt)
    assert attempt.status == AttemptStatus.IN_PROGRESS
    with world.scoped():
        assert not AttemptAnswer.objects.filter(attempt=attempt).exists()


def test_a_question_not_in_my_attempt_is_refused_naming_the_field():
    world = quiz_world(questions_per_attempt=1)
    attempt = start(world)
    other = quiz_world(slug="other", name="Other")  # another tenant's attempt question id
    other_attempt = start(other)
    stranger = other.attempt_question(other_attempt, TIER).pk
    bad = AnswerInput(question_id=stranger, choice_ids=[], question_field="answers[0].question")
    with pytest.raises(ValidationFailed) as refused:
        submit(world, attempt, answers=[bad])
    assert refused.value.field == "answers[0].question"
    assert world.fresh(attempt).status == AttemptStatus.IN_PROGRESS


def test_two_choices_for_a_single_choice_question_are_refused():
    world = quiz_world()
    attempt = start(world)
    with pytest.raises(ValidationFailed, match="Choose one answer"):
        submit(world, attempt, answers=[world.answer(attempt, TIER, "Platinum", "Silver")])


def test_a_colleague_cannot_take_or_submit_my_attempt():
    world = quiz_world()
    attempt = start(world)
    colleague = PartnerUserFactory(tenant=world.tenant, partner_organization=world.partner)
    with pytest.raises(PermissionDenied):
        start(world, learner=colleague)
    with world.scoped(), pytest.raises(PermissionDenied):
        quiz_attempt_submit(actor=colleague, attempt=attempt, answers=[])
    # Their own enrollment works.
    own = EnrollmentFactory(tenant=world.tenant, course=world.course, membership=colleague)
    assert start(world, learner=colleague, enrollment=own).number == 1


def test_staff_cannot_take_a_quiz():
    world = quiz_world()
    with pytest.raises(PermissionDenied):
        start(world, learner=world.author)


def test_taking_the_course_again_starts_the_attempt_limit_afresh():
    world = quiz_world(attempt_limit=1, cooldown_minutes=60)
    submit(world, start(world), {})
    with pytest.raises(InvalidTransition):
        start(world)
    # A certification's renewal: the learner takes the course again (the next cycle).
    again = EnrollmentFactory(tenant=world.tenant, course=world.course, membership=world.learner, cycle=2)
    attempt = start(world, enrollment=again)
    assert attempt.number == 2 and attempt.enrollment_id == again.pk
