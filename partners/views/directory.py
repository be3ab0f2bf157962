import csv
import secrets

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from partners import selectors, services
from partners.filters.directory import PartnerFilterSet
from partners.forms.directory import ContactForm, PartnerImportForm, PartnerProfileForm, parse_partner_csv
from partners.models import STATUS_TRANSITIONS, PartnerStatus
from partners.selectors import agreements as agreement_selectors
from prm import policy, registry
from prm import selectors as core_selectors
from prm.errors import DomainError
from prm.geography import Region
from prm.tenancy import tenant_context
from prm.views import InvitationFormMixin, TenantView, _invitation_form, add_domain_error


class PartnerListView(TenantView):
    """The staff directory: PartnerFilterSet (shared with the API list), sorting and pages; htmx asks for rows."""

    permission = "partners.view_list"
    page_size = 25

    def get(self, request):
        ordering = _directory_ordering(request.GET)
        filterset = _directory_filterset(request.GET, selectors.partner_directory(ordering=ordering))
        page = Paginator(filterset.qs, self.page_size).get_page(request.GET.get("page"))
        filters = {name: filterset.data.get(name, "") for name in filterset.filters if name != "updated_since"}
        context = {
            "page": page,
            "filters": filters,
            "filtered": any(filters.values()),
            "ordering": ordering,
            "orderings": selectors.PARTNER_ORDERING_LABELS.items(),
            "can_export": policy.can(request.membership, "partners.export"),
            "can_import": policy.can(request.membership, "partners.import"),
        }
        # htmx asks for the whole page when it restores history it has not cached: give it the whole page then.
        rows_only = request.htmx and not request.htmx.history_restore_request
        if not rows_only:
            context.update(
                statuses=PartnerStatus.choices,
                types=selectors.partner_type_choices(),
                owners=selectors.partner_owner_choices(),
                regions=Region.choices,
            )
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

    def render_page(self, form, status=200, *, partner_id, lifecycle_errors=None, lifecycle_values=None):
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
            "lifecycle": lifecycle_context(self.request, partner, lifecycle_errors, lifecycle_values),
            "can_edit_profile": policy.can(membership, "partners.edit_profile", partner),
            "can_view_contacts": policy.can(membership, "contacts.view", partner),
            "agreements": agreement_selectors.partner_agreements(partner=partner)
            if policy.can(membership, "agreements.view_all", partner)
            else None,
            "panels": partner_panels(self.request, partner),
        }
        return render(self.request, "partners/partner_detail.html", context, status=status)


def partner_panels(request, partner) -> list[dict]:
    """The sections other apps add to the partner's page (prm.registry.PartnerPanel: its deals, from dealreg), those
    the member may see, each with its context."""
    panels = []
    for panel in registry.partner_panels():
        if not policy.can(request.membership, panel.permission, partner):
            continue
        context = panel.context(request, partner)
        if context is not None:
            panels.append({"template": panel.template, "context": context})
    return panels


# Lifecycle ------------------------------------------------------------------------------------------------------

# What the button that leads to a status says, by (from, to) when the same target has two meanings.
_ACTION_LABELS = {
    PartnerStatus.APPLIED: gettext_lazy("Mark as applied"),
    PartnerStatus.ONBOARDING: gettext_lazy("Approve: start onboarding"),
    PartnerStatus.ACTIVE: gettext_lazy("Activate"),
    PartnerStatus.SUSPENDED: gettext_lazy("Suspend"),
    PartnerStatus.OFFBOARDED: gettext_lazy("Offboard"),
    PartnerStatus.REJECTED: gettext_lazy("Reject"),
}
_REACTIVATION_LABELS = {
    (PartnerStatus.SUSPENDED, PartnerStatus.ACTIVE): gettext_lazy("Reactivate"),
    (PartnerStatus.OFFBOARDED, PartnerStatus.ONBOARDING): gettext_lazy("Reactivate: onboard again"),
}
_ACTION_ORDER = list(PartnerStatus.values)
# The question above each reason box: whole sentences, so each box says what it is for.
_REASON_QUESTIONS = {
    PartnerStatus.SUSPENDED: gettext_lazy("Why is this partner suspended?"),
    PartnerStatus.OFFBOARDED: gettext_lazy("Why is this partner offboarded?"),
    PartnerStatus.REJECTED: gettext_lazy("Why is this partner rejected?"),
}


