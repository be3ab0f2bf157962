"""Pages of recruitment: the public application page and its confirmation link (no login), the staff review
queue with each application's score and decision, and the ideal partner profile with the auto rule."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views import View

from partners import selectors, services
from partners.filters.recruitment import ApplicationFilterSet
from partners.forms.recruitment import (
    ApplicationForm,
    ApproveForm,
    CriterionForm,
    DeclineForm,
    RecruitmentSettingsForm,
)
from partners.models import ApplicationStatus
from partners.selectors import program_settings
from partners.selectors import recruitment as queue_selectors
from partners.services.ipp import criterion_value_labels
from prm import policy
from prm import selectors as core_selectors
from prm.errors import DomainError, InvalidTransition
from prm.http import client_ip
from prm.views import TenantView, add_domain_error

# The public pages -----------------------------------------------------------------------------------------------


class _PublicPage(View):
    """A page of the program anyone may open (the tenant middleware lets it through without a membership)."""

    tenant_public = True

    def page(self, template, context=None, status=200):
        context = {"program": self.request.tenant, **(context or {})}
        return render(self.request, f"partners/recruitment/{template}", context, status=status)


class ApplyView(_PublicPage):
    """`/t/<slug>/apply/`: the program's branded application form. Spam is kept out by a honeypot field (a bot
    that fills it is told it succeeded, and nothing is stored) and a limit of attempts per address."""

    def dispatch(self, request, *args, **kwargs):
        if not program_settings.recruitment_settings()["open"]:
            return self.page("apply_closed.html")
        return super().dispatch(request, *args, **kwargs)

    def form(self, data=None):
        return ApplicationForm(data, partner_types=selectors.partner_type_choices())

    def get(self, request):
        return self.page("apply.html", {"form": self.form()})

    def post(self, request):
        ip = client_ip(request)
        if not services.apply_attempt_allowed(tenant_id=request.tenant.pk, ip=ip):
            response = self.page("apply_limited.html", status=429)
            response["Retry-After"] = str(int(services.APPLY_RATE_WINDOW.total_seconds()))
            return response
        form = self.form(request.POST)
        if form.is_bot:
            return self.page("apply_sent.html", {"email": ""})
        if form.is_valid():
            try:
                application, _token = services.application_submit(data=form.application_data(), ip=ip)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                return self.page("apply_sent.html", {"email": application.contact_email})
        return self.page("apply.html", {"form": form}, status=400)


class ApplyLogoView(_PublicPage):
    """The program's logo for its public pages (the console's logo address is for members only)."""

    def get(self, request):
        if not request.tenant.logo:
            raise Http404("No logo.")
        content_type = "image/png" if request.tenant.logo.name.endswith(".png") else "image/jpeg"
        response = FileResponse(request.tenant.logo.open("rb"), content_type=content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "public, max-age=3600"
        return response


class ApplyConfirmView(_PublicPage):
    """The emailed link. Opening it shows what is confirmed; the button confirms (a mail scanner that opens
    links confirms nothing). Unknown here — including another program's link — is a 404."""

    def dispatch(self, request, confirmation_token):
        self.application = services.application_by_token(token=confirmation_token)
        if self.application is None:
            message = _("This confirmation link is not valid. Check that you copied the whole link from the email.")
            return self.page("apply_link_problem.html", {"message": message}, status=404)
        return super().dispatch(request, confirmation_token)

    def get(self, request, confirmation_token):
        try:
            services.application_check_confirmable(self.application)
        except InvalidTransition as error:
            return self.page("apply_link_problem.html", {"message": error.message}, status=410)
        return self.page("apply_confirm.html", {"application": self.application})

    def post(self, request, confirmation_token):
        try:
            application = services.application_confirm(application=self.application)
        except InvalidTransition as error:
            return self.page("apply_link_problem.html", {"message": error.message}, status=410)
        return self.page("apply_confirmed.html", {"application": application})


# The review queue -----------------------------------------------------------------------------------------------


