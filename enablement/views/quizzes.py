"""Quiz pages: the authors' editor (settings, questions with their choices, the pool) and the learner's quiz lesson
(start or continue an attempt, answers saved as they are given, submit, feedback per question). Thin: forms parse,
services decide, selectors read."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enablement.forms.quizzes import PoolForm, QuestionForm, QuizCreateForm, QuizSettingsForm
from enablement.models import AttemptStatus
from enablement.selectors import quizzes as selectors
from enablement.services import quizzes as services
from prm.errors import DomainError, InvalidTransition, ValidationFailed
from prm.views import TenantView, add_domain_error

# Authors ---------------------------------------------------------------------------------------------------------


class QuizListView(TenantView):
    """The program's quizzes (a quiz lesson of a course points at one), and a form to create one."""

    permission = "courses.manage"

    def get(self, request):
        return self.render_page(QuizCreateForm())

    def post(self, request):
        form = QuizCreateForm(request.POST)
        if form.is_valid():
            try:
                quiz = services.quiz_create(
                    actor=request.membership, settings=services.QuizSettings(title=form.cleaned_data["title"])
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Quiz “%(quiz)s” created: add its questions.") % {"quiz": quiz.title})
                return redirect("quiz_edit", request.tenant.slug, quiz.pk)
        return self.render_page(form, status=400)

    def render_page(self, form, status=200):
        context = {"quizzes": selectors.quiz_list(), "form": form}
        return render(self.request, "enablement/quizzes/quiz_list.html", context, status=status)


class QuizAuthorMixin(TenantView):
    permission = "courses.manage"

    def get_quiz(self, quiz_id):
        return self.check_object(selectors.quiz_for_editing(quiz_id=quiz_id))

    def get_question(self, quiz_id, question_id):
        return self.check_object(selectors.question_get(quiz_id=quiz_id, question_id=question_id))

    def get_pool(self, quiz_id, pool_id):
        return self.check_object(selectors.pool_get(quiz_id=quiz_id, pool_id=pool_id))

    def render_editor(self, quiz, *, form=None, pool_form=None, failed_pool=None, status=200):
        """The editor page; `form` the settings form, `pool_form` the new pool's, or `failed_pool`'s when its change
        was refused (shown with its errors in its row)."""
        summaries = selectors.pool_summaries(quiz)
        pools = []
        for summary in summaries:
            if failed_pool is not None and summary.pool.pk == failed_pool.pk:
                pools.append((summary, pool_form))
            else:
                pools.append(
                    (summary, PoolForm(initial=PoolForm.initial_for(summary.pool), auto_id=f"pool{summary.pool.pk}-%s"))
                )
        questions = list(quiz.questions.all())
        names = {summary.pool.pk: summary.pool.name for summary in summaries}
        for question in questions:
            question.pool_name = names.get(question.pool_id, "")
        context = {
            "quiz": quiz,
            "form": form or QuizSettingsForm(initial=QuizSettingsForm.initial_for(quiz)),
            "questions": questions,
            "pools": pools,
            "new_pool_form": pool_form
            if failed_pool is None and pool_form is not None
            else PoolForm(auto_id="new-pool-%s"),
            "active_count": sum(summary.active for summary in summaries),
            "drawn": sum(summary.drawn for summary in summaries),
            "question_form": QuestionForm(pools=quiz.pools.all()),
        }
        return render(self.request, "enablement/quizzes/quiz_edit.html", context, status=status)

    def editor_url(self, quiz_id, anchor=""):
        return reverse("quiz_edit", args=[self.request.tenant.slug, quiz_id]) + anchor


class QuizEditView(QuizAuthorMixin):
    """The editor: the quiz's settings, its pool of questions (each with its choices, the correct ones marked, and
    how many versions it has), and a form to add a question."""

    def get(self, request, quiz_id):
        return self.render_editor(self.get_quiz(quiz_id))

    def post(self, request, quiz_id):
        quiz = self.get_quiz(quiz_id)
        form = QuizSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.quiz_update(actor=request.membership, quiz=quiz, settings=form.settings())
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Quiz settings saved."))
                return redirect(self.editor_url(quiz.pk))
        return self.render_editor(quiz, form=form, status=400)


class QuizPoolAddView(QuizAuthorMixin):
    """POST: a new pool of questions for the quiz."""

    def post(self, request, quiz_id):
        quiz = self.get_quiz(quiz_id)
        form = PoolForm(request.POST, auto_id="new-pool-%s")
        if form.is_valid():
            try:
                pool = services.pool_add(actor=request.membership, quiz=quiz, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Pool “%(pool)s” added: add questions to it.") % {"pool": pool.name})
                return redirect(self.editor_url(quiz.pk, "#pools"))
        return self.render_editor(quiz, pool_form=form, status=400)


class QuizPoolEditView(QuizAuthorMixin):
    """POST: rename a pool, or change how many questions each attempt draws from it."""

    def post(self, request, quiz_id, quiz_pool_id):
        pool = self.get_pool(quiz_id, quiz_pool_id)
        form = PoolForm(request.POST, auto_id=f"pool{pool.pk}-%s")
        if form.is_valid():
            try:
                services.pool_update(actor=request.membership, pool=pool, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Pool saved."))
                return redirect(self.editor_url(quiz_id, "#pools"))
        return self.render_editor(self.get_quiz(quiz_id), pool_form=form, failed_pool=pool, status=400)


class QuizPoolDeleteView(QuizAuthorMixin):
    """POST: delete an empty pool (one that holds questions is refused, with why)."""

    def post(self, request, quiz_id, quiz_pool_id):
        pool = self.get_pool(quiz_id, quiz_pool_id)
        try:
            services.pool_delete(actor=request.membership, pool=pool)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Pool “%(pool)s” deleted.") % {"pool": pool.name})
        return redirect(self.editor_url(quiz_id, "#pools"))


class QuestionAddView(QuizAuthorMixin):
    def get(self, request, quiz_id):
        quiz = self.get_quiz(quiz_id)
        return self.render_page(quiz, QuestionForm(pools=quiz.pools.all()))

    def post(self, request, quiz_id):
        quiz = self.get_quiz(quiz_id)
        form = QuestionForm(request.POST, pools=quiz.pools.all())
        if form.is_valid():
            try:
                services.question_add(actor=request.membership, quiz=quiz, **form.question_fields())
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Question added to the pool."))
                return redirect(self.editor_url(quiz.pk, "#questions"))
        return self.render_page(quiz, form, status=400)

    def render_page(self, quiz, form, status=200, question=None):
        context = {"quiz": quiz, "form": form, "question": question}
        return render(self.request, "enablement/quizzes/question_form.html", context, status=status)


class QuestionEditView(QuestionAddView):
    """Editing adds a version: attempts that drew the old one keep it (and their grade)."""

    def get(self, request, quiz_id, quiz_question_id):
        question = self.get_question(quiz_id, quiz_question_id)
        initial = QuestionForm.initial_for(question.current_version, pool_id=question.pool_id)
        form = QuestionForm(initial=initial, pools=question.quiz.pools.all())
        return self.render_page(question.quiz, form, question=question)

    def post(self, request, quiz_id, quiz_question_id):
        question = self.get_question(quiz_id, quiz_question_id)
        form = QuestionForm(request.POST, pools=question.quiz.pools.all())
        if form.is_valid():
            try:
                services.question_edit(actor=request.membership, question=question, **form.question_fields())
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Question saved. Attempts already taken keep the version they drew."))
                return redirect(self.editor_url(question.quiz_id, "#questions"))
        return self.render_page(question.quiz, form, status=400, question=question)


class QuestionActiveView(QuizAuthorMixin):
    """POST: take a question out of the pool, or put it back."""

    def post(self, request, quiz_id, quiz_question_id):
        question = self.get_question(quiz_id, quiz_question_id)
        active = request.POST.get("active") == "1"
        services.question_set_active(actor=request.membership, question=question, active=active)
        if active:
            messages.success(request, _("The question is back in the pool."))
        else:
            messages.success(request, _("The question left the pool. Attempts already taken keep it."))
        return redirect(self.editor_url(question.quiz_id, "#questions"))


# Learners --------------------------------------------------------------------------------------------------------


class QuizLessonMixin(TenantView):
    """A quiz lesson of the learner's own enrollment; anyone else's is a 404."""

    permission = "learning.take"

    def get_lesson(self, enrollment_id, lesson_id):
        found = selectors.quiz_lesson_get(
            enrollment_id=enrollment_id, lesson_id=lesson_id, user_id=self.request.user.pk
        )
        if found is None:
            raise Http404(_("Page not found."))
        enrollment, lesson = found
        self.check_object(enrollment)
        return enrollment, lesson

    def get_attempt(self, enrollment, lesson, attempt_id):
        attempt = selectors.attempt_get(attempt_id=attempt_id, user_id=self.request.user.pk)
        if attempt is None or attempt.enrollment_id != enrollment.pk or attempt.lesson_id != lesson.pk:
            raise Http404(_("Page not found."))
        return self.check_object(attempt)

    def lesson_url(self, enrollment, lesson):
        return reverse("quiz_lesson", args=[self.request.tenant.slug, enrollment.pk, lesson.pk])

    def answers_from(self, request, attempt) -> tuple[list[services.AnswerInput], dict[int, list[int]]]:
        """The page's answers: field `q<position>` holds the chosen choice ids of the attempt's question at that
        position. Returns them for the service, and position -> ids to show the form again as it was sent."""
        answers, chosen = [], {}
        for row in attempt.questions.order_by("position").only("id", "position"):
            name = f"q{row.position}"
            values = request.POST.getlist(name)
            try:
                ids = [int(value) for value in values]
            except ValueError as error:
                raise ValidationFailed(_("This is not one of the question's choices."), field=name) from error
            chosen[row.position] = ids
            answers.append(services.AnswerInput(question_id=row.pk, choice_ids=ids, field=name, question_field=name))
        return answers, chosen

    def render_lesson(self, enrollment, lesson, *, sheet=None, status=200):
        request = self.request
        now = timezone.now()
        quiz = lesson.quiz
        attempts = selectors.attempts_of(quiz=quiz, user_id=request.user.pk)
        availability = selectors.quiz_availability(
            quiz=quiz, user_id=request.user.pk, now=now, enrollment_id=enrollment.pk, attempts=attempts
        )
        open_attempt = availability.open_attempt
        elsewhere = None
        if open_attempt is not None and (open_attempt.enrollment_id, open_attempt.lesson_id) != (
            enrollment.pk,
            lesson.pk,
        ):
            # The same quiz is open in another lesson (another course uses it too): one attempt at a time.
            elsewhere, open_attempt = open_attempt, None
        if sheet is None and open_attempt is not None:
            sheet = selectors.attempt_sheet(open_attempt)
        closed = selectors.closed_attempts(attempts, enrollment_id=enrollment.pk)
        feedback = selectors.attempt_sheet(closed[0]) if closed and availability.open_attempt is None else None
        seconds_left = None
        if open_attempt is not None and open_attempt.deadline_at is not None:
            seconds_left = max(int((open_attempt.deadline_at - now).total_seconds()), 0)
        progress = selectors.lesson_progress_get(enrollment=enrollment, lesson=lesson)
        context = {
            "enrollment": enrollment,
            "lesson": lesson,
            "quiz": quiz,
            "attempts": closed,
            "availability": availability,
            "sheet": sheet,
            "feedback": feedback,
            "seconds_left": seconds_left,
            "elsewhere": elsewhere,
            "progress": progress,
        }
        return render(request, "enablement/quizzes/lesson.html", context, status=status)


class QuizLessonView(QuizLessonMixin):
    """The quiz lesson: attempts used and left, the cool-down's end, the open attempt's questions as one form (with
    a countdown when timed — the server decides), or the last attempt's feedback."""

    def get(self, request, enrollment_id, lesson_id):
        enrollment, lesson = self.get_lesson(enrollment_id, lesson_id)
        open_attempt = selectors.quiz_availability(
            quiz=lesson.quiz, user_id=request.user.pk, now=timezone.now()
        ).open_attempt
        if open_attempt is not None and selectors.attempt_is_past_deadline(open_attempt, timezone.now()):
            # Nobody submitted it before the time ran out (a closed tab): grade what was answered in time now.
            try:
                services.quiz_attempt_submit(actor=request.membership, attempt=open_attempt)
            except InvalidTransition:
                pass  # closed meanwhile by the sweep or another tab
            messages.warning(
                request, _("Time ran out on your last attempt: it was graded on what you answered in time.")
            )
        return self.render_lesson(enrollment, lesson)


class QuizAttemptStartView(QuizLessonMixin):
    def post(self, request, enrollment_id, lesson_id):
        enrollment, lesson = self.get_lesson(enrollment_id, lesson_id)
        try:
            services.quiz_attempt_start(actor=request.membership, enrollment=enrollment, lesson=lesson)
        except DomainError as error:
            messages.error(request, error.message)
        return redirect(self.lesson_url(enrollment, lesson) + "#quiz")


class QuizAttemptSaveView(QuizLessonMixin):
    """POST (HTMX, on every change): keep the answers given so far, so that what was answered before the time ran
    out counts even if the page is never submitted."""

    def post(self, request, enrollment_id, lesson_id, quiz_attempt_id):
        enrollment, lesson = self.get_lesson(enrollment_id, lesson_id)
        attempt = self.get_attempt(enrollment, lesson, quiz_attempt_id)
        try:
            answers, _chosen = self.answers_from(request, attempt)
            services.quiz_attempt_answer(actor=request.membership, attempt=attempt, answers=answers)
        except ValidationFailed as error:
            return self.saved(request, enrollment, lesson, error=error.message, status=400)
        except InvalidTransition as error:
            attempt.refresh_from_db(fields=["status"])
            if attempt.status == AttemptStatus.SUBMITTED:
                # A save still in flight when the learner submitted: the submission carried these answers already.
                return HttpResponse(status=204) if request.htmx else redirect(self.lesson_url(enrollment, lesson))
            messages.warning(request, error.message)
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = self.lesson_url(enrollment, lesson)
                return response
            return redirect(self.lesson_url(enrollment, lesson))
        return self.saved(request, enrollment, lesson)

    def saved(self, request, enrollment, lesson, *, error=None, status=200):
        if not request.htmx:
            if error:
                messages.error(request, error)
            return redirect(self.lesson_url(enrollment, lesson) + "#quiz")
        context = {"error": error, "saved_at": timezone.now()}
        return render(request, "enablement/quizzes/partials/saved.html", context, status=status)


class QuizAttemptSubmitView(QuizLessonMixin):
    def post(self, request, enrollment_id, lesson_id, quiz_attempt_id):
        enrollment, lesson = self.get_lesson(enrollment_id, lesson_id)
        attempt = self.get_attempt(enrollment, lesson, quiz_attempt_id)
        chosen = {}
        try:
            answers, chosen = self.answers_from(request, attempt)
            attempt = services.quiz_attempt_submit(actor=request.membership, attempt=attempt, answers=answers)
        except ValidationFailed as error:
            # Shown again as sent, with the error beside the question at fault; nothing was stored.
            sheet = selectors.attempt_sheet(attempt, chosen=chosen)
            beside = [question for question in sheet.questions if question.field_name == error.field]
            for question in beside:
                question.error = error.message
            if not beside:
                messages.error(request, error.message)
            return self.render_lesson(enrollment, lesson, sheet=sheet, status=400)
        except InvalidTransition as error:
            messages.error(request, error.message)
            return redirect(self.lesson_url(enrollment, lesson) + "#quiz")
        if attempt.status == AttemptStatus.TIMED_OUT:
            messages.warning(request, _("Time ran out before you submitted: only the answers given in time count."))
        elif attempt.passed:
            messages.success(request, _("Passed with %(score)s%%.") % {"score": floatformat(attempt.score, "-2")})
        else:
            messages.info(
                request, _("Not passed this time: %(score)s%%.") % {"score": floatformat(attempt.score, "-2")}
            )
        return redirect(self.lesson_url(enrollment, lesson) + "#quiz")


class QuizAttemptView(QuizLessonMixin):
    """The feedback of one closed attempt; an open one is taken on the lesson's page."""

    def get(self, request, enrollment_id, lesson_id, quiz_attempt_id):
        enrollment, lesson = self.get_lesson(enrollment_id, lesson_id)
        attempt = self.get_attempt(enrollment, lesson, quiz_attempt_id)
        if attempt.status == AttemptStatus.IN_PROGRESS:
            return redirect(self.lesson_url(enrollment, lesson) + "#quiz")
        availability = selectors.quiz_availability(quiz=lesson.quiz, user_id=request.user.pk, now=timezone.now())
        if availability.open_attempt is not None:
            # The open attempt may have drawn the same questions: their answers wait until it is submitted.
            messages.info(request, _("Past attempts' answers are shown again once you submit the open attempt."))
            return redirect(self.lesson_url(enrollment, lesson) + "#quiz")
        context = {
            "enrollment": enrollment,
            "lesson": lesson,
            "quiz": lesson.quiz,
            "feedback": selectors.attempt_sheet(attempt),
        }
        return render(request, "enablement/quizzes/attempt.html", context)
