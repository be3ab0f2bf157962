"""Deal registration pages of the vendor's side: the review queue with bulk decisions, the CSV export, the rules
of engagement settings, and the public program rules page."""

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from dealreg import selectors, services
from dealreg.forms import BulkDecisionForm, EngagementRulesForm
from dealreg.models import DealStatus
from dealreg.views.registrations import PAGE_SIZE, filterset_for, page_filters, selected_partner
from prm.errors import DomainError
from prm.middleware import tenant_public
from prm.tenancy import tenant_context
from prm.views import TenantView, add_domain_error


class DealQueueView(TenantView):
    """The channel managers' queue: registrations waiting for review or for the partner's answer, oldest first,
    with filters (age, SLA status, amount, partner, conflicts), pages, and bulk approve / reject."""

    permission = "deals.review"

    def get(self, request):
        return self.render_page(BulkDecisionForm())

    def render_page(self, bulk_form, *, status=200, refused=None):
        request = self.request
        ordering = request.GET.get("ordering", "oldest")
        ordering = ordering if ordering in selectors.DEAL_ORDERINGS else "oldest"
        filterset = filterset_for(request.GET, selectors.deal_queue(ordering=ordering))
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        now = timezone.now()
        for registration in page:
            registration.sla = services.sla_status(registration, now=now)
            registration.age_days = (now - registration.submitted_at).days if registration.submitted_at else None
            registration.conflict_total = selectors.conflict_count(registration)
        filters = page_filters(filterset)
        context = {
            "page": page,
            "filters": filters,
            "filtered": any(v for k, v in filters.items()),
            "ordering": ordering,
            "orderings": selectors.DEAL_ORDERING_LABELS.items(),
            "bulk_form": bulk_form,
            "refused": refused or [],
            "queue": True,
        }
        rows_only = request.htmx and not request.htmx.history_restore_request
        if not rows_only:
            context["selected_partner"] = selected_partner(filters)
        template = "dealreg/partials/queue_rows.html" if rows_only else "dealreg/queue.html"
        response = render(request, template, context, status=status)
        patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
        return response


class DealBulkDecideView(TenantView):
    """Approve or reject the registrations ticked on the queue; each is its own decision, and those someone else
    decided meanwhile are listed with the reason."""

    permission = "deals.review"
    http_method_names = ["post"]

    def post(self, request):
        form = BulkDecisionForm(request.POST)
        ids = [int(value) for value in request.POST.getlist("registrations") if value.isdigit()]
        queue = DealQueueView()
        queue.setup(request)
        if not form.is_valid():
            return queue.render_page(form, status=400)
        try:
            result = services.deals_bulk_decide(
                actor=request.membership,
                registration_ids=ids,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            add_domain_error(form, error)
            return queue.render_page(form, status=400)
        count = len(result.decided)
        if count and form.cleaned_data["decision"] == "approve":
            message = ngettext("%(count)s registration approved.", "%(count)s registrations approved.", count)
            messages.success(request, message % {"count": count})
        elif count:
            message = ngettext("%(count)s registration rejected.", "%(count)s registrations rejected.", count)
            messages.success(request, message % {"count": count})
        for registration_id, message in result.refused:
            messages.warning(
                request, _("Registration #%(id)s: %(message)s") % {"id": registration_id, "message": message}
            )
        return redirect("deal_queue", request.tenant.slug)


# Export ---------------------------------------------------------------------------------------------------------


class _Echo:
    """csv.writer writes to a file; this 'file' hands each line back so the response can stream it."""

    def write(self, value):
        return value


# Cells a spreadsheet would run as a formula start with one of these: such cells get a leading apostrophe (as in the
# partner export).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _money(value):
    return "" if value is None else f"{value:.2f}"


def _date(value):
    return value.isoformat() if value else ""


EXPORT_COLUMNS = {
    "id": lambda r: r.pk,
    "status": lambda r: r.status,
    "partner": lambda r: r.partner_organization.name,
    "partner_id": lambda r: r.partner_organization_id,
    "customer_name": lambda r: r.customer_name,
    "customer_domain": lambda r: r.customer_domain,
    "customer_country": lambda r: r.customer_country,
    "customer_region": lambda r: r.customer_region,
    "customer_industry": lambda r: r.customer_industry,
    "contact_name": lambda r: r.contact_name,
    "contact_email": lambda r: r.contact_email,
    "title": lambda r: r.title,
    "amount": lambda r: _money(r.amount),
    "currency": lambda r: r.currency,
    "expected_close_date": lambda r: _date(r.expected_close_date),
    "stage": lambda r: r.stage,
    "deal_type": lambda r: r.deal_type,
    "revenue_type": lambda r: r.revenue_type,
    "term_months": lambda r: r.term_months if r.term_months is not None else "",
    "annual_recurring_value": lambda r: _money(r.annual_recurring_value),
    "campaign_code": lambda r: r.campaign_code,
    "registered_by": lambda r: r.registered_by.email if r.registered_by else "",
    "submitted_at": lambda r: r.submitted_at.isoformat() if r.submitted_at else "",
    "review_due_at": lambda r: r.review_due_at.isoformat() if r.review_due_at else "",
    "conflicts": lambda r: selectors.conflict_count(r),
    "decided_by": lambda r: r.decided_by.email if r.decided_by else "",
    "decided_at": lambda r: r.decided_at.isoformat() if r.decided_at else "",
    "auto_approved": lambda r: "yes" if r.auto_approved else "no",
    "rejection_reason": lambda r: r.rejection_reason,
    "protected_until": lambda r: _date(r.protected_until),
    "extensions_used": lambda r: r.extensions_used,
    "closed_amount": lambda r: _money(r.closed_amount),
    "closed_at": lambda r: _date(r.closed_at),
    "lost_reason": lambda r: r.lost_reason,
    "crm_opportunity": lambda r: r.crm_opportunity.external_id if r.crm_opportunity else "",
    "external_id": lambda r: r.external_id,
    "created_at": lambda r: r.created_at.isoformat(),
}


def _export_lines(tenant, queryset):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)
    # The response streams after the view has returned (and left the request's tenant): read in the tenant again.
    with tenant_context(tenant):
        for registration in queryset.iterator(chunk_size=1000):
            yield writer.writerow([csv_safe(column(registration)) for column in EXPORT_COLUMNS.values()])