def _queue_filterset(params) -> tuple[ApplicationFilterSet, dict]:
    """The queue's filters: in review unless a status (or "any") is asked for; a refused value is ignored."""
    data = params.copy()
    if "status" not in data:
        data["status"] = ApplicationStatus.SUBMITTED
    elif data.get("status") == "any":
        data.pop("status")
    queryset = queue_selectors.application_queue()
    filterset = ApplicationFilterSet(data, queryset=queryset)
    if not filterset.is_valid():
        for name in filterset.errors:
            data.pop(name, None)
        if "status" in filterset.errors:
            data["status"] = ApplicationStatus.SUBMITTED
        filterset = ApplicationFilterSet(data, queryset=queryset)
    shown = {"search": data.get("search", ""), "status": data.get("status", "any")}
    return filterset, shown


class ApplicationQueueView(TenantView):
    """Applications best fit first; filters by status (in review by default) and search; htmx asks for rows."""

    permission = "applications.view"
    page_size = 25

    def get(self, request):
        filterset, filters = _queue_filterset(request.GET)
        page = Paginator(filterset.qs, self.page_size).get_page(request.GET.get("page"))
        context = {"page": page, "filters": filters, "statuses": ApplicationStatus.choices}
        rows_only = request.htmx and not request.htmx.history_restore_request
        if not rows_only:
            settings = program_settings.recruitment_settings()
            context.update(
                recruitment=settings,
                apply_url=request.build_absolute_uri(self.url("apply")),
                can_manage=policy.can(request.membership, "recruitment.manage"),
            )
        template = "partners/recruitment/partials/application_rows.html" if rows_only else None
        response = render(request, template or "partners/recruitment/application_list.html", context)
        patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
        return response


# The token's hash and the score's explanation (shown above it) would only clutter the history.
_UNSHOWN_HISTORY_FIELDS = {"confirmation_token_hash", "ipp_explanation"}


def _application_history(application) -> list[dict]:
    rows = core_selectors.history_for(application)
    for row in rows:
        row["changes"] = [change for change in row["changes"] if change["field"] not in _UNSHOWN_HISTORY_FIELDS]
    return rows


class ApplicationDetailView(TenantView):
    """Everything the applicant said, the score with what each criterion contributed, and the decision."""

    permission = "applications.view"

    def get_application(self, application_id):
        return self.check_object(queue_selectors.application_get(application_id=application_id))

    def get(self, request, application_id):
        return self.render_page(self.get_application(application_id))

    def render_page(self, application, *, approve_form=None, decline_form=None, error="", status=200):
        membership = self.request.membership
        can_decide = application.status == ApplicationStatus.SUBMITTED and policy.can(
            membership, "applications.decide", application
        )
        context = {
            "application": application,
            "can_decide": can_decide,
            "approve_form": approve_form or ApproveForm(initial={"partner_name": application.company_name}),
            "decline_form": decline_form or DeclineForm(),
            "error": error,
            "history": _application_history(application) if policy.can(membership, "history.view") else None,
        }
        return render(self.request, "partners/recruitment/application_detail.html", context, status=status)


class _DecisionView(ApplicationDetailView):
    permission = "applications.decide"
    http_method_names = ["post"]
    form_class = None
    form_name = ""

    def decide(self, application, form):
        raise NotImplementedError

    def post(self, request, application_id):
        application = self.get_application(application_id)
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                application = self.decide(application, form)
            except DomainError as error:
                if isinstance(error, InvalidTransition):
                    application = self.get_application(application_id)
                    return self.render_page(application, error=error.message, status=409)
                add_domain_error(form, error)
            else:
                return redirect("application_detail", request.tenant.slug, application.pk)
        return self.render_page(application, status=400, **{self.form_name: form})


class ApplicationApproveView(_DecisionView):
    form_class = ApproveForm
    form_name = "approve_form"

    def decide(self, application, form):
        application = services.application_approve(
            actor=self.request.membership,
            application=application,
            partner_name=form.cleaned_data["partner_name"],
            reason=form.cleaned_data["reason"],
        )
        params = {"partner": application.partner_organization.name, "email": application.contact_email}
        if application.invitation_id:
            message = _("%(partner)s is approved: it starts onboarding and %(email)s is invited as its admin.")
        else:
            message = _(
                "%(partner)s is approved: it starts onboarding; %(email)s is a member of the program already, so "
                "nobody was invited."
            )
        messages.success(self.request, message % params)
        return application


