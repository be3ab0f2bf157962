"""Deal registration pages, partner side and shared: the list (my registrations, or every registration for
staff), the registration form with its live conflict check, a registration's page and the partner's steps on it.
The staff side (queue, decisions, export, rules) is in views/review.py. Pages are thin: services decide."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dealreg import selectors, services
from dealreg.filters import DealFilterSet
from dealreg.forms import (
    AnswerForm,
    CloseForm,
    DealRegistrationForm,
    DecisionForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    WithdrawForm,
)
from dealreg.models import AttributionRole, DealStatus, ExtensionStatus, RejectionReason
from dealreg.services.common import may_register
from dealreg.services.review import ASSIGNABLE_ROLES
from partners.selectors import partner_get, partners_in_program
from prm import policy
from prm import selectors as core_selectors
from prm.errors import DomainError
from prm.views import TenantView, add_domain_error

if TYPE_CHECKING:
    from partners.models import PartnerOrganization

PAGE_SIZE = 25


def filterset_for(params, queryset) -> DealFilterSet:
    """The DealFilterSet of a page's query; a value it refuses (an unknown status…) is dropped, not an error."""
    data = params.copy()
    filterset = DealFilterSet(data, queryset=queryset)
    if not filterset.is_valid():
        for name in filterset.errors:
            data.pop(name, None)
        filterset = DealFilterSet(data, queryset=queryset)
    return filterset


def selected_partner(filters) -> PartnerOrganization | None:
    """The partner the list is filtered by (its select shows only that one; a search fills it)."""
    value = str(filters.get("partner_organization") or "")
    return partner_get(partner_id=int(value)) if value.isdigit() else None


def page_filters(filterset) -> dict:
    return {
        name: (filterset.data.getlist(name) if name == "status" else filterset.data.get(name, ""))
        for name in filterset.filters
        if name != "updated_since"
    }


class DealListView(TenantView):
    """Partners: "My registrations", with what is expected of them. Staff: every registration, filtered with the
    shared DealFilterSet, sorted and paged; htmx asks for the rows only."""

    permission = "deals.view"

    def get(self, request):
        membership = request.membership
        ordering = request.GET.get("ordering", "created")
        ordering = ordering if ordering in selectors.DEAL_ORDERINGS else "created"
        filterset = filterset_for(request.GET, selectors.deal_list(actor=membership, ordering=ordering))
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        rules = services.engagement_rules_get()
        today = timezone.localdate()
        for registration in page:
            registration.shared = selectors.is_shared_with(membership, registration)
            role = getattr(registration, "viewer_role", None)
            registration.viewer_role_label = AttributionRole(role).label if role in AttributionRole.values else ""
            # Another partner's deal this partner takes part in: nothing is expected of it there.
            registration.expected = (
                ""
                if registration.shared
                else selectors.expected_of_partner(registration, today=today, warning_days=rules.expiry_warning_days)
            )
            registration.sla = services.sla_status(registration)
            registration.conflict_total = selectors.conflict_count(registration)
        filters = page_filters(filterset)
        context = {
            "page": page,
            "statuses": DealStatus.choices,
            "filters": filters,
            "filtered": any(filters.values()),
            "ordering": ordering,
            "orderings": selectors.DEAL_ORDERING_LABELS.items(),
            "can_register": policy.can(membership, "deals.register") or policy.can(membership, "deals.review"),
            "can_export": policy.can(membership, "deals.export"),
            "can_review": policy.can(membership, "deals.review"),
        }
        if membership.is_partner_role:
            context["counts"] = selectors.partner_deal_counts(
                partner_organization_id=membership.partner_organization_id
            )
            return render(request, "dealreg/my_registrations.html", context)
        rows_only = request.htmx and not request.htmx.history_restore_request
        if not rows_only:
            context["selected_partner"] = selected_partner(filters)
        template = "dealreg/partials/deal_rows.html" if rows_only else "dealreg/deal_list.html"
        response = render(request, template, context)
        patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
        return response


