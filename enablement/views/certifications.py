"""Certification pages: staff define certifications and revoke awards; learners see (and download) their own, a
partner admin their organization's people's; anyone can verify an award from its public link; wallets and
verifiers fetch the issuer's keys and the revocation status list."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_safe

from enablement.forms.certifications import AwardRevokeForm, CertificationEditForm, CertificationForm
from enablement.selectors import certifications as selectors
from enablement.services import certifications as services
from enablement.services import credentials
from enablement.services.certificate_pdf import certificate_pdf
from prm import policy
from prm.errors import DomainError
from prm.middleware import tenant_public
from prm.selectors import history_for
from prm.views import TenantView, add_domain_error

PAGE_SIZE = 50


def _certification_fields(cleaned: dict) -> dict:
    return {
        "name": cleaned["name"],
        "description": cleaned.get("description", ""),
        "validity_months": cleaned.get("validity_months"),
        "course_ids": cleaned.get("courses") or [],
        "final_exam_id": cleaned.get("final_exam"),
        "active": cleaned.get("active", False),
    }


# Staff: definitions -------------------------------------------------------------------------------------------------


class CertificationListView(TenantView):
    permission = "learning.view_all"

    def get(self, request):
        context = {
            "certifications": selectors.certification_list(),
            "can_manage": policy.can(request.membership, "certifications.manage"),
            "expiring": selectors.expiring_counts(),
        }
        return render(request, "enablement/certifications/certification_list.html", context)


class CertificationCreateView(TenantView):
    permission = "certifications.manage"

    def get(self, request):
        return self.render_page(CertificationForm(initial={"validity_months": 12, "active": True}))

    def post(self, request):
        form = CertificationForm(request.POST)
        if form.is_valid():
            try:
                certification = services.certification_create(
                    actor=request.membership, **_certification_fields(form.cleaned_data)
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("%(name)s is defined.") % {"name": certification.name})
                return redirect("certification_detail", request.tenant.slug, certification.pk)
        return self.render_page(form, status=400)

    def render_page(self, form, status=200):
        context = {"form": form, "certification": None}
        return render(self.request, "enablement/certifications/certification_form.html", context, status=status)


class CertificationDetailView(TenantView):
    """A certification's requirements, who holds it (filtered by state, page by page) and its history."""

    permission = "learning.view_all"

    def get(self, request, certification_id):
        certification = self.check_object(selectors.certification_get(certification_id=certification_id))
        state = request.GET.get("state", "valid")
        state = state if state in selectors.AWARD_STATES else ""
        awards = selectors.awards(certification_id=certification.pk, state=state)
        context = {
            "certification": certification,
            "state": state,
            "states": selectors.AWARD_STATES,
            "page": Paginator(awards, PAGE_SIZE).get_page(request.GET.get("page")),
            "can_manage": policy.can(request.membership, "certifications.manage"),
            "history": history_for(certification),
        }
        return render(request, "enablement/certifications/certification_detail.html", context)


class CertificationEditView(TenantView):
    permission = "certifications.manage"

    def get_certification(self, certification_id):
        return self.check_object(selectors.certification_get(certification_id=certification_id))

    def get(self, request, certification_id):
        certification = self.get_certification(certification_id)
        initial = {
            "name": certification.name,
            "description": certification.description,
            "validity_months": certification.validity_months,
            "courses": [link.course_id for link in certification.required_courses.all()],
            "final_exam": certification.final_exam_id,
            "active": certification.active,
        }
        return self.render_page(certification, CertificationEditForm(initial=initial, certification=certification))

    def post(self, request, certification_id):
        certification = self.get_certification(certification_id)
        form = CertificationEditForm(request.POST, certification=certification)
        if form.is_valid():
            try:
                services.certification_update(
                    actor=request.membership,
                    certification=certification,
                    apply_to_existing=form.cleaned_data.get("apply_to_existing") or None,
                    **_certification_fields(form.cleaned_data),
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("%(name)s is saved.") % {"name": form.cleaned_data["name"]})
                return redirect("certification_detail", request.tenant.slug, certification.pk)
        return self.render_page(certification, form, status=400)

    def render_page(self, certification, form, status=200):
        context = {"form": form, "certification": certification}
        return render(self.request, "enablement/certifications/certification_form.html", context, status=status)


# One award ----------------------------------------------------------------------------------------------------------


class _AwardView(TenantView):
    """An award's pages: its holder, the holder's partner admin and staff; anyone else gets a 404."""

    permission = "certifications.view"

    def get_award(self, award_id):
        award = selectors.award_get(award_id=award_id)
        if not selectors.award_visible_to(self.request.membership, award):
            raise Http404(_("Page not found."))
        return award


