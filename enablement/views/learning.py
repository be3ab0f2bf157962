"""The learner's pages: the catalogue, a course's overview, "My learning", a course being taken (its outline with
each lesson's status, progress and resume), its lessons (text, video, file; quizzes and SCORM packages open their
own players), learning paths, and a partner's team with course assignment. Thin: selectors read, services decide."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from enablement.forms.learning import AssignForm
from enablement.models import EnrollmentStatus, LearningPath, LessonKind, LessonProgressStatus
from enablement.selectors import catalogue as catalogue_selectors
from enablement.selectors import progress as selectors
from enablement.services import video
from enablement.services.enrollments import (
    enrollment_assign,
    enrollment_retake,
    enrollment_rule_backfill_start,
    enrollment_self_enroll,
)
from enablement.services.paths import learning_path_start
from enablement.services.progress import lesson_result_record, lesson_start
from partners.selectors import partner_get
from prm import policy
from prm.errors import DomainError
from prm.selectors import members_list
from prm.views import TenantView, add_domain_error

# Lessons the learner marks done on this page; quizzes and SCORM packages record their own results.
SELF_PACED = (LessonKind.TEXT, LessonKind.VIDEO, LessonKind.FILE)


def _not_found():
    return Http404(_("Page not found."))


def audience(request):
    return catalogue_selectors.audience_of(request.membership)


def video_embed_url(url: str) -> str:
    """The lesson's player address when it is https on an allowed host (authoring checked it; this page checks
    again, since it puts the address in an iframe); empty otherwise."""
    parts = urlsplit(url or "")
    return url if parts.scheme == "https" and video.is_allowed_host(parts.hostname or "") else ""


# The catalogue and a course's overview ----------------------------------------------------------------------------


class CatalogueView(TenantView):
    """Courses this member may see, with a search; each with the member's status and an enroll or continue button.
    The search box asks for the results alone (htmx)."""

    permission = "learning.view"

    def get(self, request):
        # NUL cannot be sent to PostgreSQL in a string; nobody types it.
        search = request.GET.get("q", "")[:100].replace("\x00", "")
        user = request.user if request.membership.is_partner_role else None
        courses = list(catalogue_selectors.catalogue(audience=audience(request), user=user, search=search))
        context = {"courses": courses, "search": search, "can_take": policy.can(request.membership, "learning.take")}
        template = "enablement/learning/partials/catalogue_results.html" if request.htmx else None
        return render(request, template or "enablement/learning/catalogue.html", context)


class CourseOverviewView(TenantView):
    """A course before (or besides) taking it: summary, outline, the enroll button, or a link to the enrollment."""

    permission = "learning.view"

    def get(self, request, course_id):
        user = request.user if request.membership.is_partner_role else None
        course = catalogue_selectors.catalogue(audience=audience(request), user=user).filter(pk=course_id).first()
        if course is None:
            raise _not_found()
        context = {
            "course": course,
            "version": course.current_version,
            "modules": catalogue_selectors.course_outline(course.current_version),
            "can_take": policy.can(request.membership, "learning.take"),
        }
        return render(request, "enablement/learning/course_overview.html", context)


class EnrollView(TenantView):
    """POST: enroll myself, then open the course."""

    permission = "learning.take"

    def post(self, request, course_id):
        course = catalogue_selectors.course_for(course_id=course_id, audience=audience(request))
        if course is None:
            raise _not_found()
        try:
            enrollment = enrollment_self_enroll(actor=request.membership, course=course)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("learning_course_overview", request.tenant.slug, course.pk)
        return redirect("learning_course", request.tenant.slug, enrollment.pk)


# My learning, a course being taken, its lessons ---------------------------------------------------------------------


class MyLearningView(TenantView):
    """What I am taking: in progress (resume), assigned with due dates, not started, completed (take again)."""

    permission = "learning.take"

    def get(self, request):
        context = {
            "mine": selectors.my_learning(user=request.user),
            "can_view_team": policy.can(request.membership, "learning.view_team"),
        }
        return render(request, "enablement/learning/my_learning.html", context)


class EnrollmentMixin:
    def get_enrollment(self, enrollment_id):
        enrollment = selectors.enrollment_of_learner(enrollment_id=enrollment_id, user=self.request.user)
        if enrollment is None:
            raise _not_found()
        return enrollment


def outline_rows(enrollment, modules, statuses, tenant_slug) -> list[dict]:
    rows = []
    for module in modules:
        lessons = []
        for lesson in module.lessons.all():
            progress = statuses.get(lesson.pk)
            lessons.append(
                {
                    "lesson": lesson,
                    "status": progress.status if progress else "",
                    "url": reverse("learning_lesson", args=[tenant_slug, enrollment.pk, lesson.pk]),
                }
            )
        rows.append({"module": module, "lessons": lessons})
    return rows


class CourseView(EnrollmentMixin, TenantView):
    """The course I am taking: its outline with each lesson's status, the progress bar and "Resume"."""

    permission = "learning.take"

    def get(self, request, enrollment_id):
        enrollment = self.get_enrollment(enrollment_id)
        statuses = selectors.lesson_statuses(enrollment)
        sequence = selectors.lesson_sequence(enrollment)
        modules = catalogue_selectors.course_outline(enrollment.course_version)
        resume = selectors.resume_lesson_id(enrollment, sequence, statuses)
        context = {
            "enrollment": enrollment,
            "version": enrollment.course_version,
            "percent": selectors.percent(enrollment),
            "outline": outline_rows(enrollment, modules, statuses, request.tenant.slug),
            "resume_url": reverse("learning_lesson", args=[request.tenant.slug, enrollment.pk, resume])
            if resume
            else "",
            "completed": enrollment.status == EnrollmentStatus.COMPLETED,
            "newer_version": enrollment.course.current_version_id != enrollment.course_version_id,
        }
        return render(request, "enablement/learning/course.html", context)


