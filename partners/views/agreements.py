"""Agreement pages: the staff console (write, publish, see who accepted) and the partner portal (read, accept)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from partners import services
from partners.forms.agreements import AgreementForm, AgreementPublishForm, AgreementVersionForm
from partners.selectors import agreements as selectors
from partners.services.agreements import default_reaccept_by
from prm import policy
from prm.errors import DomainError
from prm.errors import PermissionDenied as DomainPermissionDenied
from prm.http import client_ip
from prm.views import TenantView, add_domain_error

PAGE_SIZE = 50


# Staff ----------------------------------------------------------------------------------------------------------


class _StaffAgreementView(TenantView):
    """Staff see every agreement and who accepted it; tenant admins also write and publish."""

    permission = "agreements.view_all"

    def get_agreement(self, agreement_id):
        return self.check_object(selectors.agreement_get(agreement_id=agreement_id), "agreements.view_all")

    def get_version(self, agreement_id, version_id):
        version = selectors.version_get(agreement_id=agreement_id, version_id=version_id)
        return self.check_object(version, "agreements.view_all")

    @property
    def can_manage(self) -> bool:
        return policy.can(self.request.membership, "agreements.manage")


class AgreementListView(_StaffAgreementView):
    def get(self, request):
        context = {"rows": selectors.agreement_overview(), "can_manage": self.can_manage}
        return render(request, "partners/agreements/agreement_list.html", context)


class AgreementCreateView(_StaffAgreementView):
    permission = "agreements.manage"

    def get(self, request):
        return self.render_page(AgreementForm())

    def post(self, request):
        form = AgreementForm(request.POST)
        if form.is_valid():
            try:
                agreement = services.agreement_create(actor=request.membership, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(
                    request, _("%(agreement)s is added: write its first version.") % {"agreement": agreement.name}
                )
                return redirect("agreement_version_create", request.tenant.slug, agreement.pk)
        return self.render_page(form, status=400)

    def render_page(self, form, status=200):
        return render(self.request, "partners/agreements/agreement_form.html", {"form": form}, status=status)


class AgreementDetailView(_StaffAgreementView):
    def get(self, request, agreement_id):
        agreement = self.get_agreement(agreement_id)
        versions = selectors.agreement_versions(agreement=agreement)
        published = [v for v in versions if v.published_at is not None]
        context = {
            "agreement": agreement,
            "versions": versions,
            "current": published[0] if published else None,
            "draft": next((v for v in versions if v.published_at is None), None),
            "can_manage": self.can_manage,
        }
        return render(request, "partners/agreements/agreement_detail.html", context)


class AgreementVersionCreateView(_StaffAgreementView):
    """Write the next version as a draft; the form starts from the current version's text."""

    permission = "agreements.manage"

    def get(self, request, agreement_id):
        agreement = self.get_agreement(agreement_id)
        draft = selectors.draft_of(agreement)
        if draft is not None:
            messages.info(request, _("v%(number)s is a draft still: edit it.") % {"number": draft.number})
            return redirect("agreement_version", request.tenant.slug, agreement.pk, draft.pk)
        current = selectors.current_version_of(agreement)
        form = AgreementVersionForm(initial={"body": current.body if current else ""})
        return self.render_page(agreement, form)

    def post(self, request, agreement_id):
        agreement = self.get_agreement(agreement_id)
        form = AgreementVersionForm(request.POST)
        if form.is_valid():
            try:
                version = services.agreement_version_create(
                    actor=request.membership, agreement=agreement, body=form.cleaned_data["body"]
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(
                    request, _("Draft v%(number)s saved. Publish it when it is ready.") % {"number": version.number}
                )
                return redirect("agreement_version", request.tenant.slug, agreement.pk, version.pk)
        return self.render_page(agreement, form, status=400)

    def render_page(self, agreement, form, status=200):
        context = {"agreement": agreement, "form": form}
        return render(self.request, "partners/agreements/version_form.html", context, status=status)


class AgreementVersionView(_StaffAgreementView):
    """A version's text. A draft: edit and publish forms. Published: who accepted it, who has not (overdue after
    the deadline), page by page."""

    def get(self, request, agreement_id, version_id):
        version = self.get_version(agreement_id, version_id)
        return self.render_page(version)

    def render_page(self, version, *, edit_form=None, publish_form=None, status=200):
        is_draft = version.published_at is None
        context = {
            "agreement": version.agreement,
            "version": version,
            "is_draft": is_draft,
            "can_manage": self.can_manage,
        }
        if is_draft:
            if self.can_manage:
                context["edit_form"] = edit_form or AgreementVersionForm(initial={"body": version.body})
                context["publish_form"] = publish_form or AgreementPublishForm(
                    initial={"reaccept_by": default_reaccept_by()}
                )
        else:
            context.update(self.acceptance_context(version))
        return render(self.request, "partners/agreements/version_detail.html", context, status=status)

    def acceptance_context(self, version):
        is_current = selectors.version_is_current(version)
        show = self.request.GET.get("show", "accepted")
        if show not in ("accepted", "pending") or not is_current:
            show = "accepted"
        accepted = selectors.version_acceptances(version=version)
        pending = selectors.version_pending_partners(version=version) if is_current else None
        rows = accepted if show == "accepted" else pending
        deadline = version.reaccept_by
        return {
            "is_current": is_current,
            "show": show,
            "page": Paginator(rows, PAGE_SIZE).get_page(self.request.GET.get("page")),
            "accepted_count": accepted.count(),
            "pending_count": pending.count() if pending is not None else 0,
            "past_deadline": deadline is not None and timezone.localdate() > deadline,
        }


class AgreementVersionEditView(AgreementVersionView):
    permission = "agreements.manage"
    http_method_names = ["post"]

    def post(self, request, agreement_id, version_id):
        version = self.get_version(agreement_id, version_id)
        form = AgreementVersionForm(request.POST)
        if form.is_valid():
            try:
                services.agreement_version_update(
                    actor=request.membership, version=version, body=form.cleaned_data["body"]
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Draft v%(number)s saved.") % {"number": version.number})
                return redirect("agreement_version", request.tenant.slug, version.agreement_id, version.pk)
        if version.published_at is not None:
            messages.error(request, form.errors.get("body", [_("This version is published.")])[0])
            return self.render_page(version, status=400)
        return self.render_page(version, edit_form=form, status=400)


class AgreementVersionPublishView(AgreementVersionView):
    permission = "agreements.manage"
    http_method_names = ["post"]

    def post(self, request, agreement_id, version_id):
        version = self.get_version(agreement_id, version_id)
        form = AgreementPublishForm(request.POST)
        if form.is_valid():
            try:
                version = services.agreement_version_publish(
                    actor=request.membership, version=version, reaccept_by=form.cleaned_data["reaccept_by"]
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("v%(number)s of %(agreement)s is published. Partners are asked to accept it by %(day)s.")
                    % {
                        "number": version.number,
                        "agreement": version.agreement.name,
                        "day": formats.date_format(version.reaccept_by, "DATE_FORMAT"),
                    },
                )
                return redirect("agreement_version", request.tenant.slug, version.agreement_id, version.pk)
        version.refresh_from_db()
        if version.published_at is not None:
            messages.error(request, "; ".join(form.non_field_errors()) or _("This version is published already."))
            return self.render_page(version, status=400)
        return self.render_page(version, publish_form=form, status=400)


# Partner portal -------------------------------------------------------------------------------------------------


class PortalAgreementListView(TenantView):
    """The agreements that apply to the member's organization, each with its state."""

    permission = "portal.view"

    def get(self, request):
        organization = request.membership.partner_organization
        context = {"organization": organization, "items": selectors.partner_agreements(partner=organization)}
        return render(request, "partners/agreements/portal_list.html", context)


class PortalAgreementView(TenantView):
    """The current version's text; partner admins accept it for the organization, others see who did."""

    permission = "portal.view"

    def get_item(self, agreement_id):
        organization = self.request.membership.partner_organization
        item = selectors.partner_agreement_get(partner=organization, agreement_id=agreement_id)
        if item is None:
            raise Http404("Page not found.")
        return item

    def get(self, request, agreement_id):
        return self.render_page(self.get_item(agreement_id))

    def render_page(self, item, *, error="", status=200):
        organization = self.request.membership.partner_organization
        context = {
            "organization": organization,
            "item": item,
            "acceptances": selectors.partner_acceptances(partner=organization, agreement=item.agreement),
            "can_accept": policy.can(self.request.membership, "agreements.accept", organization),
            "error": error,
        }
        return render(self.request, "partners/agreements/portal_detail.html", context, status=status)


class PortalAgreementAcceptView(PortalAgreementView):
    """POST: accept the version the page showed (its id travels with the form, so a newer one is never accepted
    unread)."""

    permission = "agreements.accept"
    http_method_names = ["post"]

    def post(self, request, agreement_id):
        item = self.get_item(agreement_id)
        version_id = request.POST.get("version", "")
        version = (
            selectors.version_get(agreement_id=item.agreement.pk, version_id=int(version_id))
            if version_id.isdigit() and len(version_id) < 16
            else None
        )
        if version is None:
            return self.render_page(item, error=_("Choose the version you read: reload the page."), status=400)
        try:
            acceptance, created = services.agreement_accept(
                actor=request.membership, version=version, ip_address=client_ip(request)
            )
        except DomainPermissionDenied as error:
            raise Http404("Page not found.") from error
        except DomainError as error:
            return self.render_page(item, error=error.message, status=400)
        params = {"agreement": item.agreement.name, "number": acceptance.version.number}
        if created:
            messages.success(
                request,
                _("You accepted %(agreement)s v%(number)s on behalf of %(organization)s.")
                % {**params, "organization": acceptance.partner_organization.name},
            )
        else:
            who = acceptance.user.get_full_name() or acceptance.user.email
            when = formats.date_format(timezone.localtime(acceptance.accepted_at), "DATETIME_FORMAT")
            messages.info(
                request,
                _("%(agreement)s v%(number)s was accepted already, by %(person)s on %(when)s.")
                % {**params, "person": who, "when": when},
            )
        return redirect("portal_agreement", request.tenant.slug, item.agreement.pk)
