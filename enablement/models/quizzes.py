"""Quizzes: questions in versions, attempts pinned to the versions they drew, answers kept as append-only steps.

Editing a question adds a version; an attempt points at the versions it drew, so a past grade never changes. Grading
happens on the server when an attempt is submitted; the correct choices never leave it before then.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from prm.tenancy import TenantOwnedModel

SCORE = {"max_digits": 5, "decimal_places": 2}


class Quiz(TenantOwnedModel):
    title = models.CharField(_("title"), max_length=200)
    passing_score = models.PositiveSmallIntegerField(
        _("passing score (%)"), default=80, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    # None: as many attempts as the learner wants.
    attempt_limit = models.PositiveSmallIntegerField(_("attempt limit"), null=True, blank=True)
    cooldown_minutes = models.PositiveIntegerField(_("wait between attempts (minutes)"), default=0)
    # Enforced on the server: an answer or a submission after the deadline is refused and the attempt closes.
    time_limit_minutes = models.PositiveIntegerField(_("time limit (minutes)"), null=True, blank=True)
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_choices = models.BooleanField(_("shuffle choices"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [models.CheckConstraint(condition=models.Q(passing_score__lte=100), name="quiz_passing_score")]

    def __str__(self):
        return self.title


class QuestionPool(TenantOwnedModel):
    """A named pool of a quiz's questions ("Networking", "Licensing"): each attempt draws its number of active
    questions from each pool of the quiz."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="pools")
    name = models.CharField(_("name"), max_length=100)
    # Draw this many of the pool's active questions per attempt (None: every one).
    questions_per_attempt = models.PositiveSmallIntegerField(_("questions drawn per attempt"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("question pool")
        ordering = ["quiz", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "quiz", "name"], name="question_pool_name_unique")]

    def __str__(self):
        return self.name


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")


class Question(TenantOwnedModel):
    """A question's identity in one of a quiz's pools; its wording and choices are in its versions."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    # PROTECT: a pool that still holds questions cannot be deleted (the service says so first).
    pool = models.ForeignKey(QuestionPool, on_delete=models.PROTECT, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    current_version = models.ForeignKey(
        "enablement.QuestionVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("question")
        ordering = ["quiz", "position", "id"]


class QuestionVersion(TenantOwnedModel):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind.choices)
    text = models.TextField(_("question"))
    # Shown after the attempt is submitted, with whether the answer was right.
    explanation = models.TextField(_("explanation"), blank=True)
    points = models.PositiveSmallIntegerField(_("points"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("question version")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "question", "number"], name="question_version_number_unique")
        ]


class Choice(TenantOwnedModel):
    question_version = models.ForeignKey(QuestionVersion, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("choice"), max_length=500)
    is_correct = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("choice")
        ordering = ["question_version", "position", "id"]


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", pgettext_lazy("quiz attempt status", "In progress")
    SUBMITTED = "submitted", pgettext_lazy("quiz attempt status", "Submitted")
    # The time limit passed before submission: graded on what was answered in time.
    TIMED_OUT = "timed_out", pgettext_lazy("quiz attempt status", "Time ran out")


class QuizAttempt(TenantOwnedModel):
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    partner_organization = models.ForeignKey("partners.PartnerOrganization", on_delete=models.CASCADE, related_name="+")
    # The course enrollment it counts for (None: a certification's final exam taken on its own).
    enrollment = models.ForeignKey(
        "enablement.Enrollment", on_delete=models.CASCADE, null=True, blank=True, related_name="quiz_attempts"
    )
    lesson = models.ForeignKey(
        "enablement.Lesson", on_delete=models.PROTECT, null=True, blank=True, related_name="quiz_attempts"
    )
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS)
    started_at = models.DateTimeField()
    deadline_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    points = models.DecimalField(**SCORE, null=True, blank=True)
    max_points = models.DecimalField(**SCORE, null=True, blank=True)
    score = models.DecimalField(_("score (%)"), **SCORE, null=True, blank=True)
    passed = models.BooleanField(null=True)

    class Meta:
        verbose_name = _("quiz attempt")
        ordering = ["quiz", "user", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "quiz", "user", "number"], name="quiz_attempt_number_unique"),
            # One open attempt per learner and quiz: a second tab continues it instead of starting another.
            models.UniqueConstraint(
                fields=["tenant", "quiz", "user"],
                condition=models.Q(status="in_progress"),
                name="quiz_attempt_one_open",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "partner_organization"], name="quiz_attempt_org"),
            # The sweep that closes abandoned attempts reads only open ones with a deadline.
            models.Index(
                fields=["deadline_at"],
                condition=models.Q(status="in_progress", deadline_at__isnull=False),
                name="quiz_attempt_open_deadline",
            ),
        ]


class AttemptQuestion(TenantOwnedModel):
    """A question an attempt drew, pinned to the version it showed, with the order its choices were shown in and,
    once graded, the outcome."""

    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="questions")
    question_version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    choice_order = ArrayField(models.BigIntegerField(), default=list)
    correct = models.BooleanField(null=True)
    points_awarded = models.DecimalField(**SCORE, null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "attempt", "position"], name="attempt_question_position_unique"),
            models.UniqueConstraint(fields=["tenant", "attempt", "question_version"], name="attempt_question_once"),
        ]


class AttemptAnswer(TenantOwnedModel):
    """One answer given during an attempt, as given: a changed answer is a newer row, never an update. The last
    one given before the deadline is graded."""

    APPEND_ONLY = True

    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="answers")
    question_version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    choice_ids = ArrayField(models.BigIntegerField(), default=list)
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["attempt", "answered_at", "id"]
        indexes = [models.Index(fields=["attempt", "question_version"], name="attempt_answer_question")]