class RetakeView(EnrollmentMixin, TenantView):
    """POST: take a completed course again (its next cycle, on the current version)."""

    permission = "learning.take"

    def post(self, request, enrollment_id):
        enrollment = self.get_enrollment(enrollment_id)
        try:
            next_cycle = enrollment_retake(actor=request.membership, enrollment=enrollment)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("learning_course", request.tenant.slug, enrollment.pk)
        messages.success(request, _("You are taking “%(course)s” again.") % {"course": enrollment.course.title})
        return redirect("learning_course", request.tenant.slug, next_cycle.pk)


class LessonView(EnrollmentMixin, TenantView):
    """A lesson of the course I am taking. Opening it is where "Resume" brings me next time; "Mark as done" (POST)
    records it and goes on to the next lesson. Quizzes and SCORM packages link to their players."""

    permission = "learning.take"

    def get_lesson(self, enrollment, lesson_id):
        lesson = selectors.lesson_of(enrollment, lesson_id)
        if lesson is None:
            raise _not_found()
        return lesson

    def get(self, request, enrollment_id, lesson_id):
        enrollment = self.get_enrollment(enrollment_id)
        lesson = self.get_lesson(enrollment, lesson_id)
        if enrollment.status != EnrollmentStatus.COMPLETED:
            lesson_start(enrollment=enrollment, lesson=lesson)
        return self.render_page(enrollment, lesson)

    def post(self, request, enrollment_id, lesson_id):
        enrollment = self.get_enrollment(enrollment_id)
        lesson = self.get_lesson(enrollment, lesson_id)
        if lesson.kind not in SELF_PACED:
            messages.error(request, _("This lesson records its own result: open it to take it."))
            return redirect("learning_lesson", request.tenant.slug, enrollment.pk, lesson.pk)
        try:
            lesson_result_record(enrollment=enrollment, lesson=lesson, completed=True)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("learning_lesson", request.tenant.slug, enrollment.pk, lesson.pk)
        enrollment = self.get_enrollment(enrollment.pk)
        if enrollment.status == EnrollmentStatus.COMPLETED:
            messages.success(request, _("Course completed: well done!"))
            return redirect("learning_course", request.tenant.slug, enrollment.pk)
        _previous, following = _neighbours(selectors.lesson_sequence(enrollment), lesson.pk)
        if following is None:
            return redirect("learning_course", request.tenant.slug, enrollment.pk)
        return redirect("learning_lesson", request.tenant.slug, enrollment.pk, following[0])

    def render_page(self, enrollment, lesson):
        slug = self.request.tenant.slug
        sequence = selectors.lesson_sequence(enrollment)
        previous, following = _neighbours(sequence, lesson.pk)
        statuses = selectors.lesson_statuses(enrollment)
        progress = statuses.get(lesson.pk)
        context = {
            "enrollment": enrollment,
            "lesson": lesson,
            "done": progress is not None and progress.status == LessonProgressStatus.COMPLETED,
            "self_paced": lesson.kind in SELF_PACED,
            "video_url": video_embed_url(lesson.video_url) if lesson.kind == LessonKind.VIDEO else "",
            "previous": previous,
            "following": following,
            "previous_url": reverse("learning_lesson", args=[slug, enrollment.pk, previous[0]]) if previous else "",
            "following_url": reverse("learning_lesson", args=[slug, enrollment.pk, following[0]]) if following else "",
            "position": [pk for pk, _t, _k in sequence].index(lesson.pk) + 1,
            "count": len(sequence),
            "done_count": sum(1 for row in statuses.values() if row.status == LessonProgressStatus.COMPLETED),
        }
        return render(self.request, "enablement/learning/lesson.html", context)


