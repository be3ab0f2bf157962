"""Reads of quizzes: the author's editor, where a learner stands with a quiz (attempts used and left, the cool-down),
and an attempt's question sheet.

A sheet is built from plain values, never from `Choice` rows: before the attempt is closed it does not even load
which choices are correct or the explanations, so no page, partial or serializer can show them by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet

from enablement.models import (
    AttemptAnswer,
    AttemptQuestion,
    AttemptStatus,
    Choice,
    Enrollment,
    Lesson,
    LessonKind,
    LessonProgress,
    Question,
    QuestionKind,
    QuestionPool,
    Quiz,
    QuizAttempt,
)

# Answers that arrive this soon after the deadline still count: the page submits itself when its countdown reaches
# zero, and the request takes a moment to arrive. Enforced on the server like the deadline itself.
DEADLINE_GRACE = timedelta(seconds=10)


# The author's side ------------------------------------------------------------------------------------------------


def quiz_list() -> QuerySet[Quiz]:
    """The program's quizzes with the size of their pool (active questions), newest first."""
    return Quiz.objects.annotate(
        active_questions=Count("questions", filter=Q(questions__active=True), distinct=True),
        lesson_count=Count("lessons", distinct=True),
    ).order_by("-created_at", "-id")


def quiz_get(*, quiz_id: int) -> Quiz | None:
    return Quiz.objects.filter(pk=quiz_id).first()


def quiz_for_editing(*, quiz_id: int) -> Quiz | None:
    """A quiz with its pools and every question (active ones first, in order), each with its current version and
    that version's choices: four queries whatever the size of the pools."""
    questions = (
        Question.objects.select_related("current_version")
        .prefetch_related(Prefetch("current_version__choices", queryset=Choice.objects.order_by("position", "id")))
        .order_by("-active", "position", "id")
    )
    return (
        Quiz.objects.prefetch_related(
            Prefetch("pools", queryset=QuestionPool.objects.order_by("position", "id")),
            Prefetch("questions", queryset=questions),
        )
        .filter(pk=quiz_id)
        .first()
    )


@dataclass(frozen=True)
class PoolSummary:
    """A pool as the editor shows it: its questions (all, and active ones) and what an attempt draws from it."""

    pool: QuestionPool
    held: int
    active: int

    @property
    def drawn(self) -> int:
        draw = self.pool.questions_per_attempt
        return min(draw, self.active) if draw else self.active

    @property
    def short(self) -> bool:
        """It is set to draw more than it has active (questions were taken out of it since): draws what it has."""
        return bool(self.pool.questions_per_attempt) and self.pool.questions_per_attempt > self.active


def pool_summaries(quiz: Quiz) -> list[PoolSummary]:
    """The pools of a quiz from `quiz_for_editing` (no query): each with how many questions it holds and draws."""
    held: dict[int, int] = {}
    active: dict[int, int] = {}
    for question in quiz.questions.all():
        held[question.pool_id] = held.get(question.pool_id, 0) + 1
        if question.active and question.current_version_id:
            active[question.pool_id] = active.get(question.pool_id, 0) + 1
    return [PoolSummary(pool, held.get(pool.pk, 0), active.get(pool.pk, 0)) for pool in quiz.pools.all()]


def pool_get(*, quiz_id: int, pool_id: int) -> QuestionPool | None:
    return QuestionPool.objects.select_related("quiz").filter(quiz_id=quiz_id, pk=pool_id).first()


def question_get(*, quiz_id: int, question_id: int) -> Question | None:
    return (
        Question.objects.select_related("quiz", "current_version")
        .prefetch_related(Prefetch("current_version__choices", queryset=Choice.objects.order_by("position", "id")))
        .filter(quiz_id=quiz_id, pk=question_id)
        .first()
    )


# The learner's side -----------------------------------------------------------------------------------------------


def quiz_lesson_get(*, enrollment_id: int, lesson_id: int, user_id: int) -> tuple[Enrollment, Lesson] | None:
    """The learner's own enrollment and a quiz lesson of the course version it is pinned to, or None (someone
    else's enrollment, another course's lesson, a lesson that is no quiz: the page does not exist for them)."""
    enrollment = (
        Enrollment.objects.select_related("course", "course_version").filter(pk=enrollment_id, user_id=user_id).first()
    )
    if enrollment is None:
        return None
    lesson = (
        Lesson.objects.select_related("quiz", "module")
        .filter(
            pk=lesson_id,
            kind=LessonKind.QUIZ,
            quiz__isnull=False,
            module__version_id=enrollment.course_version_id,
        )
        .first()
    )
    return None if lesson is None else (enrollment, lesson)


