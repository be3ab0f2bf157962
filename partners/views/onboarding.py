"""Onboarding pages: plans (staff), every plan's progress (staff), the partner's checklist, manual steps, starting a
plan, and the partner's documents. Thin: forms parse, services decide, selectors read."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners import selectors, services
from partners.forms.onboarding import DocumentUploadForm, OnboardingSettingsForm, PlanForm, StepForm
from partners.models import OnboardingStatus, OnboardingStepKind, PartnerStatus
from partners.selectors import onboarding as selectors_onboarding
from partners.selectors import program_settings
from partners.services import documents as document_services
from partners.services import onboarding as onboarding_services
from partners.services import onboarding_plans
from partners.services.profile import PROFILE_FIELDS, profile_missing_fields
from prm import policy
from prm.errors import DomainError
from prm.views import TenantView, add_domain_error

# Where a partner does each kind of step: (URL name, the action its page needs, the link's words). A URL that does
# not exist yet (another module adds it later) simply shows no link.
STEP_LINKS = {
    OnboardingStepKind.ACCEPT_AGREEMENT: (("portal_agreements",), "agreements.accept", gettext_lazy("Read and accept")),
    OnboardingStepKind.COMPLETE_PROFILE: (("portal_profile",), "portal.edit_profile", gettext_lazy("Edit the profile")),
    OnboardingStepKind.INVITE_COLLEAGUES: (("partner_team",), "partner_team.view", gettext_lazy("Invite colleagues")),
    OnboardingStepKind.UPLOAD_DOCUMENT: (("partner_documents",), "documents.upload", gettext_lazy("Upload")),
    OnboardingStepKind.REGISTER_DEAL: (
        ("deal_register", "deal_create"),
        "deals.register",
        gettext_lazy("Register a deal"),
    ),
}
PROFILE_FIELD_LABELS = {
    "legal_name": gettext_lazy("legal name"),
    "website": gettext_lazy("website"),
    "email_domains": gettext_lazy("email domains"),
    "country": gettext_lazy("country"),
    "regions": gettext_lazy("regions"),
    "industries": gettext_lazy("industries"),
    "company_size": gettext_lazy("company size"),
}
assert set(PROFILE_FIELD_LABELS) <= set(PROFILE_FIELDS)


def _reverse_first(names, tenant, partner) -> str | None:
    for name in names:
        for args in ([tenant.slug], [tenant.slug, partner.pk]):
            try:
                return reverse(name, args=args)
            except NoReverseMatch:
                continue
    return None


def step_rows(onboarding, *, membership, tenant, partner, now=None) -> list[dict]:
    """The steps as the checklist shows them: status (done, overdue, open), and for partner users a link to where the
    step is done (only when their role may do it there)."""
    now = now or timezone.now()
    missing = None
    rows = []
    for step in onboarding.steps.all():
        status = "done" if step.completed_at else ("overdue" if step.due_at <= now else "open")
        link = label = None
        hint = ""
        if status != "done" and membership is not None and membership.is_partner_role and step.kind in STEP_LINKS:
            names, action, words = STEP_LINKS[step.kind]
            if policy.can(membership, action, partner):
                link, label = _reverse_first(names, tenant, partner), words
        if status != "done" and step.kind == OnboardingStepKind.COMPLETE_PROFILE:
            missing = profile_missing_fields(partner) if missing is None else missing
            if missing:
                hint = _("Still missing: %(fields)s.") % {
                    "fields": ", ".join(str(PROFILE_FIELD_LABELS.get(f, f)) for f in missing)
                }
        rows.append({"step": step, "status": status, "link": link if label else None, "label": label, "hint": hint})
    return rows


def checklist_context(*, membership, tenant, partner, onboarding=None, load=True) -> dict:
    """Everything the checklist and the onboarding panel show for one partner."""
    if load:
        onboarding = selectors_onboarding.onboarding_for_partner(partner_id=partner.pk)
    context = {"partner": partner, "onboarding": onboarding, "rows": [], "progress": None}
    if onboarding is not None:
        steps = list(onboarding.steps.all())
        context["rows"] = step_rows(onboarding, membership=membership, tenant=tenant, partner=partner)
        context["progress"] = selectors_onboarding.progress_of(steps)
    context["can_complete_manual"] = policy.can(membership, "onboarding.complete_manual_step", partner)
    context["can_start"] = (
        policy.can(membership, "onboarding.manage_plans", partner)
        and partner.status in (PartnerStatus.ONBOARDING, PartnerStatus.ACTIVE)
        and (onboarding is None or onboarding.status != OnboardingStatus.IN_PROGRESS)
    )
    context["can_view_documents"] = policy.can(membership, "documents.view", partner)
    return context


# Partner: the checklist ----------------------------------------------------------------------------------------


class PortalOnboardingView(TenantView):
    """The partner's own onboarding checklist, full page (the portal home shows it too)."""

    permission = "portal.view"

    def get(self, request):
        partner = request.membership.partner_organization
        context = checklist_context(membership=request.membership, tenant=request.tenant, partner=partner)
        return render(request, "partners/onboarding/portal_checklist.html", context)