def _status_label(status):
    return PartnerStatus(status).label if status in PartnerStatus.values else (status or "—")


def partner_lifecycle_actions(partner):
    """The steps STATUS_TRANSITIONS allows from the partner's status, as buttons for the lifecycle card."""
    targets = sorted(STATUS_TRANSITIONS.get(partner.status, ()), key=_ACTION_ORDER.index)
    return [
        {
            "status": target,
            "label": _REACTIVATION_LABELS.get((partner.status, target), _ACTION_LABELS[target]),
            "reason_required": target in services.REASON_REQUIRED,
            "reason_question": _REASON_QUESTIONS.get(target, ""),
            "confirm": target == PartnerStatus.OFFBOARDED,
            "danger": target in services.REASON_REQUIRED,
        }
        for target in targets
    ]


def partner_status_history(partner, limit=200):
    """Status changes of the partner from its history: who, when, from → to, and the reason given."""
    rows = []
    for row in core_selectors.history_for(partner, limit=limit):
        changes = {change["field"]: change for change in row["changes"]}
        if "status" not in changes:
            continue
        reason = changes.get("status_reason", {}).get("after")
        rows.append(
            {
                "when": row["when"],
                "who": row["who"],
                "before": _status_label(changes["status"]["before"]),
                "after": _status_label(changes["status"]["after"]),
                "reason": reason or "",
            }
        )
    return rows


def lifecycle_context(request, partner, errors=None, values=None):
    """The lifecycle card: for staff; its buttons only for those who may change the status."""
    if not policy.can(request.membership, "console.view", partner):
        return None
    may_change = policy.can(request.membership, "partners.change_status", partner)
    return {
        "actions": partner_lifecycle_actions(partner) if may_change else [],
        "may_change": may_change,
        "errors": errors or {},
        "values": values or {},
        "status_history": partner_status_history(partner),
    }


class PartnerStatusView(TenantView):
    """POST a target status (and a reason): the lifecycle card's buttons. With htmx the card is swapped in place;
    without, the page reloads. A refusal is a 400 with the message beside the field it names."""

    permission = "partners.change_status"

    def post(self, request, partner_id):
        partner = self.check_object(selectors.partner_get(partner_id=partner_id))
        target = request.POST.get("status", "")
        reason = request.POST.get("reason", "")
        errors = {}
        if target == PartnerStatus.OFFBOARDED and not request.POST.get("confirm"):
            errors["confirm"] = _(
                "Confirm the offboarding: it signs the partner's users out and revokes its API keys at once."
            )
        else:
            try:
                partner = services.partner_change_status(
                    actor=request.membership, partner=partner, status=target, reason=reason
                )
            except DomainError as error:
                errors[error.field if error.field in ("status", "reason") else "status"] = error.message
        if errors:
            values = {"status": target, "reason": reason}
            if request.htmx:
                partner.refresh_from_db()
                return self.render_card(partner, errors, values, status=400)
            detail = PartnerDetailView()
            detail.setup(request, partner_id=partner_id)
            form = _invitation_form(request, fixed_organization=partner)
            return detail.render_page(
                form, status=400, partner_id=partner_id, lifecycle_errors=errors, lifecycle_values=values
            )
        message = _("%(partner)s is now %(status)s.") % {
            "partner": partner.name,
            "status": str(_status_label(partner.status)).lower(),
        }
        if request.htmx:
            return self.render_card(partner, {}, {}, notice=message)
        messages.success(request, message)
        return redirect("partner_detail", request.tenant.slug, partner.pk)

    def render_card(self, partner, errors, values, status=200, notice=""):
        context = {
            "partner": partner,
            "lifecycle": lifecycle_context(self.request, partner, errors, values),
            "notice": notice,
            "swap_badge": True,
        }
        return render(self.request, "partners/partials/lifecycle.html", context, status=status)