class ApplicationDeclineView(_DecisionView):
    form_class = DeclineForm
    form_name = "decline_form"

    def decide(self, application, form):
        application = services.application_decline(
            actor=self.request.membership, application=application, reason=form.cleaned_data["reason"]
        )
        messages.success(
            self.request,
            _("%(company)s's application is declined; they were told by email.")
            % {"company": application.company_name},
        )
        return application


# The ideal partner profile and the auto rule ---------------------------------------------------------------------


def _shown_value(criterion) -> str:
    """A criterion's values by their names (countries, regions, partner types, sizes), not their codes."""
    values = criterion.value if isinstance(criterion.value, list) else [criterion.value]
    return ", ".join(criterion_value_labels(criterion.attribute, values))


class RecruitmentSettingsView(TenantView):
    """Tenant admins: the public page's switch, the auto rule, and the weighted criteria."""

    permission = "recruitment.manage"

    def get(self, request):
        return self.render_page()

    def post(self, request):
        form = RecruitmentSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.recruitment_settings_update(actor=request.membership, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Recruitment settings saved."))
                return redirect("recruitment_settings", request.tenant.slug)
        return self.render_page(settings_form=form, status=400)

    def render_page(self, *, settings_form=None, criterion_form=None, status=200):
        current = program_settings.recruitment_settings()
        initial = {
            "is_open": current["open"],
            "auto_approve_at": current["auto_approve_at"],
            "auto_decline_below": current["auto_decline_below"],
        }
        context = {
            "settings_form": settings_form or RecruitmentSettingsForm(initial=initial),
            "criterion_form": criterion_form or CriterionForm(),
            "criteria": [(criterion, _shown_value(criterion)) for criterion in queue_selectors.criteria_list()],
            "recruitment": current,
            "apply_url": self.request.build_absolute_uri(self.url("apply")),
        }
        return render(self.request, "partners/recruitment/settings.html", context, status=status)


class CriterionCreateView(RecruitmentSettingsView):
    http_method_names = ["post"]

    def post(self, request):
        form = CriterionForm(request.POST)
        if form.is_valid():
            try:
                criterion = services.criterion_create(actor=request.membership, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("Criterion “%(criterion)s” added; applications in review are rescored.")
                    % {"criterion": criterion.label},
                )
                return redirect("recruitment_settings", request.tenant.slug)
        return self.render_page(criterion_form=form, status=400)


class CriterionEditView(TenantView):
    permission = "recruitment.manage"

    def get_criterion(self, criterion_id):
        return self.check_object(queue_selectors.criterion_get(criterion_id=criterion_id))

    def get(self, request, criterion_id):
        criterion = self.get_criterion(criterion_id)
        return self.render_page(criterion, CriterionForm(initial=CriterionForm.initial_for(criterion)))

    def post(self, request, criterion_id):
        criterion = self.get_criterion(criterion_id)
        form = CriterionForm(request.POST)
        if form.is_valid():
            try:
                services.criterion_update(actor=request.membership, criterion=criterion, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Criterion saved; applications in review are rescored."))
                return redirect("recruitment_settings", request.tenant.slug)
        return self.render_page(criterion, form, status=400)

    def render_page(self, criterion, form, status=200):
        context = {"criterion": criterion, "form": form}
        return render(self.request, "partners/recruitment/criterion_form.html", context, status=status)


class CriterionDeleteView(CriterionEditView):
    http_method_names = ["post"]

    def post(self, request, criterion_id):
        criterion = self.get_criterion(criterion_id)
        services.criterion_delete(actor=request.membership, criterion=criterion)
        messages.success(
            request,
            _("Criterion “%(criterion)s” removed; applications in review are rescored.")
            % {"criterion": criterion.label},
        )
        return redirect("recruitment_settings", request.tenant.slug)
