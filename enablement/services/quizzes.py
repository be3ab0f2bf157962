"""Quizzes: authoring (settings, named pools of questions, questions kept in versions) and taking (attempts drawn
from each pool, answers kept as append-only steps, grading on the server).

The rules, once, for the pages, the API and the tasks:
- A quiz has one or more named pools ("5 from Networking, 3 from Licensing"); each question is in one of them. An
  attempt draws each pool's number of its active questions (every one when the pool draws all). A pool cannot draw
  more than it holds when its draw is set, and a pool that holds questions cannot be deleted.
- Editing a question adds a version; an attempt is pinned to the versions it drew, so a past grade never changes.
- A learner has one open attempt per quiz (a second tab continues it). A new one starts only within the attempt
  limit and once the cool-down after the last one has passed; the refusal says when the next is possible.
- The time limit is the server's: answers after the deadline (plus a few seconds' grace for the request in flight)
  are refused, and a late submission grades what was answered in time and marks the attempt timed out.
- Submitting locks the attempt's row: a second submission (another tab, a replay) is refused with the time of the
  first. A single-choice or true/false question is right when exactly its correct choice is given; a
  multiple-choice question only when the chosen set is the correct set — one wrong choice makes it wrong.
- Bad answers (an unknown choice, a question the attempt did not draw) are refused naming the field, before
  anything is stored.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from enablement.models import (
    AttemptAnswer,
    AttemptQuestion,
    AttemptStatus,
    Choice,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonKind,
    Question,
    QuestionKind,
    QuestionPool,
    QuestionVersion,
    Quiz,
    QuizAttempt,
)
from enablement.selectors.quizzes import (
    DEADLINE_GRACE,
    attempt_is_past_deadline,
    latest_answers,
    quiz_availability,
)
from enablement.services.progress import lesson_result_record, lesson_start
from prm import policy
from prm.cleaning import clean_text
from prm.errors import InvalidTransition, PermissionDenied, ValidationFailed
from prm.policy import Actor

TITLE_MAX = 200
QUESTION_TEXT_MAX = 2000
EXPLANATION_MAX = 5000
CHOICE_TEXT_MAX = 500
MIN_CHOICES = 2
MAX_CHOICES = 10
MAX_POINTS = 100
MAX_ATTEMPT_LIMIT = 100
MAX_COOLDOWN_MINUTES = 60 * 24 * 365
MAX_TIME_LIMIT_MINUTES = 60 * 24
MAX_QUESTIONS_PER_ATTEMPT = 200
POOL_NAME_MAX = 100
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def attempt_score(points: Decimal, max_points: Decimal) -> Decimal:
    """An attempt's score in percent to the cent, the one rule grading and the demo's history both use."""
    return (points * HUNDRED / max_points).quantize(CENT) if max_points else Decimal(0)


def _shown_time(value: datetime) -> str:
    """A moment in the reader's time zone (the request's active one), naming the zone."""
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


# Authoring ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceDraft:
    text: str
    correct: bool = False


@dataclass(frozen=True)
class QuizSettings:
    title: str
    passing_score: int = 80
    attempt_limit: int | None = None
    cooldown_minutes: int = 0
    time_limit_minutes: int | None = None
    shuffle_questions: bool = True
    shuffle_choices: bool = True


def _whole_number(value, *, field: str, low: int, high: int, optional: bool = False) -> int | None:
    if value in (None, "") and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed(_("Enter a whole number."), field=field)
    if not low <= value <= high:
        raise ValidationFailed(
            _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high},
            field=field,
        )
    return value


def _clean_settings(settings: QuizSettings) -> dict:
    return {
        "title": clean_text(settings.title, field="title", max_length=TITLE_MAX, required=_("Give the quiz a title.")),
        "passing_score": _whole_number(settings.passing_score, field="passing_score", low=0, high=100),
        "attempt_limit": _whole_number(
            settings.attempt_limit, field="attempt_limit", low=1, high=MAX_ATTEMPT_LIMIT, optional=True
        ),
        "cooldown_minutes": _whole_number(
            settings.cooldown_minutes, field="cooldown_minutes", low=0, high=MAX_COOLDOWN_MINUTES
        ),
        "time_limit_minutes": _whole_number(
            settings.time_limit_minutes, field="time_limit_minutes", low=1, high=MAX_TIME_LIMIT_MINUTES, optional=True
        ),
        "shuffle_questions": bool(settings.shuffle_questions),
        "shuffle_choices": bool(settings.shuffle_choices),
    }


def quiz_create(*, actor: Actor, settings: QuizSettings) -> Quiz:
    """A new quiz with no questions yet (a quiz lesson of a course points at it) and one pool that draws every
    question; more pools can be added."""
    policy.require(actor, "courses.manage")
    values = _clean_settings(settings)
    with transaction.atomic():
        return new_quiz(**values)


def new_quiz(**values) -> Quiz:
    """A quiz with its first pool (every quiz has one: its questions go there unless the author names another).
    For the services that create a quiz with what they checked themselves (a quiz lesson's)."""
    quiz = Quiz.objects.create(**values)
    QuestionPool.objects.create(quiz=quiz, name=_("Questions"), position=1)
    return quiz


def quiz_update(*, actor: Actor, quiz: Quiz, settings: QuizSettings) -> Quiz:
    """Change a quiz's settings. Attempts already closed keep their grade; an open attempt keeps the deadline and
    questions it started with."""
    policy.require(actor, "courses.manage", quiz)
    values = _clean_settings(settings)
    with transaction.atomic():
        quiz = Quiz.objects.select_for_update().get(pk=quiz.pk)
        for name, value in values.items():
            setattr(quiz, name, value)
        quiz.save()
        return quiz


# Pools ---------------------------------------------------------------------------------------------------------


def _clean_pool_name(quiz: Quiz, name, *, pool: QuestionPool | None = None) -> str:
    name = clean_text(name, field="name", max_length=POOL_NAME_MAX, required=_("Name the pool."))
    others = QuestionPool.objects.filter(quiz=quiz, name__iexact=name)
    if pool is not None:
        others = others.exclude(pk=pool.pk)
    if others.exists():
        raise ValidationFailed(_("This quiz already has a pool with this name."), field="name")
    return name


def _clean_draw(value, *, active: int) -> int | None:
    """A pool's draw: None (every active question) or a number no larger than its active questions."""
    value = _whole_number(value, field="questions_per_attempt", low=1, high=MAX_QUESTIONS_PER_ATTEMPT, optional=True)
    if value is not None and value > active:
        raise ValidationFailed(
            ngettext(
                "This pool has %(count)s active question: it cannot draw more.",
                "This pool has %(count)s active questions: it cannot draw more.",
                active,
            )
            % {"count": active},
            field="questions_per_attempt",
        )
    return value


def _active_in(pool: QuestionPool | None) -> int:
    if pool is None:
        return 0
    return Question.objects.filter(pool=pool, active=True, current_version__isnull=False).count()


def pool_add(*, actor: Actor, quiz: Quiz, name: str, questions_per_attempt: int | None = None) -> QuestionPool:
    """A new, empty pool at the end of the quiz's (it draws all its questions, none yet: a number of questions to
    draw is set once it holds them)."""
    policy.require(actor, "courses.manage", quiz)
    with transaction.atomic():
        quiz = Quiz.objects.select_for_update().get(pk=quiz.pk)
        name = _clean_pool_name(quiz, name)
        draw = _clean_draw(questions_per_attempt, active=0)
        last = QuestionPool.objects.filter(quiz=quiz).aggregate(last=Max("position"))["last"] or 0
        return QuestionPool.objects.create(quiz=quiz, name=name, questions_per_attempt=draw, position=last + 1)


def pool_update(*, actor: Actor, pool: QuestionPool, name: str, questions_per_attempt: int | None) -> QuestionPool:
    """Rename a pool and set how many of its active questions each attempt draws (None: all). Attempts already
    started keep the questions they drew."""
    policy.require(actor, "courses.manage", pool)
    with transaction.atomic():
        Quiz.objects.select_for_update().get(pk=pool.quiz_id)
        pool = QuestionPool.objects.get(pk=pool.pk)
        pool.name = _clean_pool_name(pool.quiz, name, pool=pool)
        pool.questions_per_attempt = _clean_draw(questions_per_attempt, active=_active_in(pool))
        pool.save(update_fields=["name", "questions_per_attempt", "updated_at"])
        return pool


def pool_delete(*, actor: Actor, pool: QuestionPool) -> None:
    """Delete an empty pool. One that holds questions (active or not: past attempts drew them) is refused, and so
    is the quiz's last pool."""
    policy.require(actor, "courses.manage", pool)
    with transaction.atomic():
        Quiz.objects.select_for_update().get(pk=pool.quiz_id)
        held = Question.objects.filter(pool_id=pool.pk).count()
        if held:
            raise InvalidTransition(
                ngettext(
                    "The pool “%(pool)s” holds %(count)s question: move it to another pool first.",
                    "The pool “%(pool)s” holds %(count)s questions: move them to another pool first.",
                    held,
                )
                % {"pool": pool.name, "count": held},
                field="pool",
            )
        if not QuestionPool.objects.filter(quiz_id=pool.quiz_id).exclude(pk=pool.pk).exists():
            raise InvalidTransition(_("A quiz keeps at least one pool."), field="pool")
        QuestionPool.objects.filter(pk=pool.pk).delete()


def _pool_of(quiz: Quiz, pool_id) -> QuestionPool:
    """The quiz's pool with this id (its first when None); any other id is refused naming the field."""
    pools = QuestionPool.objects.filter(quiz=quiz)
    if pool_id in (None, ""):
        pool = pools.order_by("position", "id").first()
    else:
        valid = isinstance(pool_id, int) and not isinstance(pool_id, bool)
        pool = pools.filter(pk=pool_id).first() if valid else None
    if pool is None:
        raise ValidationFailed(_("Choose one of this quiz's pools."), field="pool")
    return pool


# Questions -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CleanQuestion:
    kind: str
    text: str
    explanation: str
    points: int
    choices: tuple[ChoiceDraft, ...]


def _clean_question(*, kind, text, explanation, points, choices: Iterable) -> _CleanQuestion:
    if kind not in QuestionKind.values:
        raise ValidationFailed(_("Choose single choice, multiple choice or true or false."), field="kind")
    text = clean_text(text, field="text", max_length=QUESTION_TEXT_MAX, required=_("Write the question."))
    explanation = clean_text(explanation, field="explanation", max_length=EXPLANATION_MAX)
    points = _whole_number(points, field="points", low=1, high=MAX_POINTS)
    drafts = []
    for draft in choices:
        draft = draft if isinstance(draft, ChoiceDraft) else ChoiceDraft(*draft)
        choice_text = clean_text(draft.text, field="choices", max_length=CHOICE_TEXT_MAX)
        if choice_text:
            drafts.append(ChoiceDraft(choice_text, bool(draft.correct)))
    if len({d.text.casefold() for d in drafts}) != len(drafts):
        raise ValidationFailed(_("Two choices have the same text: make each one different."), field="choices")
    correct = sum(1 for d in drafts if d.correct)
    if kind == QuestionKind.TRUE_FALSE:
        if len(drafts) != 2 or correct != 1:
            raise ValidationFailed(
                _("A true-or-false question has two choices (true and false), exactly one of them correct."),
                field="choices",
            )
    elif len(drafts) < MIN_CHOICES or len(drafts) > MAX_CHOICES:
        raise ValidationFailed(
            _("Give from %(low)s to %(high)s choices.") % {"low": MIN_CHOICES, "high": MAX_CHOICES}, field="choices"
        )
    elif kind == QuestionKind.SINGLE and correct != 1:
        raise ValidationFailed(_("Mark exactly one choice as correct for a single-choice question."), field="choices")
    elif kind == QuestionKind.MULTIPLE and correct < 1:
        raise ValidationFailed(_("Mark at least one choice as correct."), field="choices")
    return _CleanQuestion(kind, text, explanation, points, tuple(drafts))


def _add_version(question: Question, number: int, clean: _CleanQuestion) -> QuestionVersion:
    version = QuestionVersion.objects.create(
        question=question,
        number=number,
        kind=clean.kind,
        text=clean.text,
        explanation=clean.explanation,
        points=clean.points,
    )
    Choice.objects.bulk_create(
        Choice(question_version=version, text=draft.text, is_correct=draft.correct, position=index)
        for index, draft in enumerate(clean.choices, start=1)
    )
    question.current_version = version
    question.save(update_fields=["current_version", "updated_at"])
    return version


def question_add(
    *,
    actor: Actor,
    quiz: Quiz,
    kind: str,
    text: str,
    choices: Sequence[ChoiceDraft | tuple[str, bool]],
    explanation: str = "",
    points: int = 1,
    pool_id: int | None = None,
) -> Question:
    """Add a question to one of the quiz's pools (its first when none is named), at the end, with its first
    version."""
    policy.require(actor, "courses.manage", quiz)
    clean = _clean_question(kind=kind, text=text, explanation=explanation, points=points, choices=choices)
    with transaction.atomic():
        quiz = Quiz.objects.select_for_update().get(pk=quiz.pk)
        pool = _pool_of(quiz, pool_id)
        last = Question.objects.filter(quiz=quiz).aggregate(last=Max("position"))["last"] or 0
        question = Question.objects.create(quiz=quiz, pool=pool, position=last + 1)
        _add_version(question, 1, clean)
        return question


def question_edit(
    *,
    actor: Actor,
    question: Question,
    kind: str,
    text: str,
    choices: Sequence[ChoiceDraft | tuple[str, bool]],
    explanation: str = "",
    points: int = 1,
    pool_id: int | None = None,
) -> QuestionVersion:
    """Change a question: a new version becomes the current one, drawn by attempts from now on. Versions already
    drawn stay as they were, so grades given on them never change. An edit that changes nothing adds no version.
    With `pool_id`, the question moves to that pool of its quiz (attempts already started keep what they drew)."""
    policy.require(actor, "courses.manage", question)
    clean = _clean_question(kind=kind, text=text, explanation=explanation, points=points, choices=choices)
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        if pool_id not in (None, ""):
            pool = _pool_of(question.quiz, pool_id)
            if pool.pk != question.pool_id:
                question.pool = pool
                question.save(update_fields=["pool", "updated_at"])
        current = question.current_version
        if current is not None and _same(current, clean):
            return current
        last = question.versions.aggregate(last=Max("number"))["last"] or 0
        return _add_version(question, last + 1, clean)


def _same(version: QuestionVersion, clean: _CleanQuestion) -> bool:
    choices = tuple(ChoiceDraft(c.text, c.is_correct) for c in version.choices.order_by("position", "id"))
    return (version.kind, version.text, version.explanation, version.points, choices) == (
        clean.kind,
        clean.text,
        clean.explanation,
        clean.points,
        clean.choices,
    )


def question_set_active(*, actor: Actor, question: Question, active: bool) -> Question:
    """Take a question out of the pool (attempts from now on no longer draw it; past attempts keep it), or put it
    back."""
    policy.require(actor, "courses.manage", question)
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        if question.active != active:
            question.active = active
            question.save(update_fields=["active", "updated_at"])
        return question


# Taking ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerInput:
    """The choices given for one question of an attempt (an AttemptQuestion's id). `field` names the input an error
    about the choices points to, `question_field` the input naming the question (the page's `q2`, the API's
    `answers[1].choices` and `answers[1].question`)."""

    question_id: int
    choice_ids: Sequence[int]
    field: str = "choices"
    question_field: str = "question"


def _require_learner(actor: Actor, obj) -> None:
    """Only the learner takes their own quiz: a colleague, a partner's admin or an API key is refused like anyone
    who may not see it."""
    policy.require(actor, "learning.take", obj)
    user = getattr(actor, "user", None)
    if user is None or obj.user_id != user.pk:
        raise PermissionDenied(_("You do not have access to this."))


def _draw(quiz: Quiz, rng) -> list[tuple[int, list[int]]]:
    """(question version id, choice ids in the order shown) for a new attempt: from each pool, its number of its
    active questions (all when it draws no fixed number, or holds fewer), pool after pool, shuffled when the quiz
    says so."""
    pools: dict[int, tuple[int | None, list[int]]] = {}
    for pool_id, draw, version_id in (
        Question.objects.filter(quiz=quiz, active=True, current_version__isnull=False)
        .order_by("pool__position", "pool_id", "position", "id")
        .values_list("pool_id", "pool__questions_per_attempt", "current_version_id")
    ):
        pools.setdefault(pool_id, (draw, []))[1].append(version_id)
    pool = []
    for draw, version_ids in pools.values():
        if draw and draw < len(version_ids):
            drawn = set(rng.sample(version_ids, draw))
            version_ids = [version_id for version_id in version_ids if version_id in drawn]
        pool.extend(version_ids)
    if quiz.shuffle_questions:
        rng.shuffle(pool)
    choices: dict[int, list[int]] = {version_id: [] for version_id in pool}
    for version_id, choice_id in (
        Choice.objects.filter(question_version_id__in=pool)
        .order_by("position", "id")
        .values_list("question_version_id", "id")
    ):
        choices[version_id].append(choice_id)
    if quiz.shuffle_choices:
        for ids in choices.values():
            rng.shuffle(ids)
    return [(version_id, choices[version_id]) for version_id in pool]


def quiz_attempt_start(*, actor: Actor, enrollment: Enrollment, lesson: Lesson, now: datetime | None = None):
    """Start an attempt at a quiz lesson of the learner's own enrollment — or continue the open one (a second tab,
    a double click). Refused when the attempt limit is reached or the cool-down after the last attempt has not
    passed (the message says when the next attempt is possible). An open attempt past its deadline is closed
    (graded as timed out) first."""
    _require_learner(actor, enrollment)
    now = now or timezone.now()
    if lesson.kind != LessonKind.QUIZ or lesson.quiz_id is None:
        raise ValidationFailed(_("This lesson is not a quiz."), field="lesson")
    with transaction.atomic():
        # One learner's starts run one after the other (two tabs): the second continues the first's attempt.
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if lesson.module.version_id != enrollment.course_version_id:
            raise ValidationFailed(_("This lesson is not part of the course version you are taking."), field="lesson")
        if enrollment.status == EnrollmentStatus.WITHDRAWN:
            raise ValidationFailed(_("This enrollment was withdrawn."), field="enrollment")
        quiz = Quiz.objects.get(pk=lesson.quiz_id)
        availability = quiz_availability(quiz=quiz, user_id=enrollment.user_id, now=now, enrollment_id=enrollment.pk)
        if availability.open_attempt is not None:
            attempt = QuizAttempt.objects.select_for_update().get(pk=availability.open_attempt.pk)
            if not attempt_is_past_deadline(attempt, now):
                return attempt
            _close(attempt, now)
            availability = quiz_availability(
                quiz=quiz, user_id=enrollment.user_id, now=now, enrollment_id=enrollment.pk
            )
        _check_may_start(availability)
        drawn = _draw(quiz, secrets.SystemRandom())
        if not drawn:
            raise InvalidTransition(_("This quiz has no questions yet."), field="lesson")
        number = (
            (QuizAttempt.objects.filter(quiz=quiz, user_id=enrollment.user_id).aggregate(n=Max("number"))["n"]) or 0
        )
        try:
            with transaction.atomic():
                attempt = QuizAttempt.objects.create(
                    quiz=quiz,
                    user_id=enrollment.user_id,
                    partner_organization_id=enrollment.partner_organization_id,
                    enrollment=enrollment,
                    lesson=lesson,
                    number=number + 1,
                    started_at=now,
                    deadline_at=now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None,
                )
        except IntegrityError:
            # Another session of the learner started one without the enrollment's lock (a final exam taken outside
            # the course): continue it.
            return QuizAttempt.objects.get(quiz=quiz, user_id=enrollment.user_id, status=AttemptStatus.IN_PROGRESS)
        AttemptQuestion.objects.bulk_create(
            AttemptQuestion(attempt=attempt, question_version_id=version_id, position=position, choice_order=order)
            for position, (version_id, order) in enumerate(drawn, start=1)
        )
        lesson_start(enrollment=enrollment, lesson=lesson, at=now)
        return attempt


def _check_may_start(availability) -> None:
    if availability.limit_reached:
        raise InvalidTransition(
            ngettext(
                "You have used your %(limit)s attempt at this quiz.",
                "You have used all %(limit)s attempts at this quiz.",
                availability.limit,
            )
            % {"limit": availability.limit},
            field="lesson",
        )
    if availability.next_attempt_at is not None:
        raise InvalidTransition(
            _("Your next attempt is possible from %(time)s.") % {"time": _shown_time(availability.next_attempt_at)},
            field="lesson",
        )


def _locked_open_attempt(actor: Actor, attempt: QuizAttempt, answers: Sequence[AnswerInput]):
    """The attempt, locked, with the answers checked: refused when the answers do not fit it (400), when the actor
    is not its learner (404: those who may read it — their partner's admin — learn nothing new from the answers'
    refusal), when it is closed (409). Returns (attempt, the cleaned answers, the questions it drew)."""
    policy.require(actor, "learning.take", attempt)
    # Only the attempt's row: learners submitting the same quiz at once must not queue on the quiz's.
    attempt = (
        QuizAttempt.objects.select_for_update(of=("self",))
        .select_related("quiz", "enrollment", "lesson__module")
        .get(pk=attempt.pk)
    )
    drawn = _drawn(attempt)
    cleaned = _validated(drawn, answers)
    _require_learner(actor, attempt)
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise InvalidTransition(
            _("This attempt was already submitted, at %(time)s. Its result stands.")
            % {"time": _shown_time(attempt.submitted_at)},
            field="status",
        )
    return attempt, cleaned, drawn


def _drawn(attempt: QuizAttempt) -> dict[int, AttemptQuestion]:
    """The attempt's questions by id, with what checking answers and grading them read (one query for both)."""
    return {
        row.pk: row
        for row in AttemptQuestion.objects.filter(attempt=attempt)
        .select_related("question_version")
        .only("id", "choice_order", "question_version__id", "question_version__kind", "question_version__points")
    }


def _validated(drawn: dict[int, AttemptQuestion], answers: Sequence[AnswerInput]) -> list[tuple[int, list[int]]]:
    """(question version id, choice ids) for each answer, or a ValidationFailed naming the first field at fault:
    a question the attempt did not draw, one answered twice, a choice that is not one of the question's, two
    choices for a question that takes one."""
    seen = set()
    cleaned = []
    for answer in answers:
        row = drawn.get(answer.question_id) if isinstance(answer.question_id, int) else None
        if row is None:
            raise ValidationFailed(_("This question is not part of your attempt."), field=answer.question_field)
        if row.pk in seen:
            raise ValidationFailed(_("This question is answered twice."), field=answer.question_field)
        seen.add(row.pk)
        offered = set(row.choice_order)
        chosen = []
        for choice_id in answer.choice_ids:
            if isinstance(choice_id, bool) or not isinstance(choice_id, int) or choice_id not in offered:
                raise ValidationFailed(_("This is not one of the question's choices."), field=answer.field)
            if choice_id not in chosen:
                chosen.append(choice_id)
        if len(chosen) > 1 and row.question_version.kind != QuestionKind.MULTIPLE:
            raise ValidationFailed(_("Choose one answer to this question."), field=answer.field)
        cleaned.append((row.question_version_id, sorted(chosen)))
    return cleaned


def _append(attempt: QuizAttempt, cleaned: list[tuple[int, list[int]]], now: datetime) -> dict[int, list[int]]:
    """Append the answers that differ from the last one given to their question; returns the latest answers now
    (question version id -> choice ids)."""
    latest = latest_answers(attempt)
    rows = [
        AttemptAnswer(attempt=attempt, question_version_id=version_id, choice_ids=choice_ids, answered_at=now)
        for version_id, choice_ids in cleaned
        if sorted(latest.get(version_id, [])) != choice_ids and (choice_ids or version_id in latest)
    ]
    AttemptAnswer.objects.bulk_create(rows)
    return {**latest, **{row.question_version_id: row.choice_ids for row in rows}}


def quiz_attempt_answer(
    *, actor: Actor, attempt: QuizAttempt, answers: Sequence[AnswerInput], now: datetime | None = None
) -> QuizAttempt:
    """Keep the learner's answers as they go (each change is a new step; nothing is overwritten). Refused once the
    attempt is closed or its time has run out — in which case the attempt is closed and graded on what was
    answered in time (kept even though the call is refused)."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt, cleaned, drawn = _locked_open_attempt(actor, attempt, answers)
        timed_out = attempt_is_past_deadline(attempt, now)
        if timed_out:
            _close(attempt, now, drawn=drawn)
        else:
            _append(attempt, cleaned, now)
    if timed_out:
        raise InvalidTransition(
            _(
                "Time ran out at %(time)s: this answer came too late. "
                "Your attempt was graded on what you answered in time."
            )
            % {"time": _shown_time(attempt.deadline_at)},
            field="status",
        )
    return attempt


def quiz_attempt_submit(
    *, actor: Actor, attempt: QuizAttempt, answers: Sequence[AnswerInput] = (), now: datetime | None = None
) -> QuizAttempt:
    """Submit an attempt (with its last answers) and grade it on the server. A second submission is refused. After
    the deadline the answers sent now do not count: the attempt is graded on what was answered in time and marked
    timed out."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt, cleaned, drawn = _locked_open_attempt(actor, attempt, answers)
        if attempt_is_past_deadline(attempt, now):
            return _close(attempt, now, drawn=drawn)
        return _close(attempt, now, latest=_append(attempt, cleaned, now), drawn=drawn)


def _close(
    attempt: QuizAttempt,
    now: datetime,
    latest: dict[int, list[int]] | None = None,
    drawn: dict[int, AttemptQuestion] | None = None,
) -> QuizAttempt:
    """Grade a locked open attempt, close it (submitted, or timed out when past its deadline) and record the quiz
    lesson's result. `latest`: the answers just appended in time, and `drawn`: the attempt's questions, when the
    caller has them."""
    timed_out = attempt_is_past_deadline(attempt, now)
    if timed_out or latest is None:
        latest = latest_answers(attempt, until=attempt.deadline_at + DEADLINE_GRACE if timed_out else None)
    answers = latest
    rows = list((drawn if drawn is not None else _drawn(attempt)).values())
    correct_sets: dict[int, set[int]] = {row.question_version_id: set() for row in rows}
    for version_id, choice_id in Choice.objects.filter(
        question_version_id__in=list(correct_sets), is_correct=True
    ).values_list("question_version_id", "id"):
        correct_sets[version_id].add(choice_id)
    points = max_points = Decimal(0)
    for row in rows:
        chosen = set(answers.get(row.question_version_id, []))
        row.correct = bool(chosen) and chosen == correct_sets[row.question_version_id]
        worth = Decimal(row.question_version.points)
        row.points_awarded = worth if row.correct else Decimal(0)
        row.updated_at = now
        points += row.points_awarded
        max_points += worth
    AttemptQuestion.objects.bulk_update(rows, ["correct", "points_awarded", "updated_at"])
    quiz = attempt.quiz
    attempt.points, attempt.max_points = points, max_points
    attempt.score = attempt_score(points, max_points)
    attempt.passed = attempt.score >= quiz.passing_score
    attempt.status = AttemptStatus.TIMED_OUT if timed_out else AttemptStatus.SUBMITTED
    attempt.submitted_at = now
    attempt.save()
    if attempt.enrollment_id and attempt.lesson_id:
        lesson_result_record(
            enrollment=attempt.enrollment,
            lesson=attempt.lesson,
            completed=True,
            passed=attempt.passed,
            score=attempt.score,
            at=now,
        )
    if attempt.passed:
        # A passed quiz may be a certification's final exam, the last thing its requirements missed.
        from enablement.services.certifications import certifications_award_for_learner

        certifications_award_for_learner(
            user_id=attempt.user_id, partner_organization_id=attempt.partner_organization_id, quiz_id=quiz.pk
        )
    return attempt


def quiz_attempts_time_out(*, now: datetime | None = None, limit: int = 500) -> int:
    """The program's sweep (a Celery task per tenant): close the open attempts whose time ran out and that nobody
    submitted — a closed browser, a lost connection — so their grade, the lesson's result and the cool-down count
    from the deadline. Attempts being submitted right now are skipped (locked), not waited for. Returns how many."""
    now = now or timezone.now()
    closed = 0
    with transaction.atomic():
        expired = list(
            QuizAttempt.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("quiz")
            .filter(status=AttemptStatus.IN_PROGRESS, deadline_at__lt=now - DEADLINE_GRACE)
            .order_by("deadline_at", "id")[:limit]
        )
        for attempt in expired:
            _close(attempt, now)
            closed += 1
    return closed
