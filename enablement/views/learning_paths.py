"""Authoring pages for enrollment rules and learning paths: lists with a form to add one, an edit page each, and
the path's ordered courses (drag and drop, or up and down from the keyboard). Thin: forms parse, services decide."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from enablement.forms.authoring import PathCourseForm, PathForm, RuleForm, audience_labels
from enablement.selectors import authoring as selectors
from enablement.services import enrollment_rules as rule_services
from enablement.services import learning_paths as path_services
from prm.errors import DomainError
from prm.views import TenantView, add_domain_error


class AuthoringView(TenantView):
    permission = "courses.manage"

    def get_rule(self, rule_id):
        return self.check_object(selectors.enrollment_rule_get(rule_id=rule_id))


# Enrollment rules ----------------------------------------------------------------------------------------------


def _rule_input(data) -> rule_services.RuleInput:
    return rule_services.RuleInput(
        course=data["course"],
        partner_types=data["partner_types"],
        roles=data["roles"],
        due_days=data["due_days"],
        active=data["active"],
    )


class RuleListView(AuthoringView):
    def get(self, request):
        return self.render_page(RuleForm(courses=selectors.course_choices()))

    def post(self, request):
        form = RuleForm(request.POST, courses=selectors.course_choices())
        if form.is_valid():
            try:
                rule_services.enrollment_rule_create(actor=request.membership, data=_rule_input(form.cleaned_data))
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Enrollment rule added."))
                return redirect("authoring_rules", request.tenant.slug)
        return self.render_page(form, status=400)

    def render_page(self, form, status=200):
        context = {"rules": selectors.enrollment_rules(), "form": form, "labels": audience_labels()}
        return render(self.request, "enablement/authoring/rule_list.html", context, status=status)


class RuleEditView(AuthoringView):
    def get(self, request, enrollment_rule_id):
        rule = self.get_rule(enrollment_rule_id)
        form = RuleForm(initial=RuleForm.initial_for(rule), courses=selectors.course_choices())
        return self.render_page(rule, form)

    def post(self, request, enrollment_rule_id):
        rule = self.get_rule(enrollment_rule_id)
        form = RuleForm(request.POST, courses=selectors.course_choices())
        if form.is_valid():
            try:
                rule_services.enrollment_rule_update(
                    actor=request.membership, rule=rule, data=_rule_input(form.cleaned_data)
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Enrollment rule saved."))
                return redirect("authoring_rules", request.tenant.slug)
        return self.render_page(rule, form, status=400)

    def render_page(self, rule, form, status=200):
        return render(self.request, "enablement/authoring/rule_form.html", {"rule": rule, "form": form}, status=status)


class RuleDeleteView(AuthoringView):
    def post(self, request, enrollment_rule_id):
        rule = self.get_rule(enrollment_rule_id)
        try:
            rule_services.enrollment_rule_delete(actor=request.membership, rule=rule)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Enrollment rule removed."))
        return redirect("authoring_rules", request.tenant.slug)


# Learning paths ------------------------------------------------------------------------------------------------


def _path_input(form) -> path_services.PathInput:
    data = form.cleaned_data
    return path_services.PathInput(
        title=data["title"], description=data["description"], published=data["published"], **form.audience()
    )


class PathListView(AuthoringView):
    def get(self, request):
        return self.render_page(PathForm(known=selectors.audience_values()))

    def post(self, request):
        form = PathForm(request.POST, known=selectors.audience_values())
        if form.is_valid():
            try:
                path = path_services.learning_path_create(actor=request.membership, data=_path_input(form))
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Learning path created: add its courses, then publish it."))
                return redirect("authoring_path", request.tenant.slug, path.pk)
        return self.render_page(form, status=400)

    def render_page(self, form, status=200):
        context = {"paths": selectors.learning_paths(), "form": form, "labels": audience_labels()}
        return render(self.request, "enablement/authoring/path_list.html", context, status=status)


class PathView(AuthoringView):
    def get_path(self, path_id):
        return self.check_object(selectors.learning_path_get(path_id=path_id))

    def get_step(self, path, step_id):
        return self.check_object(selectors.learning_path_step_get(path=path, step_id=step_id))

    def page(self, path, *, form=None, course_form=None, status=200, focus=None):
        if self.request.htmx and form is None and course_form is None:
            template = "enablement/authoring/partials/path_steps.html"
        else:
            template = "enablement/authoring/path_edit.html"
        path = selectors.learning_path_get(path_id=path.pk)
        context = {
            "path": path,
            "steps": list(path.steps.all()),
            "form": form or PathForm(initial=PathForm.initial_for(path), known=selectors.audience_values()),
            "course_form": course_form or PathCourseForm(courses=selectors.course_choices()),
            "focus": focus or {},
        }
        return render(self.request, template, context, status=status)

    def back(self, path):
        if self.request.htmx:
            return self.page(path)
        return redirect("authoring_path", self.request.tenant.slug, path.pk)


class PathEditView(PathView):
    def get(self, request, learning_path_id):
        return self.page(self.get_path(learning_path_id))

    def post(self, request, learning_path_id):
        path = self.get_path(learning_path_id)
        form = PathForm(request.POST, known=selectors.audience_values())
        if form.is_valid():
            try:
                path_services.learning_path_update(actor=request.membership, path=path, data=_path_input(form))
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Learning path saved."))
                return redirect("authoring_path", request.tenant.slug, path.pk)
        return self.page(path, form=form, status=400)


class PathCourseAddView(PathView):
    def post(self, request, learning_path_id):
        path = self.get_path(learning_path_id)
        form = PathCourseForm(request.POST, courses=selectors.course_choices())
        if form.is_valid():
            try:
                path_services.learning_path_course_add(
                    actor=request.membership, path=path, course=form.cleaned_data["course"]
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                return redirect("authoring_path", request.tenant.slug, path.pk)
        return self.page(path, course_form=form, status=400)


class PathCourseRemoveView(PathView):
    def post(self, request, learning_path_id, path_step_id):
        path = self.get_path(learning_path_id)
        step = self.get_step(path, path_step_id)
        try:
            path_services.learning_path_course_remove(actor=request.membership, step=step)
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("authoring_path", request.tenant.slug, path.pk)


class PathCourseMoveView(PathView):
    def post(self, request, learning_path_id, path_step_id):
        path = self.get_path(learning_path_id)
        step = self.get_step(path, path_step_id)
        direction = request.POST.get("direction", "")
        try:
            path_services.learning_path_course_move(actor=request.membership, step=step, direction=direction)
        except DomainError as error:
            messages.error(request, error.message)
        if request.htmx:
            return self.page(path, focus={"step": step.pk, "direction": direction})
        return redirect("authoring_path", request.tenant.slug, path.pk)


class PathCoursesOrderView(PathView):
    def post(self, request, learning_path_id):
        path = self.get_path(learning_path_id)
        try:
            path_services.learning_path_courses_reorder(
                actor=request.membership, path=path, step_ids=request.POST.getlist("step")
            )
        except DomainError as error:
            messages.error(request, error.message)
        return self.back(path)
