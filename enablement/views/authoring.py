"""Authoring pages: the staff course list, a course's editor (details, audience, modules and lessons, versions,
publishing), the lesson forms, the learner-view preview and the download of a lesson's file. Thin: forms parse,
services decide, selectors read. Reordering answers HTMX with the re-rendered list, and a plain form post (no
script) with a redirect back to the editor."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from enablement.forms.authoring import (
    AudienceForm,
    CourseCreateForm,
    CourseDetailsForm,
    LessonForm,
    ModuleForm,
    audience_labels,
)
from enablement.models import LessonKind
from enablement.selectors import authoring as selectors
from enablement.services import authoring as services
from prm import policy
from prm.errors import DomainError
from prm.views import TenantView, add_domain_error

PAGE_SIZE = 50
# Kinds an author adds from the editor; a SCORM lesson is made by importing a package (its own page).
ADDABLE_KINDS = (LessonKind.TEXT, LessonKind.VIDEO, LessonKind.FILE, LessonKind.QUIZ)
KIND_ICONS = {
    LessonKind.TEXT: "bi-file-text",
    LessonKind.VIDEO: "bi-play-btn",
    LessonKind.FILE: "bi-paperclip",
    LessonKind.QUIZ: "bi-patch-question",
    LessonKind.SCORM: "bi-box-seam",
}


def _error_message(request, error: DomainError) -> None:
    messages.error(request, error.message)


class AuthoringView(TenantView):
    """A page of the course authors (`courses.manage`); the course in the URL is the tenant's or a 404."""

    permission = "courses.manage"

    def get_course(self, course_id):
        return self.check_object(selectors.course_get(course_id=course_id))

    def get_module(self, course, module_id):
        return self.check_object(selectors.module_get(course=course, module_id=module_id))

    def get_lesson(self, course, lesson_id):
        return self.check_object(selectors.lesson_get(course=course, lesson_id=lesson_id))

    def editor_url(self, course, anchor=""):
        return self.url("authoring_course", course.pk) + (f"#{anchor}" if anchor else "")


def modules_context(course, *, focus=None) -> dict:
    """What the modules list needs: the version shown, its modules and lessons, and which button had the focus."""
    editor = selectors.course_editor(course=course)
    return {
        "course": course,
        "editor": editor,
        "version": editor.version,
        "modules": list(editor.version.modules.all()) if editor.version else [],
        "addable_kinds": [(kind, LessonKind(kind).label, KIND_ICONS[kind]) for kind in ADDABLE_KINDS],
        "kind_icons": KIND_ICONS,
        "focus": focus or {},
    }


def editor_context(course, *, details_form=None, audience_form=None, module_form=None) -> dict:
    context = modules_context(course)
    if details_form is None and context["editor"].editable:
        details_form = CourseDetailsForm(initial=CourseDetailsForm.initial_for(context["version"]))
    if audience_form is None:
        audience_form = AudienceForm(initial=AudienceForm.initial_for(course), known=selectors.audience_values())
    return context | {
        "details_form": details_form,
        "audience_form": audience_form,
        "module_form": module_form or ModuleForm(),
    }


class CourseListView(AuthoringView):
    """Every course, drafts and published, with its versions and how many people are enrolled."""

    def get(self, request):
        search = request.GET.get("q", "").strip()[:100]
        archived = request.GET.get("archived") == "1"
        courses = selectors.courses_for_authoring(search=search, show_archived=archived)
        page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
        context = {"page": page, "courses": page.object_list, "search": search, "archived": archived}
        context["labels"] = audience_labels()
        return render(request, "enablement/authoring/course_list.html", context)