def _neighbours(sequence, lesson_id):
    ids = [pk for pk, _title, _kind in sequence]
    index = ids.index(lesson_id)
    previous = sequence[index - 1] if index > 0 else None
    following = sequence[index + 1] if index + 1 < len(sequence) else None
    return previous, following


class LessonFileView(LessonView):
    """A file lesson's download, only for a learner enrolled in its course version (private storage)."""

    def get(self, request, enrollment_id, lesson_id):
        enrollment = self.get_enrollment(enrollment_id)
        lesson = self.get_lesson(enrollment, lesson_id)
        if lesson.kind != LessonKind.FILE or lesson.file is None:
            raise _not_found()
        stored = lesson.file
        response = FileResponse(
            stored.file.open("rb"), as_attachment=True, filename=stored.name, content_type=stored.content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    def post(self, request, enrollment_id, lesson_id):
        raise _not_found()


# Learning paths -------------------------------------------------------------------------------------------------------


class PathsView(TenantView):
    """Learning paths for me, each with its courses in order, my status in each and the path's progress."""

    permission = "learning.view"

    def get(self, request):
        user = request.user if request.membership.is_partner_role else None
        context = {
            "paths": selectors.paths_for(audience=audience(request), user=user),
            "can_take": policy.can(request.membership, "learning.take"),
        }
        return render(request, "enablement/learning/paths.html", context)


class PathStartView(TenantView):
    """POST: enroll me in the path's courses."""

    permission = "learning.take"

    def post(self, request, path_id):
        path = LearningPath.objects.filter(pk=path_id).first()
        if path is None:
            raise _not_found()
        try:
            created = learning_path_start(actor=request.membership, path=path)
        except DomainError as error:
            if error.field == "path":
                raise _not_found() from error
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("You are enrolled in the courses of “%(path)s”.") % {"path": path.title}
                if created
                else _("You were already enrolled in every course of “%(path)s”.") % {"path": path.title},
            )
        return redirect("learning_paths", request.tenant.slug)


# The portal's card ------------------------------------------------------------------------------------------------


def portal_card_context(request) -> dict:
    """The portal home page's learning card: the course to resume and the recommended next one."""
    membership = request.membership
    return {
        "resume": selectors.resume_enrollment(user=request.user),
        "recommendation": selectors.recommended_next(
            audience=audience(request), user=request.user, partner_organization_id=membership.partner_organization_id
        ),
    }


# A partner's team ----------------------------------------------------------------------------------------------------


