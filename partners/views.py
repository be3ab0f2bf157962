from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from partners import selectors
from partners.models import PartnerStatus, PartnerType
from prm import policy
from prm import selectors as core_selectors
from prm.views import InvitationFormMixin, TenantView, _invitation_form


class PartnerListView(TenantView):
    permission = "partners.view_list"

    def get(self, request):
        filters = {
            "search": request.GET.get("q", "").strip(),
            "status": request.GET.get("status", "") if request.GET.get("status") in PartnerStatus.values else "",
            "partner_type": request.GET.get("type", "") if request.GET.get("type") in PartnerType.values else "",
        }
        page = Paginator(selectors.partner_list(**filters), 25).get_page(request.GET.get("page"))
        context = {"page": page, "filters": filters, "statuses": PartnerStatus.choices, "types": PartnerType.choices}
        # htmx asks for the whole page when it restores history it has not cached: give it the whole page then.
        rows_only = request.htmx and not request.htmx.history_restore_request
        template = "partners/partials/partner_rows.html" if rows_only else "partners/partner_list.html"
        response = render(request, template, context)
        # The same address answers with a page or with rows: caches must keep them apart.
        patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
        return response


class PartnerDetailView(InvitationFormMixin, TenantView):
    permission = "partners.view"

    def invitation_organization(self, partner_id):
        return self.get_partner(partner_id)

    def get_partner(self, partner_id):
        return self.check_object(selectors.partner_get(partner_id=partner_id))

    def get(self, request, partner_id):
        partner = self.get_partner(partner_id)
        return self.render_page(_invitation_form(request, fixed_organization=partner), partner_id=partner_id)

    def render_page(self, form, status=200, *, partner_id):
        partner = self.get_partner(partner_id)
        membership = self.request.membership
        members = core_selectors.members_list(partner_organization_id=partner.pk)
        context = {
            "partner": partner,
            "members": members,
            "form": form if policy.can(membership, "partner_team.invite", partner) else None,
            "history": core_selectors.history_for(partner, *members)
            if policy.can(membership, "history.view", partner)
            else None,
        }
        return render(self.request, "partners/partner_detail.html", context, status=status)


class PartnerOptionsView(TenantView):
    """`<option>`s of partner organizations matching `q`, for the invite form's organization search (htmx)."""

    permission = "partners.view_list"
    limit = 20

    def get(self, request):
        search = request.GET.get("q", "").strip()
        partners = selectors.partner_list(search=search).only("pk", "name")[: self.limit] if search else []
        return render(request, "partners/partials/partner_options.html", {"partners": partners, "search": search})