class PartnerOptionsView(TenantView):
    """`<option>`s of partner organizations matching `q`, for the invite form's organization search (htmx)."""

    permission = "partners.view_list"
    limit = 20

    def get(self, request):
        search = request.GET.get("q", "").strip()
        partners = selectors.partner_list(search=search).only("pk", "name")[: self.limit] if search else []
        return render(request, "partners/partials/partner_options.html", {"partners": partners, "search": search})


# Directory helpers, export, import, profile and contacts --------------------------------------------------------

# Earlier addresses of the directory named the search `q` and the type `type`: links people kept still work.
_DIRECTORY_ALIASES = {"q": "search", "type": "partner_type"}


def _directory_ordering(params) -> str:
    ordering = params.get("ordering", "name")
    return ordering if ordering in selectors.PARTNER_ORDERINGS else "name"


def _directory_filterset(params, queryset) -> PartnerFilterSet:
    """The PartnerFilterSet of the page's query; a value it refuses (an unknown status…) is ignored, not an error."""
    data = params.copy()
    for alias, name in _DIRECTORY_ALIASES.items():
        if alias in data and name not in data:
            data[name] = data[alias]
    filterset = PartnerFilterSet(data, queryset=queryset)
    if not filterset.is_valid():
        for name in filterset.errors:
            data.pop(name, None)
        filterset = PartnerFilterSet(data, queryset=queryset)
    return filterset


class _Echo:
    """csv.writer writes to a file; this 'file' hands each line back so the response can stream it."""

    def write(self, value):
        return value


# Cells a spreadsheet would run as a formula start with one of these: such cells get a leading apostrophe.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# The export's columns, in order (documented on the import page as well: the import reads the same names and
# ignores the read-only ones).
EXPORT_COLUMNS = {
    "id": lambda p: p.pk,
    "name": lambda p: p.name,
    "legal_name": lambda p: p.legal_name,
    "partner_type": lambda p: p.partner_type,
    "status": lambda p: p.status,
    "tier": lambda p: p.tier,
    "ipp_score": lambda p: "" if p.ipp_score is None else p.ipp_score,
    "owner_email": lambda p: p.owner.email if p.owner else "",
    "website": lambda p: p.website,
    "email_domains": lambda p: "; ".join(p.email_domains or []),
    "country": lambda p: p.country,
    "region": lambda p: p.region,
    "regions": lambda p: "; ".join(p.regions or []),
    "industries": lambda p: "; ".join(p.industries or []),
    "company_size": lambda p: p.company_size,
    "customer_count": lambda p: "" if p.customer_count is None else p.customer_count,
    "external_id": lambda p: p.external_id,
    "created_at": lambda p: p.created_at.isoformat(),
}


def csv_safe(value):
    """A cell value that spreadsheets show as text, never evaluate (CSV formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _export_lines(tenant, queryset):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)  # the BOM tells spreadsheets the file is UTF-8
    # The response streams after the view has returned (and left the request's tenant): read in the tenant again.
    with tenant_context(tenant):
        for partner in queryset.iterator(chunk_size=1000):
            yield writer.writerow([csv_safe(column(partner)) for column in EXPORT_COLUMNS.values()])


class PartnerExportView(TenantView):
    """The directory as CSV, with the page's filters and sort order, streamed row by row."""

    permission = "partners.export"

    def get(self, request):
        ordering = _directory_ordering(request.GET)
        queryset = _directory_filterset(request.GET, selectors.partner_export_rows(ordering=ordering)).qs
        response = StreamingHttpResponse(
            _export_lines(request.tenant, queryset), content_type="text/csv; charset=utf-8"
        )
        filename = f"partners-{request.tenant.slug}-{timezone.localdate().isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