class DealExportView(TenantView):
    """Registrations as CSV with the list's (or the queue's, `?queue=1`) filters and order, streamed row by row;
    cells a spreadsheet would run as a formula are neutralised."""

    permission = "deals.export"

    def get(self, request):
        ordering = request.GET.get("ordering", "created")
        ordering = ordering if ordering in selectors.DEAL_ORDERINGS else "created"
        queryset = selectors.deal_export_rows(ordering=ordering)
        if request.GET.get("queue"):
            queryset = queryset.filter(status__in=selectors.QUEUE_STATUSES)
        queryset = filterset_for(request.GET, queryset).qs
        response = StreamingHttpResponse(
            _export_lines(request.tenant, queryset), content_type="text/csv; charset=utf-8"
        )
        filename = f"deal-registrations-{request.tenant.slug}-{timezone.localdate().isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


# Rules of engagement ----------------------------------------------------------------------------------------------


class EngagementRulesView(TenantView):
    """Tenant admins set the rules of engagement; the public rules page shows them in plain words."""

    permission = "deals.manage_rules"

    def get(self, request):
        rules = services.engagement_rules_get()
        return self.render_page(EngagementRulesForm(initial=EngagementRulesForm.initial_for(rules)), rules)

    def post(self, request):
        form = EngagementRulesForm(request.POST)
        if form.is_valid():
            try:
                services.engagement_rules_update(actor=request.membership, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Rules of engagement saved. The public rules page shows them now."))
                return redirect("deal_rules", request.tenant.slug)
        return self.render_page(form, services.engagement_rules_get(), status=400)

    def render_page(self, form, rules, status=200):
        context = {
            "form": form,
            "summary": services.rules_summary(rules, currency=self.request.tenant.base_currency),
            "rules": rules,
        }
        return render(self.request, "dealreg/rules_settings.html", context, status=status)


@tenant_public
@require_safe
def program_rules(request):
    """The program's rules of engagement for deal registration, public (partners, prospects, anyone)."""
    rules = services.engagement_rules_get()
    context = {
        "summary": services.rules_summary(rules, currency=request.tenant.base_currency),
        "rules": rules,
        "statuses": [
            (DealStatus.DRAFT.label, _("Saved, not sent yet.")),
            (DealStatus.SUBMITTED.label, _("Sent; waiting for a channel manager.")),
            (DealStatus.UNDER_REVIEW.label, _("A channel manager is looking at it.")),
            (DealStatus.INFO_REQUESTED.label, _("The channel manager asked you a question (the review clock stops).")),
            (DealStatus.APPROVED.label, _("Protected until the date shown.")),
            (DealStatus.REJECTED.label, _("Turned down, with the reason.")),
            (f"{DealStatus.WON.label} / {DealStatus.LOST.label}", _("Closed.")),
            (DealStatus.EXPIRED.label, _("Protection ended without a close.")),
        ],
    }
    return render(request, "dealreg/program_rules.html", context)