def lesson_progress_get(*, enrollment: Enrollment, lesson: Lesson) -> LessonProgress | None:
    return LessonProgress.objects.filter(enrollment=enrollment, lesson=lesson).first()


@dataclass(frozen=True)
class Availability:
    """Where a learner stands with a quiz at a moment: the open attempt to continue, or whether a new one may start
    (attempt limit, cool-down) and when."""

    used: int
    limit: int | None
    open_attempt: QuizAttempt | None
    # When the cool-down after the last attempt ends (None: no cool-down running).
    next_attempt_at: datetime | None

    @property
    def left(self) -> int | None:
        return None if self.limit is None else max(self.limit - self.used, 0)

    @property
    def limit_reached(self) -> bool:
        return self.limit is not None and self.used >= self.limit

    @property
    def can_start(self) -> bool:
        return self.open_attempt is None and not self.limit_reached and self.next_attempt_at is None


def attempt_ended_at(attempt: QuizAttempt) -> datetime | None:
    """When an attempt ended: submitted, or — when it ran out of time and was closed later — its deadline."""
    if attempt.submitted_at is None:
        return None
    if attempt.deadline_at is not None and attempt.status == AttemptStatus.TIMED_OUT:
        return min(attempt.submitted_at, attempt.deadline_at)
    return attempt.submitted_at


def quiz_availability(
    *,
    quiz: Quiz,
    user_id: int,
    now: datetime,
    enrollment_id: int | None = None,
    attempts: list[QuizAttempt] | None = None,
) -> Availability:
    """One query (none when the learner's attempts, newest first, are given): a learner has a handful of attempts.
    With an enrollment, only its attempts count toward the limit and the cool-down: taking the course again (a
    certification's renewal) starts afresh. The open attempt is the learner's whatever the enrollment (one at a time
    per quiz)."""
    if attempts is None:
        attempts = attempts_of(quiz=quiz, user_id=user_id)
    open_attempt = next((a for a in attempts if a.status == AttemptStatus.IN_PROGRESS), None)
    closed = closed_attempts(attempts, enrollment_id=enrollment_id)
    next_attempt_at = None
    if closed and quiz.cooldown_minutes:
        ends = max(attempt_ended_at(a) for a in closed) + timedelta(minutes=quiz.cooldown_minutes)
        next_attempt_at = ends if ends > now else None
    return Availability(
        used=len(closed), limit=quiz.attempt_limit, open_attempt=open_attempt, next_attempt_at=next_attempt_at
    )


def closed_attempts(attempts: list[QuizAttempt], *, enrollment_id: int | None = None) -> list[QuizAttempt]:
    return [
        a
        for a in attempts
        if a.status != AttemptStatus.IN_PROGRESS and (enrollment_id is None or a.enrollment_id == enrollment_id)
    ]


def attempts_of(*, quiz: Quiz, user_id: int) -> list[QuizAttempt]:
    return list(QuizAttempt.objects.filter(quiz=quiz, user_id=user_id).order_by("-number"))


def attempt_is_past_deadline(attempt: QuizAttempt, now: datetime) -> bool:
    return attempt.deadline_at is not None and now > attempt.deadline_at + DEADLINE_GRACE


# The sheet: an attempt's questions as shown -------------------------------------------------------------------------


@dataclass
class SheetChoice:
    id: int
    text: str
    chosen: bool = False
    # Known only once the attempt is closed.
    correct: bool | None = None


@dataclass
class SheetQuestion:
    id: int
    position: int
    kind: str
    text: str
    points: int
    choices: list[SheetChoice] = field(default_factory=list)
    # Once the attempt is closed: the outcome, the points it earned and the author's explanation.
    correct: bool | None = None
    points_awarded: object = None
    explanation: str | None = None
    # A refused submission's message about this question (the page shows it beside it).
    error: str = ""

    @property
    def multiple(self) -> bool:
        return self.kind == QuestionKind.MULTIPLE

    @property
    def answered(self) -> bool:
        return any(choice.chosen for choice in self.choices)

    @property
    def field_name(self) -> str:
        """The form field of this question on the page: its place in the attempt (`q1`, `q2`…), not an id."""
        return f"q{self.position}"


