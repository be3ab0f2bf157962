"""The partner's "Funds": its balances in each fund, its requests and claims with what is expected of it next, the
request form (create, edit when sent back, submit, cancel), the claim form on an approved request, adding proof,
and the proof files (served only here, to the partner's own people and to staff). A request's page is shared: staff
see the same request with the decision forms (views/console.py decides)."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from mdf import selectors, services
from mdf.forms import AddProofForm, ClaimDecisionForm, ClaimForm, FundRequestForm, PayForm, RequestDecisionForm
from mdf.models import EDITABLE_REQUEST_STATUSES, RequestStatus
from mdf.selectors.pages import claims_by_request, funds_open_for_requests, partner_attention, request_claims
from mdf.selectors.roi import activity_roi
from prm import policy
from prm.errors import DomainError
from prm.views import TenantView, add_domain_error


def _partner_id(request) -> int | None:
    membership = request.membership
    return membership.partner_organization_id if membership.is_partner_role else None


FLAG_LABELS = {
    "duplicate_invoice_number": _lazy("The same invoice number is on another claim."),
    "duplicate_file": _lazy("The same file is on another claim."),
    "split": _lazy("Claims on this activity add up above the fund's approval threshold (split claim?)."),
}


def flag_labels(claim) -> list[str]:
    """The reviewer's flags of a claim, in words (with the other claims' ids)."""
    labels = []
    for flag in claim.flags or []:
        kind = flag.get("kind", "") if isinstance(flag, dict) else str(flag)
        label = str(FLAG_LABELS.get(kind, kind))
        others = flag.get("claim_ids") if isinstance(flag, dict) else None
        if others:
            label = f"{label} ({_('claims')} {', '.join(f'#{pk}' for pk in others)})"
        labels.append(label)
    return labels


def may_see(membership) -> bool:
    return policy.can(membership, "mdf.view_own") or policy.can(membership, "mdf.view_all")


class FundsView(TenantView):
    """ "Funds": the partner's balances (allocated, committed, claimed, paid, available) per fund, its requests and
    claims with status and the next step. A fixed number of queries."""

    permission = "mdf.view_own"

    def get(self, request):
        partner_id = request.membership.partner_organization_id
        fund_requests = list(selectors.request_list(partner_organization_id=partner_id)[:100])
        claims = claims_by_request(partner_organization_id=partner_id)
        for fund_request in fund_requests:
            fund_request.next_step = selectors.request_next_step(fund_request, claims=claims.get(fund_request.pk, []))
        all_claims = sorted(
            (c for group in claims.values() for c in group), key=lambda c: (c.created_at, c.pk), reverse=True
        )
        requests_by_id = {r.pk: r for r in fund_requests}
        for claim in all_claims:
            claim.next_step = selectors.claim_next_step(claim)
            claim.request = requests_by_id.get(claim.fund_request_id)
        context = {
            "balances": selectors.partner_balances(partner_organization_id=partner_id),
            "fund_requests": fund_requests,
            "claims": all_claims,
            "attention": partner_attention(partner_organization_id=partner_id),
            "can_request": policy.can(request.membership, "mdf.request"),
            "roi": activity_roi(partner_organization_id=partner_id),
        }
        return render(request, "mdf/funds.html", context)


def get_request(request, fund_request_id):
    if not may_see(request.membership):
        raise Http404(_("Page not found."))
    fund_request = selectors.request_get(fund_request_id=fund_request_id, partner_organization_id=_partner_id(request))
    if fund_request is None:
        raise Http404(_("Page not found."))
    return fund_request


def get_claim(request, claim_id):
    if not may_see(request.membership):
        raise Http404(_("Page not found."))
    claim = selectors.claim_get(claim_id=claim_id, partner_organization_id=_partner_id(request))
    if claim is None:
        raise Http404(_("Page not found."))
    return claim


class _RequesterMixin:
    """Pages that ask for or claim funds: the partner's people (own organization)."""

    permission = "mdf.request"