class TeamView(TenantView):
    """A partner admin's people and their enrollments, with "Assign a course"; staff choose the partner first
    (`?partner=<id>`) and assign to any partner's people."""

    permission = "learning.view"

    def dispatch(self, request, *args, **kwargs):
        membership = request.membership
        if not (policy.can(membership, "learning.view_team") or policy.can(membership, "learning.view_all")):
            raise _not_found()
        return super().dispatch(request, *args, **kwargs)

    def get_partner(self):
        membership = self.request.membership
        if membership.is_partner_role:
            return membership.partner_organization
        value = self.request.GET.get("partner") or self.request.POST.get("partner", "")
        return self.check_object(partner_get(partner_id=int(value)), "learning.view_all") if value.isdigit() else None

    def get(self, request):
        partner = self.get_partner()
        return self.render_page(partner, self.assign_form(partner) if partner else None)

    def post(self, request):
        partner = self.get_partner()
        if partner is None or not policy.can(request.membership, "learning.assign", partner):
            raise _not_found()
        form = self.assign_form(partner, request.POST)
        if form.is_valid():
            members = {member.user_id: member for member in self.members(partner)}
            learner = members.get(form.cleaned_data["user"])
            course = catalogue_selectors.published_courses().filter(pk=form.cleaned_data["course"]).first()
            try:
                if learner is None or course is None:
                    raise DomainError(_("Choose a person and a course from the lists."), field="user")
                enrollment, created = enrollment_assign(
                    actor=request.membership, course=course, learner=learner, due_on=form.cleaned_data["due_on"]
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                words = (
                    _("%(course)s assigned to %(person)s.")
                    if created
                    else _("%(person)s was already enrolled in %(course)s; the due date is updated.")
                )
                messages.success(request, words % {"course": course.title, "person": learner.user})
                url = reverse("learning_team", args=[request.tenant.slug])
                return redirect(url if request.membership.is_partner_role else f"{url}?partner={partner.pk}")
        return self.render_page(partner, form, status=400)

    def members(self, partner):
        return list(members_list(partner_organization_id=partner.pk).filter(is_active=True))

    def assign_form(self, partner, data=None):
        if not policy.can(self.request.membership, "learning.assign", partner):
            return None
        people = [(member.user_id, str(member.user)) for member in self.members(partner)]
        # Courses offered to the partner (its type, tier, region); whether a person's role fits is the service's.
        offered = catalogue_selectors.courses_for(catalogue_selectors.audience_of_partner(partner))
        courses = offered.order_by("title").values_list("pk", "title")
        return AssignForm(data, people=people, courses=list(courses))

    def render_page(self, partner, form, status=200):
        members = self.members(partner) if partner else []
        by_user = selectors.team_enrollments(members=members)
        context = {
            "partner": partner,
            "rows": [{"member": member, "enrollments": by_user.get(member.user_id, [])} for member in members],
            "form": form,
            "is_staff": not self.request.membership.is_partner_role,
        }
        if context["is_staff"] and policy.can(self.request.membership, "courses.manage"):
            context["rules"] = list(selectors.rule_list())
        return render(self.request, "enablement/learning/team.html", context, status=status)


# Enrollment rules: applying one to the people already in the program -------------------------------------------


class RuleBackfillView(TenantView):
    """A rule's backfill progress (a fragment the rules pages include and refresh while it runs); POST starts it."""

    permission = "courses.manage"

    def get_rule(self, rule_id):
        rule = selectors.rule_get(rule_id=rule_id)
        if rule is None:
            raise _not_found()
        return rule

    def get(self, request, rule_id):
        return render(request, "enablement/learning/partials/rule_backfill.html", {"rule": self.get_rule(rule_id)})

    def post(self, request, rule_id):
        rule = self.get_rule(rule_id)
        try:
            rule = enrollment_rule_backfill_start(actor=request.membership, rule=rule)
        except DomainError as error:
            messages.error(request, error.message)
        if request.htmx:
            rule = self.get_rule(rule.pk)
            return render(request, "enablement/learning/partials/rule_backfill.html", {"rule": rule})
        return redirect("learning_team", request.tenant.slug)