@dataclass
class Sheet:
    attempt: QuizAttempt
    questions: list[SheetQuestion]

    @property
    def closed(self) -> bool:
        return self.attempt.status != AttemptStatus.IN_PROGRESS

    @property
    def answered_count(self) -> int:
        return sum(1 for question in self.questions if question.answered)

    @property
    def correct_count(self) -> int:
        return sum(1 for question in self.questions if question.correct)


def latest_answers(attempt: QuizAttempt, *, until: datetime | None = None) -> dict[int, list[int]]:
    """Question version id -> the choice ids of the last answer given (before `until`, when given)."""
    answers = AttemptAnswer.objects.filter(attempt=attempt)
    if until is not None:
        answers = answers.filter(answered_at__lte=until)
    latest: dict[int, list[int]] = {}
    for version_id, choice_ids in answers.order_by("answered_at", "id").values_list(
        "question_version_id", "choice_ids"
    ):
        latest[version_id] = list(choice_ids)
    return latest


def attempt_sheet(attempt: QuizAttempt, *, chosen: dict[int, list[int]] | None = None) -> Sheet:
    """The attempt's questions in the order it drew them, each with its choices in the order they were shown and the
    learner's current answers (or `chosen`, position -> choice ids, to show a refused submission as it was sent).
    Feedback (which choices are correct, the outcome, the explanation) only when the attempt is closed. Three or four
    queries, whatever the number of questions."""
    closed = attempt.status != AttemptStatus.IN_PROGRESS
    rows = list(
        AttemptQuestion.objects.filter(attempt=attempt)
        .select_related("question_version")
        .only(
            "id",
            "position",
            "choice_order",
            "correct",
            "points_awarded",
            "question_version__id",
            "question_version__kind",
            "question_version__text",
            "question_version__points",
            *(["question_version__explanation"] if closed else []),
        )
        .order_by("position")
    )
    version_ids = [row.question_version_id for row in rows]
    choice_fields = ["id", "question_version_id", "text", *(["is_correct"] if closed else [])]
    choices = {
        values["id"]: values
        for values in Choice.objects.filter(question_version_id__in=version_ids).values(*choice_fields)
    }
    if closed:
        cutoff = attempt.deadline_at + DEADLINE_GRACE if attempt.deadline_at else None
        answers = latest_answers(attempt, until=cutoff)
    else:
        answers = latest_answers(attempt)
    questions = []
    for row in rows:
        version = row.question_version
        if chosen is not None:
            picked = set(chosen.get(row.position, []))
        else:
            picked = set(answers.get(version.pk, []))
        question = SheetQuestion(
            id=row.pk, position=row.position, kind=version.kind, text=version.text, points=version.points
        )
        for choice_id in row.choice_order:
            values = choices.get(choice_id)
            if values is None:
                continue
            question.choices.append(
                SheetChoice(
                    id=choice_id,
                    text=values["text"],
                    chosen=choice_id in picked,
                    correct=values["is_correct"] if closed else None,
                )
            )
        if closed:
            question.correct = bool(row.correct)
            question.points_awarded = row.points_awarded
            question.explanation = version.explanation
        questions.append(question)
    return Sheet(attempt=attempt, questions=questions)


# The API's reads ----------------------------------------------------------------------------------------------------


def attempt_api_queryset() -> QuerySet[QuizAttempt]:
    return QuizAttempt.objects.select_related("quiz").order_by("-started_at", "-id")


def attempt_get(*, attempt_id: int, user_id: int) -> QuizAttempt | None:
    """One of the learner's own attempts."""
    return QuizAttempt.objects.select_related("quiz").filter(pk=attempt_id, user_id=user_id).first()


def has_open_attempt(*, quiz_id: int, user_id: int) -> bool:
    return QuizAttempt.objects.filter(quiz_id=quiz_id, user_id=user_id, status=AttemptStatus.IN_PROGRESS).exists()


def enrollment_of_user_exists(*, enrollment_id: int, user_id: int) -> bool:
    return Enrollment.objects.filter(pk=enrollment_id, user_id=user_id).exists()
