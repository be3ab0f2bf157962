"""Two tabs at once: submitting the same attempt twice gives one grade and a clear refusal; starting twice gives one
attempt."""

from decimal import Decimal

import pytest

from enablement.models import AttemptStatus, QuizAttempt
from enablement.services.quizzes import AnswerInput, quiz_attempt_start, quiz_attempt_submit
from prm.errors import InvalidTransition
from tests.concurrency import race
from tests.enablement.quiz_support import ALL_RIGHT, TIER, answers_for, quiz_world


@pytest.mark.django_db(transaction=True)
def test_two_tabs_submitting_at_once_one_grade_stands_and_the_other_is_refused():
    world = quiz_world()
    with world.scoped():
        attempt = quiz_attempt_start(actor=world.learner, enrollment=world.enrollment, lesson=world.lesson)
    right = answers_for(world, attempt, ALL_RIGHT)
    wrong = [AnswerInput(question_id=world.attempt_question(attempt, TIER).pk, choice_ids=[])]

    graded, refused = race(
        world.tenant,
        lambda: quiz_attempt_submit(actor=world.learner, attempt=attempt, answers=right),
        lambda: quiz_attempt_submit(actor=world.learner, attempt=attempt, answers=wrong),
    )

    assert graded.score == Decimal("100.00")
    assert isinstance(refused, InvalidTransition), refused
    assert refused.message.startswith("This attempt was already submitted, at ")
    attempt = world.fresh(attempt)
    assert attempt.status == AttemptStatus.SUBMITTED and attempt.score == Decimal("100.00")


@pytest.mark.django_db(transaction=True)
def test_two_tabs_starting_at_once_share_one_attempt():
    world = quiz_world()

    def start():
        return quiz_attempt_start(actor=world.learner, enrollment=world.enrollment, lesson=world.lesson)

    first, second = race(world.tenant, start, start)

    assert not isinstance(second, Exception), second
    assert first.pk == second.pk
    with world.scoped():
        assert QuizAttempt.objects.filter(quiz=world.quiz).count() == 1