class FundRequestCreateView(_RequesterMixin, TenantView):
    def form(self, data=None):
        funds = funds_open_for_requests(partner_organization_id=self.request.membership.partner_organization_id)
        return FundRequestForm(data, funds=funds)

    def get(self, request):
        return render(request, "mdf/request_form.html", {"form": self.form()})

    def post(self, request):
        form = self.form(request.POST)
        if form.is_valid():
            fund = selectors.fund_get(fund_id=form.cleaned_data["fund"])
            try:
                fund_request = services.fund_request_create(
                    actor=request.membership,
                    fund=fund,
                    partner_organization_id=request.membership.partner_organization_id,
                    **form.service_fields(),
                )
                if "save_draft" not in request.POST:
                    fund_request = services.fund_request_submit(actor=request.membership, fund_request=fund_request)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                if fund_request.status == RequestStatus.DRAFT:
                    messages.success(request, _("Draft saved. Submit it when it is ready."))
                else:
                    messages.success(request, _("Your request is submitted: marketing decides it."))
                return redirect("mdf_request", request.tenant.slug, fund_request.pk)
        return render(request, "mdf/request_form.html", {"form": form}, status=400)


class FundRequestEditView(_RequesterMixin, TenantView):
    """A draft, or a request sent back for changes: change it, and submit it again (the default button)."""

    def get_object(self, fund_request_id):
        fund_request = get_request(self.request, fund_request_id)
        if fund_request.status not in EDITABLE_REQUEST_STATUSES:
            raise Http404(_("Page not found."))
        return fund_request

    def get(self, request, fund_request_id):
        fund_request = self.get_object(fund_request_id)
        fields = [
            "activity_type",
            "title",
            "description",
            "start_date",
            "end_date",
            "planned_cost",
            "requested_amount",
            "expected_leads",
            "expected_pipeline",
            "campaign_code",
        ]
        form = FundRequestForm(initial={name: getattr(fund_request, name) for name in fields}, editing=True)
        return render(request, "mdf/request_form.html", {"form": form, "fund_request": fund_request})

    def post(self, request, fund_request_id):
        fund_request = self.get_object(fund_request_id)
        form = FundRequestForm(request.POST, editing=True)
        if form.is_valid():
            try:
                fund_request = services.fund_request_update(
                    actor=request.membership, fund_request=fund_request, **form.service_fields()
                )
                if "save_draft" not in request.POST:
                    fund_request = services.fund_request_submit(actor=request.membership, fund_request=fund_request)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Your request is saved."))
                return redirect("mdf_request", request.tenant.slug, fund_request.pk)
        context = {"form": form, "fund_request": fund_request}
        return render(request, "mdf/request_form.html", context, status=400)


class FundRequestDetailView(TenantView):
    """A request's page: its fields, status and next step, its claims with their proof files and flags; the
    partner's steps (edit, submit, cancel, claim, add proof); staff see the decision forms."""

    permission = "tenant.view"

    def get(self, request, fund_request_id):
        return render_request(request, get_request(request, fund_request_id))


def render_request(request, fund_request, *, decision_form=None, claim_forms=None, status=200):
    membership = request.membership
    claims = request_claims(fund_request=fund_request)
    claim_forms = claim_forms or {}
    for claim in claims:
        claim.next_step = selectors.claim_next_step(claim)
        claim.decision_form = claim_forms.get(claim.pk) or ClaimDecisionForm(prefix=f"claim{claim.pk}")
        claim.pay_form = PayForm(prefix=f"pay{claim.pk}")
        claim.flag_labels = flag_labels(claim)
    requester = policy.can(membership, "mdf.request") or (
        policy.can(membership, "mdf.review") and not membership.is_partner_role
    )
    context = {
        "fund_request": fund_request,
        "claims": claims,
        "next_step": selectors.request_next_step(fund_request, claims=claims),
        "commitment": services.request_commitment(fund_request),
        "can_edit": membership.is_partner_role and requester and fund_request.status in EDITABLE_REQUEST_STATUSES,
        "can_cancel": requester
        and fund_request.status
        in (RequestStatus.DRAFT, RequestStatus.SUBMITTED, RequestStatus.CHANGES_REQUESTED, RequestStatus.APPROVED),
        "can_claim": membership.is_partner_role and requester and fund_request.status == RequestStatus.APPROVED,
        "can_review": policy.can(membership, "mdf.review"),
        "can_pay": policy.can(membership, "mdf.pay"),
        "decision_form": decision_form or RequestDecisionForm(),
        "proof_form": AddProofForm(),
        "roi": (activity_roi(fund_id=fund_request.fund_id) if not membership.is_partner_role else []),
    }
    context["roi_rows"] = [row for row in context.pop("roi") if row.fund_request.pk == fund_request.pk]
    return render(request, "mdf/request_detail.html", context, status=status)