IMPORT_SESSION_KEY = "partners_import"
IMPORT_TTL_SECONDS = 30 * 60


class PartnerImportView(TenantView):
    """Upload a CSV, see every bad row (the dry run writes nothing), then confirm a clean file.

    Between the dry run and the confirmation the file stays on the server (cache, under a random token also kept in
    the user's session): the browser never sends rows back. Confirming validates the rows again, in the import's
    transaction."""

    permission = "partners.import"

    def _cache_key(self, token: str) -> str:
        return f"partners-import:{self.request.tenant.pk}:{self.request.membership.pk}:{token}"

    def get(self, request):
        return self.render_page(PartnerImportForm())

    def post(self, request):
        if "token" in request.POST:
            return self.confirm(request)
        form = PartnerImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form, status=400)
        plan = services.partners_import_check(rows=form.rows)
        token = None
        if plan.is_clean and form.rows:
            token = secrets.token_urlsafe(24)
            cache.set(self._cache_key(token), form.raw, IMPORT_TTL_SECONDS)
            request.session[IMPORT_SESSION_KEY] = {"token": token, "name": form.cleaned_data["file"].name}
        return self.render_page(PartnerImportForm(), plan=plan, rows=len(form.rows), token=token)

    def confirm(self, request):
        stored = request.session.get(IMPORT_SESSION_KEY) or {}
        token = request.POST.get("token", "")
        raw = (
            cache.get(self._cache_key(token))
            if token and secrets.compare_digest(token, stored.get("token", ""))
            else None
        )
        if raw is None:
            messages.warning(request, _("That upload has expired or was already imported: upload the file again."))
            return redirect("partner_import", request.tenant.slug)
        rows = parse_partner_csv(raw.decode("utf-8-sig"))
        try:
            result = services.partners_import(actor=request.membership, rows=rows)
        except services.ImportRejected as rejected:
            plan = services.ImportPlan(errors=rejected.errors)
            return self.render_page(PartnerImportForm(), plan=plan, rows=len(rows), status=400, stale=True)
        finally:
            cache.delete(self._cache_key(token))
            request.session.pop(IMPORT_SESSION_KEY, None)
        total = result.created + result.updated
        message = ngettext(
            "Imported %(total)s partner: %(created)s added, %(updated)s updated.",
            "Imported %(total)s partners: %(created)s added, %(updated)s updated.",
            total,
        ) % {
            "total": number_format(total, force_grouping=True),
            "created": number_format(result.created, force_grouping=True),
            "updated": number_format(result.updated, force_grouping=True),
        }
        messages.success(request, message)
        return redirect("partner_list", request.tenant.slug)

    def render_page(self, form, *, status=200, plan=None, rows=0, token=None, stale=False):
        context = {
            "form": form,
            "plan": plan,
            "rows": rows,
            "token": token,
            "stale": stale,
            "columns": services.IMPORT_COLUMNS,
            "required_columns": services.REQUIRED_IMPORT_COLUMNS,
            "ignored_columns": services.IGNORED_EXPORT_COLUMNS,
            "max_rows": services.MAX_IMPORT_ROWS,
        }
        return render(self.request, "partners/partner_import.html", context, status=status)


class _ProfileEditView(TenantView):
    """Edit a partner's profile fields through partner_profile_update."""

    def get_partner(self, **kwargs):
        raise NotImplementedError

    def success_url(self, partner):
        raise NotImplementedError

    def get(self, request, **kwargs):
        partner = self.get_partner(**kwargs)
        return self.render_page(partner, PartnerProfileForm(initial=PartnerProfileForm.initial_for(partner)))

    def post(self, request, **kwargs):
        partner = self.get_partner(**kwargs)
        form = PartnerProfileForm(request.POST)
        if form.is_valid():
            try:
                services.partner_profile_update(actor=request.membership, partner=partner, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("%(partner)s's profile is saved.") % {"partner": partner.name})
                return redirect(self.success_url(partner))
        return self.render_page(partner, form, status=400)

    def render_page(self, partner, form, status=200):
        context = {"partner": partner, "form": form, "cancel_url": self.success_url(partner)}
        return render(self.request, "partners/partner_profile_form.html", context, status=status)