class CourseCreateView(AuthoringView):
    def get(self, request):
        return self.render_page(CourseCreateForm(known=selectors.audience_values()))

    def post(self, request):
        form = CourseCreateForm(request.POST, known=selectors.audience_values())
        if form.is_valid():
            data = form.cleaned_data
            try:
                course = services.course_create(
                    actor=request.membership,
                    details=services.CourseDetails(
                        title=data["title"],
                        summary=data["summary"],
                        estimated_minutes=data["estimated_minutes"],
                        passing_grade=data["passing_grade"],
                    ),
                    **form.audience(),
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Course created: add its lessons, then publish it."))
                return redirect("authoring_course", request.tenant.slug, course.pk)
        return self.render_page(form, status=400)

    def render_page(self, form, status=200):
        return render(self.request, "enablement/authoring/course_create.html", {"form": form}, status=status)


class CourseEditView(AuthoringView):
    """The course editor: the draft (or the published version, read-only, with "Edit" to start a draft)."""

    def get(self, request, course_id):
        course = self.get_course(course_id)
        return render(request, "enablement/authoring/course_edit.html", editor_context(course))


class CourseDetailsView(AuthoringView):
    def post(self, request, course_id):
        course = self.get_course(course_id)
        form = CourseDetailsForm(request.POST)
        if form.is_valid():
            try:
                services.course_details_update(
                    actor=request.membership, course=course, details=services.CourseDetails(**form.cleaned_data)
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Course details saved."))
                return redirect(self.editor_url(course))
        context = editor_context(course, details_form=form)
        return render(request, "enablement/authoring/course_edit.html", context, status=400)


class CourseAudienceView(AuthoringView):
    def post(self, request, course_id):
        course = self.get_course(course_id)
        form = AudienceForm(request.POST, known=selectors.audience_values())
        if form.is_valid():
            try:
                services.course_audience_update(actor=request.membership, course=course, **form.audience())
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Audience saved: it applies at once."))
                return redirect(self.editor_url(course))
        context = editor_context(course, audience_form=form)
        return render(request, "enablement/authoring/course_edit.html", context, status=400)


class CourseStepView(AuthoringView):
    """A button on the course (start a draft, publish, discard the draft, archive): a service, a message, back."""

    def act(self, request, course) -> str:
        raise NotImplementedError

    def post(self, request, course_id):
        course = self.get_course(course_id)
        try:
            messages.success(request, self.act(request, course))
        except DomainError as error:
            _error_message(request, error)
        return redirect(self.editor_url(course))


class CourseDraftView(CourseStepView):
    def act(self, request, course):
        draft = services.course_draft_create(actor=request.membership, course=course)
        return _("You are editing draft version %(number)s. Learners keep the published version until you publish.") % {
            "number": draft.number
        }


class CoursePublishView(CourseStepView):
    def act(self, request, course):
        version = services.course_publish(actor=request.membership, course=course)
        return _("Version %(number)s is published: new learners start it; learners in progress keep theirs.") % {
            "number": version.number
        }


class CourseDiscardView(CourseStepView):
    def act(self, request, course):
        services.course_draft_discard(actor=request.membership, course=course)
        return _("The draft is discarded; the published version is unchanged.")


class CourseArchiveView(CourseStepView):
    def act(self, request, course):
        archived = request.POST.get("archived") == "1"
        services.course_archive(actor=request.membership, course=course, archived=archived)
        return _("The course is archived.") if archived else _("The course is back in the catalogue.")


# Modules -------------------------------------------------------------------------------------------------------


def _modules_partial(request, course, *, focus=None):
    return render(request, "enablement/authoring/partials/modules.html", modules_context(course, focus=focus))


class ModuleAddView(AuthoringView):
    def post(self, request, course_id):
        course = self.get_course(course_id)
        form = ModuleForm(request.POST)
        if form.is_valid():
            try:
                module = services.module_add(actor=request.membership, course=course, title=form.cleaned_data["title"])
            except DomainError as error:
                add_domain_error(form, error)
            else:
                return redirect(self.editor_url(course, f"module-{module.pk}"))
        context = editor_context(course, module_form=form)
        return render(request, "enablement/authoring/course_edit.html", context, status=400)


class ModuleEditView(AuthoringView):
    def get(self, request, course_id, module_id):
        course = self.get_course(course_id)
        module = self.get_module(course, module_id)
        return self.render_page(course, module, ModuleForm(initial={"title": module.title}))

    def post(self, request, course_id, module_id):
        course = self.get_course(course_id)
        module = self.get_module(course, module_id)
        form = ModuleForm(request.POST)
        if form.is_valid():
            try:
                services.module_update(actor=request.membership, module=module, title=form.cleaned_data["title"])
            except DomainError as error:
                add_domain_error(form, error)
            else:
                return redirect(self.editor_url(course, f"module-{module.pk}"))
        return self.render_page(course, module, form, status=400)

    def render_page(self, course, module, form, status=200):
        context = {"course": course, "module": module, "form": form}
        return render(self.request, "enablement/authoring/module_form.html", context, status=status)


class ReorderMixin:
    """HTMX gets the re-rendered list (the moved item's button focused, for keyboard users); a plain post a redirect.
    A refusal is a message either way (on the list it is shown above it)."""

    def answer(self, request, course, *, error: DomainError | None = None, focus=None):
        if error is not None:
            _error_message(request, error)
        if request.htmx:
            return _modules_partial(request, course, focus=focus)
        return redirect(self.editor_url(course, "course-modules"))


class ModuleDeleteView(ReorderMixin, AuthoringView):
    def post(self, request, course_id, module_id):
        course = self.get_course(course_id)
        module = self.get_module(course, module_id)
        try:
            services.module_delete(actor=request.membership, module=module)
        except DomainError as error:
            return self.answer(request, course, error=error)
        messages.success(request, _("Module “%(title)s” removed.") % {"title": module.title})
        return self.answer(request, course)


class ModuleMoveView(ReorderMixin, AuthoringView):
    def post(self, request, course_id, module_id):
        course = self.get_course(course_id)
        module = self.get_module(course, module_id)
        direction = request.POST.get("direction", "")
        try:
            services.module_move(actor=request.membership, module=module, direction=direction)
        except DomainError as error:
            return self.answer(request, course, error=error)
        return self.answer(request, course, focus={"module": module.pk, "direction": direction})


class ModulesOrderView(ReorderMixin, AuthoringView):
    def post(self, request, course_id):
        course = self.get_course(course_id)
        try:
            services.modules_reorder(actor=request.membership, course=course, module_ids=request.POST.getlist("module"))
        except DomainError as error:
            return self.answer(request, course, error=error)
        return self.answer(request, course)


# Lessons -------------------------------------------------------------------------------------------------------


def _lesson_input(data) -> services.LessonInput:
    return services.LessonInput(
        title=data["title"],
        required=data.get("required", False),
        weight=data.get("weight"),
        estimated_minutes=data.get("estimated_minutes"),
        body=data.get("body", ""),
        video_url=data.get("video_url", ""),
        upload=data.get("file") or None,
        quiz_title=data.get("quiz_title", ""),
    )


def _quiz_editor_url(tenant, lesson) -> str | None:
    # The quiz page belongs to the quizzes area; until it exists, the author comes back to the course.
    try:
        return reverse("quiz_edit", kwargs={"tenant_slug": tenant.slug, "quiz_id": lesson.quiz_id})
    except NoReverseMatch:
        return None


class LessonAddView(AuthoringView):
    def get_kind(self, lesson_kind):
        if lesson_kind not in ADDABLE_KINDS:
            raise Http404(_("Page not found."))
        return lesson_kind

    def get(self, request, course_id, module_id, lesson_kind):
        course = self.get_course(course_id)
        module = self.get_module(course, module_id)
        kind = self.get_kind(lesson_kind)
        return self.render_page(course, module, kind, LessonForm(kind=kind))

    def post(self, request, course_id, module_id, lesson_kind):
        course = self.get_course(course_id)
        module = self.get_module(course, module_id)
        kind = self.get_kind(lesson_kind)
        form = LessonForm(request.POST, request.FILES, kind=kind)
        if form.is_valid():
            try:
                lesson = services.lesson_create(
                    actor=request.membership, module=module, kind=kind, data=_lesson_input(form.cleaned_data)
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Lesson “%(title)s” added.") % {"title": lesson.title})
                if kind == LessonKind.QUIZ and (quiz_url := _quiz_editor_url(request.tenant, lesson)):
                    return redirect(quiz_url)
                return redirect(self.editor_url(course, f"lesson-{lesson.pk}"))
        return self.render_page(course, module, kind, form, status=400)

    def render_page(self, course, module, kind, form, status=200):
        context = {"course": course, "module": module, "kind": kind, "kind_label": LessonKind(kind).label}
        context |= {"form": form, "lesson": None}
        return render(self.request, "enablement/authoring/lesson_form.html", context, status=status)


class LessonEditView(AuthoringView):
    def get(self, request, course_id, lesson_id):
        course = self.get_course(course_id)
        lesson = self.get_lesson(course, lesson_id)
        form = self.form(lesson, initial=LessonForm.initial_for(lesson))
        return self.render_page(course, lesson, form)

    def post(self, request, course_id, lesson_id):
        course = self.get_course(course_id)
        lesson = self.get_lesson(course, lesson_id)
        form = self.form(lesson, data=request.POST, files=request.FILES)
        if form.is_valid():
            module_id = form.cleaned_data.get("module")
            module = selectors.module_get(course=course, module_id=module_id) if module_id else None
            try:
                services.lesson_update(
                    actor=request.membership, lesson=lesson, data=_lesson_input(form.cleaned_data), module=module
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Lesson “%(title)s” saved.") % {"title": form.cleaned_data["title"]})
                return redirect(self.editor_url(course, f"lesson-{lesson.pk}"))
        return self.render_page(course, lesson, form, status=400)

    def form(self, lesson, **kwargs):
        modules = list(lesson.module.version.modules.order_by("position", "id"))
        return LessonForm(kind=lesson.kind, modules=modules, creating=False, **kwargs)

    def render_page(self, course, lesson, form, status=200):
        context = {
            "course": course,
            "module": lesson.module,
            "lesson": lesson,
            "kind": lesson.kind,
            "kind_label": lesson.get_kind_display(),
            "form": form,
            "editable": lesson.module.version.status == "draft",
        }
        return render(self.request, "enablement/authoring/lesson_form.html", context, status=status)


class LessonDeleteView(ReorderMixin, AuthoringView):
    def post(self, request, course_id, lesson_id):
        course = self.get_course(course_id)
        lesson = self.get_lesson(course, lesson_id)
        try:
            services.lesson_delete(actor=request.membership, lesson=lesson)
        except DomainError as error:
            return self.answer(request, course, error=error)
        messages.success(request, _("Lesson “%(title)s” removed.") % {"title": lesson.title})
        return self.answer(request, course)


class LessonMoveView(ReorderMixin, AuthoringView):
    def post(self, request, course_id, lesson_id):
        course = self.get_course(course_id)
        lesson = self.get_lesson(course, lesson_id)
        direction = request.POST.get("direction", "")
        try:
            services.lesson_move(actor=request.membership, lesson=lesson, direction=direction)
        except DomainError as error:
            return self.answer(request, course, error=error)
        return self.answer(request, course, focus={"lesson": lesson.pk, "direction": direction})


class LessonsOrderView(ReorderMixin, AuthoringView):
    def post(self, request, course_id, module_id):
        course = self.get_course(course_id)
        module = self.get_module(course, module_id)
        try:
            services.lessons_reorder(actor=request.membership, module=module, lesson_ids=request.POST.getlist("lesson"))
        except DomainError as error:
            return self.answer(request, course, error=error)
        return self.answer(request, course)


# The learner's view, and a lesson's file ------------------------------------------------------------------------


class PreviewView(AuthoringView):
    """A course as a learner sees it, lesson by lesson, read-only: nothing is recorded. Without a lesson in the
    URL, the first lesson of the draft (or of the published version)."""

    def get(self, request, course_id, lesson_id=None):
        course = self.get_course(course_id)
        if lesson_id is not None:
            version_id = self.get_lesson(course, lesson_id).module.version_id
        else:
            editor_version = selectors.editable_version(course=course)
            version_id = editor_version.pk if editor_version else course.current_version_id
        version = selectors.version_with_content(version_id=version_id) if version_id else None
        if version is None:
            raise Http404(_("Page not found."))
        modules = list(version.modules.all())
        lessons = [lesson for module in modules for lesson in module.lessons.all()]
        index = next((i for i, lesson in enumerate(lessons) if lesson.pk == lesson_id), 0)
        context = {
            "course": course,
            "version": version,
            "modules": modules,
            "lesson": lessons[index] if lessons else None,
            "previous": lessons[index - 1] if index > 0 else None,
            "next": lessons[index + 1] if index + 1 < len(lessons) else None,
            "position": index + 1,
            "lesson_total": len(lessons),
            "kind_icons": KIND_ICONS,
        }
        return render(request, "enablement/authoring/preview.html", context)


class LessonFileDownloadView(TenantView):
    """A lesson's file, as an attachment, to the course's authors and to learners enrolled in a version that has the
    lesson; a 404 to anyone else (nothing said about whether it exists)."""

    permission = "learning.view"

    def get(self, request, lesson_id):
        lesson = selectors.lesson_for_download(lesson_id=lesson_id)
        membership = request.membership
        if lesson is None:
            raise Http404(_("Page not found."))
        allowed = policy.can(membership, "courses.manage") or (
            policy.can(membership, "learning.take")
            and selectors.is_enrolled_in_version(user_id=membership.user_id, version_id=lesson.module.version_id)
        )
        if not allowed:
            raise Http404(_("Page not found."))
        stored = lesson.file
        try:
            handle = stored.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404(_("Page not found.")) from exc
        response = FileResponse(handle, as_attachment=True, filename=stored.name, content_type=stored.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, no-store"
        return response