class _RegisterMixin:
    """Pages that register or change deals: partner users who may register, and reviewers on a partner's behalf."""

    permission = "deals.view"

    def dispatch(self, request, *args, **kwargs):
        membership = request.membership
        if not (policy.can(membership, "deals.register") or policy.can(membership, "deals.review")):
            raise Http404("Page not found.")
        return super().dispatch(request, *args, **kwargs)

    def registration_form(self, data=None, *, initial=None, registration=None):
        request = self.request
        partners = None
        if not request.membership.is_partner_role and registration is None:
            partners = partners_in_program()
        form = DealRegistrationForm(
            data,
            initial=initial,
            base_currency=request.tenant.base_currency,
            partners=partners,
            products=selectors.products_for_registration(),
            conflict_url=self.url("deal_conflict_check"),
        )
        return form

    def render_form(self, form, *, registration=None, status=200, conflicts=None):
        context = {
            "form": form,
            "registration": registration,
            "conflicts": conflicts or [],
            "rules": services.engagement_rules_get(),
        }
        return render(self.request, "dealreg/deal_form.html", context, status=status)


class DealCreateView(_RegisterMixin, TenantView):
    """The registration form: save a draft, or submit at once (the default button)."""

    def get(self, request):
        return self.render_form(self.registration_form())

    def post(self, request):
        form = self.registration_form(request.POST)
        if form.is_valid():
            fields = form.service_fields()
            partner = form.cleaned_data.get("partner_organization")
            submit = "save_draft" not in request.POST
            try:
                registration = services.deal_create(
                    actor=request.membership,
                    partner_organization=partner,
                    line_items=form.line_items(),
                    submit=submit,
                    **fields,
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _outcome_message(registration))
                return redirect("deal_detail", request.tenant.slug, registration.pk)
        return self.render_form(form, status=400)


def _day(value) -> str:
    return date_format(value, "DATE_FORMAT")


def _outcome_message(registration) -> str:
    customer = registration.customer_name
    if registration.status == DealStatus.DRAFT:
        return _("Draft saved: %(customer)s. Submit it when it is ready.") % {"customer": customer}
    if registration.status == DealStatus.APPROVED:
        return _("%(customer)s is approved: protected until %(date)s.") % {
            "customer": customer,
            "date": _day(registration.protected_until),
        }
    if registration.status == DealStatus.REJECTED:
        return _("%(customer)s was turned down: %(reason)s.") % {
            "customer": customer,
            "reason": registration.get_rejection_reason_display(),
        }
    if registration.review_due_at is None:
        return _("%(customer)s is submitted.") % {"customer": customer}
    # The reader's time zone, named: a deadline nobody has to convert.
    due = date_format(timezone.localtime(registration.review_due_at), "DATETIME_FORMAT")
    return _("%(customer)s is submitted. A channel manager decides by %(time)s.") % {"customer": customer, "time": due}


class DealConflictCheckView(_RegisterMixin, TenantView):
    """The live conflict check of the registration form (htmx, as the partner types): a warning under the
    customer's fields. A partner is told only that the customer is taken, never by whom."""

    def post(self, request):
        data = request.POST
        exclude = data.get("exclude", "")
        excluded = None
        if exclude.isdigit():
            own = selectors.deal_get(actor=request.membership, registration_id=int(exclude))
            excluded = own.pk if own is not None and not selectors.is_shared_with(request.membership, own) else None
        try:
            conflicts = services.conflict_check(
                actor=request.membership,
                customer_name=data.get("customer_name", ""),
                customer_domain=data.get("customer_website", data.get("customer_domain", "")),
                customer_country=data.get("customer_country", "")[:2],
                exclude_registration_id=excluded,
            )
            problem = ""
        except DomainError as error:
            conflicts, problem = [], (error.message if error.field == "customer_domain" else "")
        return render(
            request,
            "dealreg/partials/conflict_warning.html",
            {"conflicts": conflicts, "problem": problem, "staff": not request.membership.is_partner_role},
        )

    get = post


class DealDetailView(TenantView):
    """A registration's page. Partners: its status, protection, what is expected of them, their steps and the
    timeline meant for them. Staff: the decision screen — the registration beside its conflicts (each with its
    status and a link to its history), the decision, attribution, extensions, the whole timeline and history."""

    permission = "deals.view"

    def get(self, request, deal_id):
        return render_detail(request, get_registration(request, deal_id))