# Staff: every plan's progress ------------------------------------------------------------------------------------


class OnboardingProgressView(TenantView):
    """Every partner's onboarding with its progress, next due step and overdue / stalled badges; filters by owner,
    status and state; a chart of how many are in each state."""

    permission = "partners.view_list"
    page_size = 25

    def get(self, request):
        status = request.GET.get("status", OnboardingStatus.IN_PROGRESS)
        if status not in (*OnboardingStatus.values, "all"):
            status = OnboardingStatus.IN_PROGRESS
        state = request.GET.get("state", "")
        state = state if state in selectors_onboarding.PROGRESS_STATES else ""
        owner = request.GET.get("owner", "")
        owner_id = int(owner) if owner.isdigit() else None
        now = timezone.now()
        queryset = selectors_onboarding.onboarding_progress(
            status="" if status == "all" else status, owner_id=owner_id, state=state, now=now
        )
        page = Paginator(queryset, self.page_size).get_page(request.GET.get("page"))
        counts = selectors_onboarding.onboarding_state_counts(owner_id=owner_id, now=now)
        labels = {
            "on_track": _("On track"),
            "overdue": _("Overdue"),
            "stalled": _("Stalled"),
            "completed": _("Completed"),
        }
        context = {
            "page": page,
            "filters": {"status": status, "state": state, "owner": owner_id or ""},
            "statuses": [*OnboardingStatus.choices, ("all", _("Any status"))],
            "states": selectors_onboarding.PROGRESS_STATES.items(),
            "owners": selectors.partner_owner_choices(),
            "counts": counts,
            "chart": {"labels": list(labels.values()), "values": [counts[key] for key in labels]},
            "timing": program_settings.onboarding_settings(),
            "can_manage_plans": policy.can(request.membership, "onboarding.manage_plans"),
            "query": _query_without_page(request),
        }
        return render(request, "partners/onboarding/progress.html", context)


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# Staff: plans ------------------------------------------------------------------------------------------------------