class PartnerProfileEditView(_ProfileEditView):
    """Staff (and the partner's own admin) edit a partner's profile."""

    permission = "partners.edit_profile"

    def get_partner(self, *, partner_id):
        return self.check_object(selectors.partner_get(partner_id=partner_id))

    def success_url(self, partner):
        return self.url("partner_detail", partner.pk)


class PortalProfileView(_ProfileEditView):
    """A partner admin keeps its own organization's profile up to date."""

    permission = "portal.edit_profile"

    def get_partner(self):
        organization = self.request.membership.partner_organization
        return self.check_object(organization, "partners.edit_profile")

    def success_url(self, partner):
        return self.url("portal")


class PartnerContactsView(TenantView):
    """A partner's contacts, and a form to add one (staff who manage partners, and the partner's own admin)."""

    permission = "contacts.view"

    def get_partner(self, partner_id):
        return self.check_object(selectors.partner_get(partner_id=partner_id))

    def get(self, request, partner_id):
        return self.render_page(self.get_partner(partner_id), ContactForm())

    def post(self, request, partner_id):
        partner = self.check_object(self.get_partner(partner_id), "contacts.manage")
        form = ContactForm(request.POST)
        if form.is_valid():
            try:
                contact = services.contact_create(actor=request.membership, partner=partner, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("%(contact)s is now a contact of %(partner)s.")
                    % {"contact": contact.name, "partner": partner.name},
                )
                return redirect("partner_contacts", request.tenant.slug, partner.pk)
        return self.render_page(partner, form, status=400)

    def render_page(self, partner, form, status=200):
        can_manage = policy.can(self.request.membership, "contacts.manage", partner)
        context = {
            "partner": partner,
            "contacts": selectors.contact_list(partner_organization_id=partner.pk),
            "form": form if can_manage else None,
            "can_manage": can_manage,
        }
        return render(self.request, "partners/partner_contacts.html", context, status=status)


class PartnerContactEditView(TenantView):
    permission = "contacts.manage"

    def get_contact(self, partner_id, contact_id):
        return self.check_object(selectors.contact_get(partner_organization_id=partner_id, contact_id=contact_id))

    def get(self, request, partner_id, contact_id):
        contact = self.get_contact(partner_id, contact_id)
        initial = {name: getattr(contact, name) for name in ContactForm.base_fields}
        return self.render_page(contact, ContactForm(initial=initial))

    def post(self, request, partner_id, contact_id):
        contact = self.get_contact(partner_id, contact_id)
        form = ContactForm(request.POST)
        if form.is_valid():
            try:
                services.contact_update(actor=request.membership, contact=contact, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Contact saved."))
                return redirect("partner_contacts", request.tenant.slug, partner_id)
        return self.render_page(contact, form, status=400)

    def render_page(self, contact, form, status=200):
        context = {"contact": contact, "partner": contact.partner_organization, "form": form}
        return render(self.request, "partners/partner_contact_form.html", context, status=status)


class PartnerContactDeleteView(TenantView):
    permission = "contacts.manage"
    http_method_names = ["post"]

    def post(self, request, partner_id, contact_id):
        contact = self.check_object(selectors.contact_get(partner_organization_id=partner_id, contact_id=contact_id))
        services.contact_delete(actor=request.membership, contact=contact)
        messages.success(request, _("%(contact)s is no longer a contact.") % {"contact": contact.name})
        return redirect("partner_contacts", request.tenant.slug, partner_id)