def get_registration(request, deal_id):
    """The registration the member may read (selectors.registrations_visible_to decides: a partner's own, or one it
    takes part in, read-only), or 404."""
    registration = selectors.deal_get(actor=request.membership, registration_id=deal_id)
    if registration is None or not policy.can(request.membership, "deals.view"):
        raise Http404("Page not found.")
    registration.shared = selectors.is_shared_with(request.membership, registration)
    return registration


def render_detail(request, registration, *, status=200, errors=None, forms=None):
    """The registration's page, with the forms of its steps (those given keep their input and errors)."""
    membership = request.membership
    is_partner = membership.is_partner_role
    # Another partner's registration this partner takes part in: read-only, without that partner's conversation
    # with the channel manager (timeline) or what its screening found.
    shared = getattr(registration, "shared", False)
    rules = services.engagement_rules_get()
    forms = forms or {}
    can_register = may_register(membership, registration)
    can_review = policy.can(membership, "deals.review", registration)
    can_decide_extension = services.may_decide_extension(membership, registration, rules)
    status_value = registration.status
    pending = selectors.pending_extension(registration)
    context = {
        "registration": registration,
        "rules": rules,
        "is_partner": is_partner,
        "errors": errors or {},
        "expected": ""
        if shared
        else selectors.expected_of_partner(registration, warning_days=rules.expiry_warning_days),
        "sla": services.sla_status(registration),
        "shared": shared,
        "conflicts": services.screening.for_viewer(
            registration.conflicts or [],
            viewer_partner_organization_id=membership.partner_organization_id if is_partner else None,
        )
        if is_partner and not shared
        else None,
        "conflict_records": None if is_partner else selectors.conflict_records(registration),
        "timeline": [] if shared else selectors.deal_timeline(registration, for_partner=is_partner),
        "pending_extension": pending,
        "can_edit": can_register and status_value in services.EDITABLE_STATUSES,
        "can_submit": can_register and status_value == DealStatus.DRAFT,
        # The partner's own steps: staff decide on the decision screen, they do not withdraw or ask for more
        # protection in the partner's words.
        "can_withdraw": is_partner and can_register and registration.can_transition_to(DealStatus.WITHDRAWN),
        "can_answer": can_register and status_value == DealStatus.INFO_REQUESTED,
        "can_close": can_register and status_value == DealStatus.APPROVED,
        "can_extend": is_partner
        and can_register
        and status_value == DealStatus.APPROVED
        and pending is None
        and registration.extensions_used < rules.max_extensions,
        "can_review": can_review,
        "can_edit_attribution": can_review and services.attribution_open(registration),
        "can_decide": can_review and status_value in selectors.QUEUE_STATUSES,
        "protection_end": timezone.localdate() + timedelta(days=rules.protection_days),
        "can_decide_extension": can_decide_extension and pending is not None,
        "answer_form": forms.get("answer") or AnswerForm(),
        "withdraw_form": forms.get("withdraw") or WithdrawForm(),
        "extension_form": forms.get("extension") or ExtensionRequestForm(initial={"days": rules.extension_days}),
        "extension_decision_form": forms.get("extension_decision") or ExtensionDecisionForm(),
        "close_form": forms.get("close") or CloseForm(initial={"closed_amount": registration.amount}),
        "question": None,
    }
    if status_value == DealStatus.INFO_REQUESTED:
        asked = [entry for entry in context["timeline"] if entry.kind == "info_requested"]
        context["question"] = asked[-1] if asked else None
    if not is_partner:
        context.update(
            decision_form=forms.get("decision") or DecisionForm(assignees=_assignees()),
            rejection_reasons=RejectionReason.choices,
            participants=selectors.deal_participants(registration),
            roles=AttributionRole.choices,
            extensions=selectors.deal_extensions(registration),
            history=core_selectors.history_for(registration)
            if policy.can(membership, "history.view", registration)
            else None,
        )
    else:
        context["own_participation"] = [
            p
            for p in selectors.deal_participants(registration)
            if p.partner_organization_id == membership.partner_organization_id
        ]
    return render(request, "dealreg/deal_detail.html", context, status=status)


