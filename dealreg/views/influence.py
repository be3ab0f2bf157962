"""Influence pages: a partner claims influence on a deal it did not register and follows its claims; reviewers work
the queue of pending claims (accept on a deal with a share, or decline with a reason) and add influencing partners
directly. Pages are thin: dealreg.services.influence decides."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dealreg import selectors, services
from dealreg.forms import InfluenceAddForm, InfluenceClaimForm, InfluenceDecisionForm
from prm.errors import DomainError
from prm.views import TenantView, add_domain_error

PAGE_SIZE = 25
# The queue screens each claim's customer for its deals (three index lookups a claim): a short page keeps it quick.
QUEUE_PAGE_SIZE = 10


class InfluenceClaimsView(TenantView):
    """A partner's influence: the claim form and its organization's claims with their status (and share, or the
    reason they were declined)."""

    permission = "deals.claim_influence"

    def get(self, request):
        return self.render_page(InfluenceClaimForm())

    def post(self, request):
        form = InfluenceClaimForm(request.POST)
        if form.is_valid():
            try:
                services.influence_claim_create(actor=request.membership, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(
                    request, _("Your claim is with the channel manager: you will hear when it is decided.")
                )
                return redirect("influence_claims", request.tenant.slug)
        return self.render_page(form, status=400)

    def render_page(self, form, *, status=200):
        request = self.request
        claims = selectors.influence_claims_of_partner(
            partner_organization_id=request.membership.partner_organization_id
        )
        page = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "dealreg/influence_claims.html", {"form": form, "page": page}, status=status)


class InfluenceQueueView(TenantView):
    """The reviewers' queue of pending influence claims, oldest first, each with the deals of the customer it names
    (other partners' active registrations and open CRM opportunities) to accept it on; the claims decided lately; and
    a form to add an influencing partner directly."""

    permission = "deals.review"

    def get(self, request):
        return render_queue(request)


def decision_form(claim, data=None) -> InfluenceDecisionForm:
    # Each claim's form posts to its own address: plain field names, ids unique on the page.
    return InfluenceDecisionForm(data, auto_id=f"claim{claim.pk}-%s")


def render_queue(request, *, status=200, forms=None, errors=None):
    forms = forms or {}
    page = Paginator(selectors.influence_queue(), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    claims = list(page)
    candidates = selectors.influence_candidates(claims)
    for claim in claims:
        claim.candidates = candidates.get(claim.pk, [])
        claim.form = forms.get(claim.pk) or decision_form(claim)
    context = {
        "page": page,
        "claims": claims,
        "decided": selectors.recently_decided_claims(),
        "add_form": forms.get("add") or InfluenceAddForm(),
        "errors": errors or {},
    }
    return render(request, "dealreg/influence_queue.html", context, status=status)


class InfluenceClaimDecideView(TenantView):
    """Accept (on a deal, with a share) or decline (with a reason) a pending claim."""

    permission = "deals.review"
    http_method_names = ["post"]

    def post(self, request, claim_id):
        claim = selectors.influence_claim_get(actor=request.membership, claim_id=claim_id)
        if claim is None:
            raise Http404("Page not found.")
        form = decision_form(claim, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == "accept":
                    services.influence_claim_accept(
                        actor=request.membership, claim=claim, share=data.get("share"), note=data["note"], **form.deal()
                    )
                    message = _("Claim accepted: %(partner)s is an influencing partner of the deal.") % {
                        "partner": claim.partner_organization.name
                    }
                else:
                    services.influence_claim_decline(actor=request.membership, claim=claim, reason=data["reason"])
                    message = _("Claim declined; the partner reads your reason.")
            except DomainError as error:
                add_domain_error(form, error)
                if error.field not in form.fields:
                    # A claim decided meanwhile is no longer in the queue: the message goes above it.
                    return render_queue(request, status=400, forms={claim.pk: form}, errors={"decision": error.message})
            else:
                messages.success(request, message)
                return redirect("influence_queue", request.tenant.slug)
        return render_queue(request, status=400, forms={claim.pk: form})


class InfluenceAddView(TenantView):
    """Add an influencing partner directly to a registration or a CRM opportunity."""

    permission = "deals.review"
    http_method_names = ["post"]

    def post(self, request):
        form = InfluenceAddForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.influence_add(
                    actor=request.membership,
                    partner_organization=data["partner_organization"],
                    share=data["share"],
                    registration=data.get("registration"),
                    crm_opportunity=data.get("crm_opportunity") or None,
                    note=data["note"],
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Influencing partner added."))
                return redirect("influence_queue", request.tenant.slug)
        return render_queue(request, status=400, forms={"add": form})