class FundRequestSubmitView(_RequesterMixin, TenantView):
    def post(self, request, fund_request_id):
        fund_request = get_request(request, fund_request_id)
        try:
            services.fund_request_submit(actor=request.membership, fund_request=fund_request)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your request is submitted: marketing decides it."))
        return redirect("mdf_request", request.tenant.slug, fund_request.pk)


class FundRequestCancelView(TenantView):
    """Cancel: the partner's people, or a reviewer."""

    permission = "tenant.view"

    def post(self, request, fund_request_id):
        membership = request.membership
        if not (policy.can(membership, "mdf.request") or policy.can(membership, "mdf.review")):
            raise Http404(_("Page not found."))
        fund_request = get_request(request, fund_request_id)
        try:
            services.fund_request_cancel(
                actor=membership, fund_request=fund_request, reason=request.POST.get("reason", "")[:500]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The request is cancelled."))
        return redirect("mdf_request", request.tenant.slug, fund_request.pk)


class ClaimCreateView(_RequesterMixin, TenantView):
    """The claim form on an approved request: actual cost, claimed amount, invoice number, the invoice and other
    proof, an optional leads CSV (its errors name the row and column)."""

    def get_object(self, fund_request_id):
        fund_request = get_request(self.request, fund_request_id)
        if fund_request.status != RequestStatus.APPROVED:
            raise Http404(_("Page not found."))
        return fund_request

    def get(self, request, fund_request_id):
        fund_request = self.get_object(fund_request_id)
        return render(request, "mdf/claim_form.html", {"form": ClaimForm(), "fund_request": fund_request})

    def post(self, request, fund_request_id):
        fund_request = self.get_object(fund_request_id)
        form = ClaimForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.claim_submit(
                    actor=request.membership,
                    fund_request=fund_request,
                    actual_cost=data["actual_cost"],
                    claimed_amount=data["claimed_amount"],
                    invoice_number=data["invoice_number"],
                    files=form.files_for_service(),
                    leads_csv=data.get("leads_csv"),
                    is_final=data.get("is_final", False),
                    note=data.get("note", ""),
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Your claim is submitted: marketing reviews it."))
                return redirect("mdf_request", request.tenant.slug, fund_request.pk)
        context = {"form": form, "fund_request": fund_request}
        return render(request, "mdf/claim_form.html", context, status=400)


class ClaimAddProofView(_RequesterMixin, TenantView):
    """More proof on a claim sent back for it: files and leads; the claim returns to review."""

    def post(self, request, claim_id):
        claim = get_claim(request, claim_id)
        form = AddProofForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            files = [(data["kind"], data["proof"])] if data.get("proof") else []
            try:
                services.claim_add_proof(
                    actor=request.membership,
                    claim=claim,
                    files=files,
                    leads_csv=data.get("leads_csv"),
                    note=data.get("note", ""),
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Proof added: the claim is back in review."))
        else:
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("mdf_request", request.tenant.slug, claim.fund_request_id)


class ProofFileView(TenantView):
    """A proof file, to its partner's people and to staff only (another partner's: 404)."""

    permission = "tenant.view"

    def get(self, request, file_id):
        if not may_see(request.membership):
            raise Http404(_("Page not found."))
        proof = selectors.proof_file_get(proof_file_id=file_id, partner_organization_id=_partner_id(request))
        if proof is None:
            raise Http404(_("Page not found."))
        response = FileResponse(
            proof.file.open("rb"), content_type=proof.content_type, as_attachment=True, filename=proof.name
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


def portal_card_context(request) -> dict:
    partner_id = request.membership.partner_organization_id
    return {
        "balances": selectors.partner_balances(partner_organization_id=partner_id),
        "attention": partner_attention(partner_organization_id=partner_id),
    }