def _assignees() -> list[tuple[int, str]]:
    members = core_selectors.members_list().filter(is_active=True, role__in=ASSIGNABLE_ROLES).order_by("user__email")
    return [(m.user_id, str(m.user)) for m in members]


class DealEditView(_RegisterMixin, TenantView):
    """Change a registration before review (draft, submitted) or while the channel manager waits for an answer."""

    def get(self, request, deal_id):
        registration = self._editable(request, deal_id)
        form = self.registration_form(initial=DealRegistrationForm.initial_for(registration), registration=registration)
        return self.render_form(form, registration=registration)

    def post(self, request, deal_id):
        registration = self._editable(request, deal_id)
        form = self.registration_form(request.POST, registration=registration)
        if form.is_valid():
            fields = form.service_fields()
            fields.pop("partner_organization", None)
            try:
                services.deal_update(
                    actor=request.membership, registration=registration, line_items=form.line_items(), **fields
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Registration saved."))
                return redirect("deal_detail", request.tenant.slug, registration.pk)
        return self.render_form(form, registration=registration, status=400)

    def _editable(self, request, deal_id):
        registration = get_registration(request, deal_id)
        if not may_register(request.membership, registration):
            raise Http404("Page not found.")
        return registration


class _StepView(TenantView):
    """POST a step on a registration; a refusal re-renders the page (400) with the message."""

    permission = "deals.view"
    http_method_names = ["post"]
    form_name = ""

    def post(self, request, deal_id, **kwargs):
        registration = get_registration(request, deal_id)
        self.check_allowed(request, registration)
        form = self.make_form(request)
        if form is not None and not form.is_valid():
            return render_detail(request, registration, status=400, forms={self.form_name: form})
        try:
            message = self.perform(request, registration, form, **kwargs)
        except DomainError as error:
            if form is not None and error.field in form.fields:
                add_domain_error(form, error)
                return render_detail(request, registration, status=400, forms={self.form_name: form})
            # A refusal of the step itself (its state, another's decision first): shown above the page.
            forms = {self.form_name: form} if form is not None else {}
            return render_detail(request, registration, status=400, errors={self.form_name: error.message}, forms=forms)
        messages.success(request, message)
        return redirect("deal_detail", request.tenant.slug, registration.pk)

    def check_allowed(self, request, registration):
        if not may_register(request.membership, registration):
            raise Http404("Page not found.")

    def make_form(self, request):
        return None

    def perform(self, request, registration, form, **kwargs) -> str:
        raise NotImplementedError


class DealSubmitView(_StepView):
    form_name = "submit"

    def perform(self, request, registration, form, **kwargs):
        registration = services.deal_submit(actor=request.membership, registration=registration)
        return _outcome_message(registration)


class DealWithdrawView(_StepView):
    form_name = "withdraw"

    def make_form(self, request):
        return WithdrawForm(request.POST)

    def perform(self, request, registration, form, **kwargs):
        services.deal_withdraw(actor=request.membership, registration=registration, reason=form.cleaned_data["reason"])
        return _("%(customer)s is withdrawn.") % {"customer": registration.customer_name}


class DealAnswerView(_StepView):
    form_name = "answer"

    def make_form(self, request):
        return AnswerForm(request.POST)

    def perform(self, request, registration, form, **kwargs):
        registration = services.deal_answer(
            actor=request.membership, registration=registration, answer=form.cleaned_data["answer"]
        )
        return _("Thank you: your answer is with the channel manager, and the registration is back in review.")


class DealExtensionRequestView(_StepView):
    form_name = "extension"

    def make_form(self, request):
        return ExtensionRequestForm(request.POST)

    def perform(self, request, registration, form, **kwargs):
        extension = services.deal_request_extension(
            actor=request.membership,
            registration=registration,
            days=form.cleaned_data["days"],
            reason=form.cleaned_data["reason"],
        )
        return ngettext(
            "Extension of %(days)s day requested: you will hear when it is decided.",
            "Extension of %(days)s days requested: you will hear when it is decided.",
            extension.days,
        ) % {"days": extension.days}


class DealExtensionDecideView(_StepView):
    form_name = "extension_decision"

    def check_allowed(self, request, registration):
        if not services.may_decide_extension(request.membership, registration):
            raise Http404("Page not found.")

    def make_form(self, request):
        return ExtensionDecisionForm(request.POST)

    def perform(self, request, registration, form, *, extension_id):
        extension = selectors.extension_get(registration=registration, extension_id=extension_id)
        if extension is None:
            raise Http404("Page not found.")
        approve = form.cleaned_data["decision"] == "approve"
        extension = services.deal_decide_extension(
            actor=request.membership, extension=extension, approve=approve, note=form.cleaned_data["note"]
        )
        if extension.status == ExtensionStatus.APPROVED:
            registration.refresh_from_db(fields=["protected_until"])
            return _("Extension approved: protected until %(date)s.") % {"date": _day(registration.protected_until)}
        return _("Extension declined.")


class DealCloseView(_StepView):
    """Won (with the closed amount and date) or lost (with the reason), by the partner or by staff."""

    form_name = "close"

    def make_form(self, request):
        return CloseForm(request.POST)

    def perform(self, request, registration, form, **kwargs):
        data = form.cleaned_data
        if data["outcome"] == "won":
            amount = data.get("closed_amount")
            services.deal_mark_won(
                actor=request.membership,
                registration=registration,
                closed_amount=amount if amount is not None else "",
                closed_date=data.get("closed_date"),
            )
            return _("%(customer)s is won. Congratulations!") % {"customer": registration.customer_name}
        services.deal_mark_lost(
            actor=request.membership,
            registration=registration,
            reason=data.get("reason", ""),
            closed_date=data.get("closed_date"),
        )
        return _("%(customer)s is marked lost.") % {"customer": registration.customer_name}


class DealDecideView(_StepView):
    """The decision screen's form: start review, approve (optionally with a co-sell assignee), reject with a
    reason, or ask the partner a question."""

    form_name = "decision"

    def check_allowed(self, request, registration):
        if not policy.can(request.membership, "deals.review", registration):
            raise Http404("Page not found.")

    def make_form(self, request):
        return DecisionForm(request.POST, assignees=_assignees())

    def perform(self, request, registration, form, **kwargs):
        data = form.cleaned_data
        actor = request.membership
        decision = data["decision"]
        if decision == "start_review":
            services.deal_start_review(actor=actor, registration=registration)
            return _("You are reviewing this registration: the partner can no longer change it.")
        if decision == "approve":
            registration = services.deal_approve(
                actor=actor, registration=registration, note=data["note"], assign_to=data.get("assign_to")
            )
            return _("Approved: %(customer)s is protected until %(date)s.") % {
                "customer": registration.customer_name,
                "date": _day(registration.protected_until),
            }
        if decision == "reject":
            services.deal_reject(actor=actor, registration=registration, reason=data["reason"], note=data["note"])
            return _("%(customer)s is rejected.") % {"customer": registration.customer_name}
        services.deal_request_info(actor=actor, registration=registration, question=data["question"])
        return _("Your question is with the partner; the review SLA is paused until they answer.")


class DealParticipantsView(_StepView):
    """Staff set the partners on a deal and their shares (the whole set at once; they must add up to 100)."""

    form_name = "participants"

    def check_allowed(self, request, registration):
        if not policy.can(request.membership, "deals.review", registration):
            raise Http404("Page not found.")

    def perform(self, request, registration, form, **kwargs):
        organizations = request.POST.getlist("partner_organization")
        roles = request.POST.getlist("role")
        shares = request.POST.getlist("share")
        participants = []
        for organization, role, share in zip(organizations, roles, shares, strict=False):
            if not organization:
                continue
            participants.append(
                {
                    "partner_organization": int(organization) if organization.isdigit() else organization,
                    "role": role,
                    "share": share,
                }
            )
        services.deal_set_participants(actor=request.membership, registration=registration, participants=participants)
        return _("Attribution saved.")
