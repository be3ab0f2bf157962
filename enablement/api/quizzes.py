"""Quiz attempts API: `/api/v1/quiz-attempts/` (scope `enrollments`).

A learner (a partner user signed in, sending `X-Tenant`) starts an attempt at a quiz lesson of their own enrollment,
answers as they go, and submits; grading happens on the server. Before submission an attempt's questions carry no
outcome, no explanation and nothing that tells a correct choice from a wrong one; `feedback` comes once the attempt
is closed (and waits while the learner has another attempt at the quiz open, which may have drawn the same
questions). Reading: a learner their own attempts, a partner's admin (and a partner-bound key) their organization's,
staff every partner's. Only the learner takes their attempts."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from enablement.models import AttemptStatus, QuizAttempt
from enablement.selectors import quizzes as selectors
from enablement.services import quizzes as services
from prm import policy
from prm.api import serializers
from prm.api.viewsets import IDEMPOTENCY_PARAMETER, TenantViewSetMixin, UpdatedSinceFilterSet, etag_for
from prm.errors import ValidationFailed


class QuizChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


class QuizQuestionFeedbackSerializer(serializers.Serializer):
    correct = serializers.BooleanField(help_text="Whether the answer given in time was right.")
    points_awarded = serializers.DecimalField(max_digits=5, decimal_places=2)
    correct_choices = serializers.ListField(child=serializers.IntegerField(), help_text="The correct choices' ids.")
    explanation = serializers.CharField(help_text="The author's explanation (may be empty).")


class QuizAttemptQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The question in this attempt: what `answers[].question` names.")
    position = serializers.IntegerField()
    kind = serializers.CharField(help_text="single, multiple or true_false.")
    text = serializers.CharField()
    points = serializers.IntegerField()
    choices = QuizChoiceSerializer(many=True, help_text="In the order this attempt shows them.")
    answer = serializers.ListField(
        child=serializers.IntegerField(), help_text="The choice ids of the last answer given (empty: not answered)."
    )
    feedback = QuizQuestionFeedbackSerializer(
        allow_null=True, help_text="Once the attempt is submitted or timed out; null before."
    )


def _question_data(question: selectors.SheetQuestion, *, with_feedback: bool) -> dict:
    feedback = None
    if with_feedback:
        feedback = {
            "correct": bool(question.correct),
            "points_awarded": f"{question.points_awarded:.2f}",
            "correct_choices": [choice.id for choice in question.choices if choice.correct],
            "explanation": question.explanation or "",
        }
    return {
        "id": question.id,
        "position": question.position,
        "kind": question.kind,
        "text": question.text,
        "points": question.points,
        "choices": [{"id": choice.id, "text": choice.text} for choice in question.choices],
        "answer": [choice.id for choice in question.choices if choice.chosen],
        "feedback": feedback,
    }


SUMMARY_FIELDS = [
    "id",
    "quiz",
    "quiz_title",
    "enrollment",
    "lesson",
    "user",
    "partner_organization",
    "number",
    "status",
    "started_at",
    "deadline_at",
    "submitted_at",
    "points",
    "max_points",
    "score",
    "passed",
    "updated_at",
]


class QuizAttemptSummarySerializer(serializers.ModelSerializer):
    quiz_title = serializers.CharField(source="quiz.title", read_only=True)

    class Meta:
        model = QuizAttempt
        fields = SUMMARY_FIELDS
        read_only_fields = fields


class QuizAttemptSerializer(QuizAttemptSummarySerializer):
    questions = serializers.SerializerMethodField()

    class Meta(QuizAttemptSummarySerializer.Meta):
        fields = [*SUMMARY_FIELDS, "questions"]
        read_only_fields = fields

    @extend_schema_field(QuizAttemptQuestionSerializer(many=True))
    def get_questions(self, attempt) -> list:
        sheet = selectors.attempt_sheet(attempt)
        with_feedback = sheet.closed and not self.context.get("feedback_waits", False)
        return [_question_data(question, with_feedback=with_feedback) for question in sheet.questions]


class QuizAttemptStartSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField(min_value=1, help_text="Your enrollment (id).")
    lesson = serializers.IntegerField(min_value=1, help_text="A quiz lesson of that enrollment's course version (id).")


class QuizAnswerSerializer(serializers.Serializer):
    question = serializers.IntegerField(min_value=1, help_text="A question of this attempt (`questions[].id`).")
    choices = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        allow_empty=True,
        max_length=services.MAX_CHOICES,
        help_text="The chosen choices' ids: one for single choice and true or false, any number for multiple "
        "choice; empty clears the answer.",
    )


class QuizAnswersSerializer(serializers.Serializer):
    answers = QuizAnswerSerializer(many=True, max_length=services.MAX_QUESTIONS_PER_ATTEMPT)


class QuizSubmitSerializer(serializers.Serializer):
    answers = QuizAnswerSerializer(
        many=True,
        required=False,
        max_length=services.MAX_QUESTIONS_PER_ATTEMPT,
        help_text="Last answers to keep before grading (optional: answers given earlier count).",
    )


class QuizAttemptFilterSet(UpdatedSinceFilterSet):
    enrollment = django_filters.NumberFilter(field_name="enrollment_id")
    lesson = django_filters.NumberFilter(field_name="lesson_id")
    quiz = django_filters.NumberFilter(field_name="quiz_id")
    user = django_filters.NumberFilter(field_name="user_id", help_text="Only this learner's attempts (user id).")
    status = django_filters.ChoiceFilter(choices=AttemptStatus.choices)

    class Meta:
        model = QuizAttempt
        fields = ["enrollment", "lesson", "quiz", "user", "status"]


def _answers(data: list[dict]) -> list[services.AnswerInput]:
    return [
        services.AnswerInput(
            question_id=item["question"],
            choice_ids=item["choices"],
            field=f"answers[{index}].choices",
            question_field=f"answers[{index}].question",
        )
        for index, item in enumerate(data)
    ]


@extend_schema_view(
    list=extend_schema(summary="List quiz attempts (without their questions)", tags=["learning"]),
    retrieve=extend_schema(
        summary="A quiz attempt with its questions; feedback per question once it is submitted", tags=["learning"]
    ),
)
class QuizAttemptViewSet(TenantViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    scope = "enrollments"
    read_permission = "learning.view"
    write_permission = "learning.take"
    partner_field = "partner_organization"
    serializer_class = QuizAttemptSerializer
    filterset_class = QuizAttemptFilterSet
    ordering_fields = ["id", "started_at", "updated_at"]
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_class(self):
        return QuizAttemptSummarySerializer if self.action == "list" else QuizAttemptSerializer

    def get_base_queryset(self):
        queryset = selectors.attempt_api_queryset()
        actor = self.actor
        if actor is not None and actor.is_partner_role and not policy.can(actor, "learning.view_team"):
            # A partner's people see their own attempts; their admin (and a key bound to the partner) the team's.
            user = getattr(actor, "user", None)
            return queryset.filter(user_id=user.pk) if user is not None else queryset.none()
        return queryset

    def _response(self, attempt, code=status.HTTP_200_OK, *, just_submitted=False):
        """The attempt as the service left it (read through this view's queryset already: no second read)."""
        # The attempt just submitted was the learner's one open attempt at the quiz (a database constraint), and
        # its row is still locked: no other can be open, nothing to ask.
        waits = (
            not just_submitted
            and attempt.status != AttemptStatus.IN_PROGRESS
            and selectors.has_open_attempt(quiz_id=attempt.quiz_id, user_id=attempt.user_id)
        )
        serializer = QuizAttemptSerializer(attempt, context={**self.get_serializer_context(), "feedback_waits": waits})
        return Response(serializer.data, status=code, headers={"ETag": etag_for(attempt)})

    def retrieve(self, request, *args, **kwargs):
        return self._response(self.get_object())

    @extend_schema(
        summary="Start an attempt at a quiz lesson of your enrollment (or continue the open one)",
        description="201 with the new attempt's questions (no outcome, nothing that marks a correct choice); 200 with "
        "the open attempt when one is running (another tab). 409 when the attempt limit is reached or the cool-down "
        "after the last attempt has not passed — the message says when the next attempt is possible.",
        tags=["learning"],
        request=QuizAttemptStartSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: QuizAttemptSerializer, 200: QuizAttemptSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = QuizAttemptStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = getattr(self.actor, "user", None)
        found = None
        if user is not None:
            found = selectors.quiz_lesson_get(
                enrollment_id=data.validated_data["enrollment"],
                lesson_id=data.validated_data["lesson"],
                user_id=user.pk,
            )
        if found is None:
            if user is None or not selectors.enrollment_of_user_exists(
                enrollment_id=data.validated_data["enrollment"], user_id=user.pk
            ):
                raise ValidationFailed(_("You have no enrollment with this id."), field="enrollment")
            raise ValidationFailed(_("This is not a quiz lesson of the course you are enrolled in."), field="lesson")
        enrollment, lesson = found
        self.check_object_permissions(request, enrollment)
        open_before = selectors.quiz_availability(quiz=lesson.quiz, user_id=user.pk, now=timezone.now()).open_attempt
        attempt = services.quiz_attempt_start(actor=self.actor, enrollment=enrollment, lesson=lesson)
        created = open_before is None or open_before.pk != attempt.pk
        return self._response(attempt, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        summary="Keep answers as you go",
        description="Each changed answer is kept as a new step (nothing is overwritten). 400 naming the field for a "
        "question that is not part of the attempt or a choice that is not the question's — nothing is stored. 409 "
        "once the attempt is closed, or when its time has run out (the attempt is then graded on what was answered "
        "in time).",
        tags=["learning"],
        request=QuizAnswersSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: QuizAttemptSerializer},
    )
    @action(detail=True, methods=["post"], url_path="answer", url_name="answer")
    def answer(self, request, pk=None):
        attempt = self.get_object()
        data = QuizAnswersSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attempt = services.quiz_attempt_answer(
            actor=self.actor, attempt=attempt, answers=_answers(data.validated_data["answers"])
        )
        return self._response(attempt)

    @extend_schema(
        summary="Submit an attempt: graded on the server, with feedback per question",
        description="A single-choice or true-or-false question is right when exactly its correct choice is given; a "
        "multiple-choice question only when the chosen set is the correct set. After the deadline the answers sent "
        "now do not count: the attempt is graded on what was answered in time and marked timed_out. A second "
        "submission (another tab, a replay) is a 409 naming when the first one was made; the first grade stands.",
        tags=["learning"],
        request=QuizSubmitSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: QuizAttemptSerializer},
    )
    @action(detail=True, methods=["post"], url_path="submit", url_name="submit")
    def submit(self, request, pk=None):
        attempt = self.get_object()
        data = QuizSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attempt = services.quiz_attempt_submit(
            actor=self.actor, attempt=attempt, answers=_answers(data.validated_data.get("answers", []))
        )
        return self._response(attempt, just_submitted=True)


# (prefix, viewset, basename) for prm/api/urls.py
ROUTES = [("quiz-attempts", QuizAttemptViewSet, "quiz-attempt")]