class PlanListView(TenantView):
    """The tenant's plans. A tenant with none gets the default plan here (the first need), ready to edit."""

    permission = "onboarding.manage_plans"

    def get(self, request):
        onboarding_plans.onboarding_plan_ensure_default()
        return self.render_page(self.plan_form(), self.settings_form())

    def post(self, request):
        form = self.plan_form(request.POST)
        if form.is_valid():
            try:
                plan = onboarding_plans.onboarding_plan_create(
                    actor=request.membership,
                    name=form.cleaned_data["name"],
                    partner_type=form.cleaned_data["partner_type"],
                    with_default_steps=request.POST.get("with_default_steps") == "1",
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Plan “%(plan)s” created: add its steps.") % {"plan": plan.name})
                return redirect("onboarding_plan", request.tenant.slug, plan.pk)
        return self.render_page(form, self.settings_form(), status=400)

    def plan_form(self, data=None):
        return PlanForm(data, partner_types=selectors.partner_type_choices(), with_active=False)

    def settings_form(self, data=None):
        return OnboardingSettingsForm(data, initial=program_settings.onboarding_settings())

    def render_page(self, form, settings_form, status=200):
        labels = dict(selectors.partner_type_choices())
        plans = list(selectors_onboarding.plan_list())
        for plan in plans:
            plan.type_label = labels.get(plan.partner_type, plan.partner_type)
        context = {"plans": plans, "form": form, "settings_form": settings_form}
        return render(self.request, "partners/onboarding/plan_list.html", context, status=status)


class OnboardingSettingsView(PlanListView):
    """POST: when reminders go out and when a plan counts as stalled."""

    def get(self, request):
        return redirect("onboarding_plans", request.tenant.slug)

    def post(self, request):
        form = OnboardingSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.onboarding_settings_update(actor=request.membership, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Reminder and escalation timing saved."))
                return redirect("onboarding_plans", request.tenant.slug)
        return self.render_page(self.plan_form(), form, status=400)


class PlanDetailView(TenantView):
    """One plan: its name, type and state, its ordered steps (move, edit, remove) and a form to add a step."""

    permission = "onboarding.manage_plans"

    def get_plan(self, plan_id):
        plan = selectors_onboarding.plan_get(plan_id=plan_id)
        if plan is None:
            raise Http404("Page not found.")
        return plan

    def get(self, request, onboarding_plan_id):
        plan = self.get_plan(onboarding_plan_id)
        return self.render_page(plan, self.plan_form(plan), StepForm())

    def post(self, request, onboarding_plan_id):
        plan = self.get_plan(onboarding_plan_id)
        if request.POST.get("form") == "plan":
            form = self.plan_form(plan, request.POST)
            if form.is_valid():
                try:
                    onboarding_plans.onboarding_plan_update(actor=request.membership, plan=plan, **form.cleaned_data)
                except DomainError as error:
                    add_domain_error(form, error)
                else:
                    messages.success(request, _("Plan saved."))
                    return redirect("onboarding_plan", request.tenant.slug, plan.pk)
            return self.render_page(plan, form, StepForm(), status=400)
        step_form = StepForm(request.POST)
        if step_form.is_valid():
            try:
                step = onboarding_plans.onboarding_plan_step_add(
                    actor=request.membership, plan=plan, **step_form.cleaned_data
                )
            except DomainError as error:
                add_domain_error(step_form, error)
            else:
                messages.success(request, _("Step “%(step)s” added.") % {"step": step.title})
                return redirect("onboarding_plan", request.tenant.slug, plan.pk)
        return self.render_page(plan, self.plan_form(plan), step_form, status=400)

    def plan_form(self, plan, data=None):
        initial = {"name": plan.name, "partner_type": plan.partner_type, "is_active": plan.is_active}
        return PlanForm(data, initial=initial, partner_types=selectors.partner_type_choices())

    def render_page(self, plan, plan_form, step_form, status=200):
        context = {
            "plan": plan,
            "steps": list(plan.steps.all()),
            "plan_form": plan_form,
            "step_form": step_form,
            "kind_events": onboarding_services.STEP_KIND_EVENTS,
            "type_label": dict(selectors.partner_type_choices()).get(plan.partner_type, plan.partner_type),
        }
        return render(self.request, "partners/onboarding/plan_detail.html", context, status=status)


class PlanStepView(TenantView):
    """Edit one step of a plan."""

    permission = "onboarding.manage_plans"

    def get_step(self, plan_id, step_id):
        step = selectors_onboarding.plan_step_get(plan_id=plan_id, step_id=step_id)
        if step is None:
            raise Http404("Page not found.")
        return step

    def get(self, request, onboarding_plan_id, plan_step_id):
        step = self.get_step(onboarding_plan_id, plan_step_id)
        return self.render_page(step, StepForm(initial=StepForm.initial_for(step)))

    def post(self, request, onboarding_plan_id, plan_step_id):
        step = self.get_step(onboarding_plan_id, plan_step_id)
        form = StepForm(request.POST)
        if form.is_valid():
            try:
                onboarding_plans.onboarding_plan_step_update(actor=request.membership, step=step, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Step saved."))
                return redirect("onboarding_plan", request.tenant.slug, step.plan_id)
        return self.render_page(step, form, status=400)

    def render_page(self, step, form, status=200):
        context = {"step": step, "plan": step.plan, "form": form}
        return render(self.request, "partners/onboarding/plan_step_form.html", context, status=status)


class PlanStepRemoveView(PlanStepView):
    def get(self, request, onboarding_plan_id, plan_step_id):
        return redirect("onboarding_plan", request.tenant.slug, self.get_step(onboarding_plan_id, plan_step_id).plan_id)

    def post(self, request, onboarding_plan_id, plan_step_id):
        step = self.get_step(onboarding_plan_id, plan_step_id)
        onboarding_plans.onboarding_plan_step_remove(actor=request.membership, step=step)
        messages.success(
            request, _("Step “%(step)s” removed. Onboardings already running keep it.") % {"step": step.title}
        )
        return redirect("onboarding_plan", request.tenant.slug, step.plan_id)


class PlanStepMoveView(PlanStepRemoveView):
    def post(self, request, onboarding_plan_id, plan_step_id):
        step = self.get_step(onboarding_plan_id, plan_step_id)
        try:
            onboarding_plans.onboarding_plan_step_move(
                actor=request.membership, step=step, direction=request.POST.get("direction", "")
            )
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("onboarding_plan", request.tenant.slug, step.plan_id)


# Staff: a partner's onboarding -------------------------------------------------------------------------------------


class PartnerOnboardingStartView(TenantView):
    """POST: start the partner's plan when none is running (the panel's button)."""

    permission = "onboarding.manage_plans"

    def post(self, request, partner_id):
        partner = self.check_object(selectors.partner_get(partner_id=partner_id))
        try:
            onboarding = onboarding_services.onboarding_start_by_staff(actor=request.membership, partner=partner)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("%(partner)s started “%(plan)s”.") % {"partner": partner.name, "plan": onboarding.plan_name}
            )
        return redirect(reverse("partner_detail", args=[request.tenant.slug, partner.pk]) + "#onboarding")


class OnboardingStepCompleteView(TenantView):
    """POST: a channel manager ticks off a manual step."""

    permission = "onboarding.complete_manual_step"

    def post(self, request, partner_id, onboarding_step_id):
        partner = self.check_object(selectors.partner_get(partner_id=partner_id))
        step = self.check_object(
            selectors_onboarding.onboarding_step_get(partner_id=partner.pk, step_id=onboarding_step_id)
        )
        try:
            onboarding_services.onboarding_step_complete_manually(actor=request.membership, step=step)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("“%(step)s” is done.") % {"step": step.title})
        return redirect(reverse("partner_detail", args=[request.tenant.slug, partner.pk]) + "#onboarding")


# Documents -------------------------------------------------------------------------------------------------------


class PartnerDocumentsView(TenantView):
    """A partner's documents: staff and the partner's admins see and download them; those who may upload add one."""

    permission = "documents.view"

    def get_partner(self, partner_id):
        return self.check_object(selectors.partner_get(partner_id=partner_id))

    def get(self, request, partner_id):
        return self.render_page(self.get_partner(partner_id), DocumentUploadForm())

    def post(self, request, partner_id):
        partner = self.check_object(self.get_partner(partner_id), "documents.upload")
        form = DocumentUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                document = document_services.partner_document_upload(
                    actor=request.membership,
                    partner=partner,
                    title=form.cleaned_data["title"],
                    upload=form.cleaned_data["file"],
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("“%(document)s” uploaded.") % {"document": document.title})
                return redirect("partner_documents", request.tenant.slug, partner.pk)
        return self.render_page(partner, form, status=400)

    def render_page(self, partner, form, status=200):
        membership = self.request.membership
        documents = list(selectors_onboarding.document_list(partner_id=partner.pk))
        for document in documents:
            document.extension = document.file.name.rsplit(".", 1)[-1].upper()
        context = {
            "partner": partner,
            "documents": documents,
            "form": form if policy.can(membership, "documents.upload", partner) else None,
            "back_url": self.url("portal") if membership.is_partner_role else self.url("partner_detail", partner.pk),
        }
        return render(self.request, "partners/onboarding/documents.html", context, status=status)


class PartnerDocumentDownloadView(TenantView):
    """The file, as an attachment with the content type checked at upload; 404 for anyone who may not see it."""

    permission = "documents.view"

    def get(self, request, partner_id, partner_document_id):
        partner = self.check_object(selectors.partner_get(partner_id=partner_id))
        document = self.check_object(
            selectors_onboarding.document_get(partner_id=partner.pk, document_id=partner_document_id)
        )
        try:
            handle = document.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404("The file is missing.") from exc
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=document_services.download_name(document),
            content_type=document.content_type or "application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
