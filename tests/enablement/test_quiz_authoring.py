"""Authoring quizzes (enablement.services.quizzes): settings, questions in versions, the pool."""

import pytest

from enablement.models import Choice, Question, QuestionVersion, Quiz
from enablement.services.quizzes import (
    ChoiceDraft,
    QuizSettings,
    question_add,
    question_edit,
    question_set_active,
    quiz_create,
    quiz_update,
)
from prm.errors import PermissionDenied, ValidationFailed
from tests.enablement.quiz_support import TIER, quiz_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return quiz_world()


def test_an_author_creates_a_quiz_and_changes_its_settings(world):
    with world.scoped():
        quiz = quiz_create(actor=world.author, settings=QuizSettings(title="  Partner basics  "))
        assert quiz.title == "Partner basics" and quiz.passing_score == 80
        settings = QuizSettings(
            title="Partner basics",
            passing_score=70,
            attempt_limit=3,
            cooldown_minutes=60,
            time_limit_minutes=15,
            shuffle_questions=False,
            shuffle_choices=True,
        )
        quiz = quiz_update(actor=world.author, quiz=quiz, settings=settings)
        quiz.refresh_from_db()
    assert (quiz.passing_score, quiz.attempt_limit, quiz.cooldown_minutes, quiz.time_limit_minutes) == (70, 3, 60, 15)
    assert not quiz.shuffle_questions
    # Its questions go to the pool it was created with, which draws every one of them.
    with world.scoped():
        assert [(pool.name, pool.questions_per_attempt) for pool in quiz.pools.all()] == [("Questions", None)]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", " "),
        ("passing_score", 101),
        ("attempt_limit", 0),
        ("cooldown_minutes", -1),
        ("time_limit_minutes", 0),
    ],
)
def test_bad_settings_are_refused_naming_the_field(world, field, value):
    settings = QuizSettings(**{"title": "Quiz", field: value})
    with world.scoped(), pytest.raises(ValidationFailed) as refused:
        quiz_create(actor=world.author, settings=settings)
    assert refused.value.field == field
    with world.scoped():
        assert Quiz.objects.count() == 1  # the world's own


def test_partners_cannot_author(world):
    with world.scoped(), pytest.raises(PermissionDenied):
        quiz_create(actor=world.learner, settings=QuizSettings(title="Mine"))


def test_adding_a_question_adds_its_first_version_with_its_choices(world):
    with world.scoped():
        question = question_add(
            actor=world.author,
            quiz=world.quiz,
            kind="multiple",
            text="Which ports does the firewall inspect?",
            choices=[ChoiceDraft("80", True), ChoiceDraft("443", True), ChoiceDraft("", False), ("8080", False)],
            explanation="Web traffic.",
            points=3,
        )
        version = question.current_version
        assert question.position == 4 and version.number == 1 and version.points == 3
        # Blank choice rows are left out.
        assert list(version.choices.values_list("text", "is_correct")) == [("80", True), ("443", True), ("8080", False)]


@pytest.mark.parametrize(
    ("kind", "choices", "message"),
    [
        ("single", [("A", True), ("B", True)], "exactly one"),
        ("multiple", [("A", False), ("B", False)], "at least one"),
        ("single", [("A", True)], "from 2 to 10"),
        ("true_false", [("True", True), ("False", True)], "exactly one"),
        ("true_false", [("True", True), ("False", False), ("Maybe", False)], "two choices"),
        ("single", [("A", True), ("a", False)], "same text"),
    ],
)
def test_a_question_with_impossible_choices_is_refused_naming_the_choices(world, kind, choices, message):
    with world.scoped(), pytest.raises(ValidationFailed, match=message) as refused:
        question_add(actor=world.author, quiz=world.quiz, kind=kind, text="A question", choices=choices)
    assert refused.value.field == "choices"
    with world.scoped():
        assert Question.objects.count() == 3


def test_editing_adds_a_version_and_leaves_the_old_one_as_it_was(world):
    old = world.questions[TIER]
    with world.scoped():
        new = question_edit(
            actor=world.author,
            question=old.question,
            kind="single",
            text="Which tier is the top tier?",
            choices=[("Platinum", True), ("Gold", False)],
            explanation="Platinum.",
        )
        assert new.number == 2 and new.pk != old.pk
        old.refresh_from_db()
        assert old.text == TIER
        assert list(Choice.objects.filter(question_version=old).values_list("text", flat=True)) == [
            "Platinum",
            "Silver",
            "Registered",
        ]
        # The same content again adds no version.
        same = question_edit(
            actor=world.author,
            question=old.question,
            kind="single",
            text="Which tier is the top tier?",
            choices=[("Platinum", True), ("Gold", False)],
            explanation="Platinum.",
        )
        assert same.pk == new.pk
        assert QuestionVersion.objects.filter(question=old.question).count() == 2


def test_a_deactivated_question_leaves_the_pool(world):
    question = world.questions[TIER].question
    with world.scoped():
        question_set_active(actor=world.author, question=question, active=False)
        assert Question.objects.filter(quiz=world.quiz, active=True).count() == 2
        question_set_active(actor=world.author, question=question, active=True)
        assert Question.objects.filter(quiz=world.quiz, active=True).count() == 3