class AwardDetailView(_AwardView):
    def get(self, request, award_id):
        return self.render_page(self.get_award(award_id))

    def render_page(self, award, revoke_form=None, status=200):
        membership = self.request.membership
        can_revoke = policy.can(membership, "certifications.revoke") and award.status == "active"
        context = {
            "award": award,
            "state": award.state(),
            "verification_url": credentials.verification_url(award),
            "renewed_by": selectors.renewal_of_award(award) if award.status == "renewed" else None,
            "can_revoke": can_revoke,
            "revoke_form": revoke_form or (AwardRevokeForm() if can_revoke else None),
            "history": history_for(award) if policy.can(membership, "learning.view_all") else None,
        }
        return render(self.request, "enablement/certifications/award_detail.html", context, status=status)


class AwardRevokeView(AwardDetailView):
    permission = "certifications.revoke"
    http_method_names = ["post"]

    def post(self, request, award_id):
        award = self.get_award(award_id)
        form = AwardRevokeForm(request.POST)
        if form.is_valid():
            try:
                services.certification_award_revoke(
                    actor=request.membership, award=award, reason=form.cleaned_data["reason"]
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The certificate is revoked."))
                return redirect("certification_award", request.tenant.slug, award.pk)
        return self.render_page(award, revoke_form=form, status=400)


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class AwardPdfView(_AwardView):
    def get(self, request, award_id):
        award = self.get_award(award_id)
        pdf = certificate_pdf(award, verification_url=credentials.verification_url(award), issuer=request.tenant)
        name = slugify(award.certification.name) or "certificate"
        return _attachment(HttpResponse(pdf, content_type="application/pdf"), f"{name}.pdf")


class AwardCredentialView(_AwardView):
    """The Open Badges 3.0 credential as a VC-JWT, for a wallet (or LinkedIn, through one)."""

    def get(self, request, award_id):
        award = self.get_award(award_id)
        token = credentials.credential_for(award)
        name = slugify(award.certification.name) or "credential"
        return _attachment(HttpResponse(token, content_type="application/vc+jwt"), f"{name}.jwt")


# Learners -----------------------------------------------------------------------------------------------------------


class MyCertificationsView(TenantView):
    permission = "learning.take"

    def get(self, request):
        user_id = request.membership.user_id
        context = {
            "awards": selectors.awards(
                user_id=user_id, partner_organization_id=request.membership.partner_organization_id
            ),
            "to_earn": selectors.certifications_to_earn(user_id=user_id),
            "can_view_team": policy.can(request.membership, "learning.view_team"),
        }
        return render(request, "enablement/certifications/my_certifications.html", context)


class TeamCertificationsView(TenantView):
    """A partner admin's view of the organization's people's certifications."""

    permission = "learning.view_team"

    def get(self, request):
        organization_id = request.membership.partner_organization_id
        state = request.GET.get("state", "valid")
        state = state if state in selectors.AWARD_STATES else ""
        awards = selectors.awards(partner_organization_id=organization_id, state=state)
        context = {
            "state": state,
            "states": selectors.AWARD_STATES,
            "page": Paginator(awards, PAGE_SIZE).get_page(request.GET.get("page")),
            "expiring": selectors.expiring_counts(partner_organization_id=organization_id),
        }
        return render(request, "enablement/certifications/team_certifications.html", context)


# Public: verification and the issuer's documents --------------------------------------------------------------------

NOINDEX = "noindex, nofollow, noarchive"


class VerifyView(View):
    """A certificate's public verification page (no sign-in): only the holder's name, the certification, the issuer,
    the dates and whether it is valid. An unknown code is a 404; search engines are asked not to index it."""

    tenant_public = True
    http_method_names = ["get", "head"]

    def get(self, request, verification_code):
        award = selectors.award_by_code(code=verification_code)
        if award is None:
            raise Http404(_("There is no certificate with this verification code."))
        context = {
            "award": award,
            "state": award.state(),
            "renewed_by": selectors.renewal_of_award(award) if award.status == "renewed" else None,
            "issuer": request.tenant.display_name,
        }
        response = render(request, "enablement/certifications/verify.html", context)
        response["X-Robots-Tag"] = NOINDEX
        response["Referrer-Policy"] = "no-referrer"
        return response


def _public_json(data, content_type="application/json"):
    response = JsonResponse(data, content_type=content_type, json_dumps_params={"indent": 2})
    # Verifiers and wallets fetch these from other sites' pages; nothing here depends on a cookie.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    response["X-Robots-Tag"] = NOINDEX
    return response


@tenant_public
@require_safe
def issuer_did_document(request):
    """The issuer's did:web document (`did:web:<host>:t:<slug>` resolves here): its public keys."""
    return _public_json(credentials.did_document(), content_type="application/did+json")


@tenant_public
@require_safe
def issuer_jwks(request):
    """The issuer's public keys as a JWKS (each `kid` is the key's DID URL, as in the credentials' headers)."""
    return _public_json(credentials.public_jwks(), content_type="application/jwk-set+json")


@tenant_public
@require_safe
def status_list(request):
    """The tenant's revocation status list: a signed BitstringStatusListCredential (VC-JWT)."""
    response = HttpResponse(credentials.status_list_credential(), content_type="application/vc+jwt")
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=60"
    response["X-Robots-Tag"] = NOINDEX
    return response
