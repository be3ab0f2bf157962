"""The staff's MDF pages: the funds list and a fund's page (totals, per-partner balances, allocate by hand or by
CSV with a dry run, by tier, the ROI chart), the review queue of fund requests (decide one, bulk approve or
reject), the claim queue, and finance's payout queue (mark paid, create a batch, export its CSV, confirm it).
Segregation of duties is the services': their refusal is shown as it is."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mdf import selectors, services
from mdf.forms import (
    AllocateForm,
    AllocationImportForm,
    BatchForm,
    BulkDecisionForm,
    ClaimDecisionForm,
    PayForm,
    RequestDecisionForm,
)
from mdf.models import PayoutBatch
from mdf.selectors.pages import fund_totals
from mdf.selectors.roi import activity_roi, roi_by_partner, roi_total
from mdf.services.allocation_rules import allocate_by_tier, allocations_import
from mdf.views.charts import roi_bars
from mdf.views.portal import get_claim, get_request, render_request
from partners.selectors import partners_in_program
from prm import policy
from prm.errors import DomainError, ValidationFailed
from prm.views import TenantView, add_domain_error

PAGE_SIZE = 50


class FundListView(TenantView):
    """Every fund with its totals (one query for all the funds' balances)."""

    permission = "mdf.view_all"

    def get(self, request):
        funds = list(selectors.fund_list())
        totals = fund_totals(funds)
        for fund in funds:
            fund.totals = totals.get(fund.pk, {})
        return render(request, "mdf/console/fund_list.html", {"funds": funds})


class _FundMixin:
    def get_fund(self, fund_id):
        fund = selectors.fund_get(fund_id=fund_id)
        if fund is None:
            raise Http404(_("Page not found."))
        return fund


class FundDetailView(_FundMixin, TenantView):
    """A fund: its totals, each partner's balances, the allocation forms, its payout batches and the ROI (per
    partner and per activity, with the chart)."""

    permission = "mdf.view_all"

    def get(self, request, fund_id):
        return render_fund(request, self.get_fund(fund_id))


def render_fund(request, fund, *, allocate_form=None, import_form=None, plan=None, status=200):
    roi_rows = activity_roi(fund_id=fund.pk)
    by_partner = roi_by_partner(roi_rows)
    can_manage = policy.can(request.membership, "mdf.manage")
    context = {
        "fund": fund,
        "balance": selectors.fund_balance(fund=fund),
        "roi_rows": roi_rows,
        "roi_partners": by_partner,
        "roi_total": roi_total(roi_rows),
        "chart": roi_bars(by_partner),
        "batches": list(selectors.payout_batch_list(fund_id=fund.pk)[:20]),
        "can_manage": can_manage,
        "allocate_form": allocate_form or (AllocateForm(partners=partners_in_program()) if can_manage else None),
        "import_form": import_form or AllocationImportForm(),
        "plan": plan,
    }
    return render(request, "mdf/console/fund_detail.html", context, status=status)


class FundAllocateView(_FundMixin, TenantView):
    http_method_names = ["post"]
    permission = "mdf.manage"

    def post(self, request, fund_id):
        fund = self.get_fund(fund_id)
        form = AllocateForm(request.POST, partners=partners_in_program())
        if form.is_valid():
            try:
                services.allocate(
                    actor=request.membership,
                    fund=fund,
                    partner_organization_id=form.cleaned_data["partner_organization"],
                    amount=form.cleaned_data["amount"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Allocated."))
                return redirect("mdf_fund", request.tenant.slug, fund.pk)
        return render_fund(request, fund, allocate_form=form, status=400)


class FundImportView(_FundMixin, TenantView):
    """Bulk allocation from a CSV: a dry run shows the plan (and every bad cell: row, column, message); otherwise
    allocates, or nothing at all when any row is refused."""

    http_method_names = ["post"]

    permission = "mdf.manage"

    def post(self, request, fund_id):
        fund = self.get_fund(fund_id)
        form = AllocationImportForm(request.POST, request.FILES)
        plan = None
        if form.is_valid():
            try:
                text = form.cleaned_data["file"].read().decode("utf-8-sig")
            except UnicodeDecodeError:
                form.add_error("file", _("The file is not UTF-8 text."))
            else:
                rows = list(csv.DictReader(io.StringIO(text)))
                dry_run = form.cleaned_data["dry_run"]
                try:
                    plan = allocations_import(actor=request.membership, fund=fund, rows=rows, dry_run=dry_run)
                except ValidationFailed as error:
                    plan = getattr(error, "plan", None)
                    form.add_error("file", error.message)
                except DomainError as error:
                    add_domain_error(form, error)
                else:
                    if not dry_run and not plan.errors:
                        messages.success(
                            request,
                            ngettext("%(count)d partner allocated.", "%(count)d partners allocated.", len(plan.lines))
                            % {"count": len(plan.lines)},
                        )
                        return redirect("mdf_fund", request.tenant.slug, fund.pk)
                    if plan.errors:
                        form.add_error("file", _("The file has errors: nothing was allocated."))
        status = 400 if form.errors else 200
        return render_fund(request, fund, import_form=form, plan=plan, status=status)


class FundAllocateTierView(_FundMixin, TenantView):
    """Allocate each partner its tier's MDF benefit (once per fund)."""

    http_method_names = ["post"]

    permission = "mdf.manage"

    def post(self, request, fund_id):
        fund = self.get_fund(fund_id)
        try:
            plan = allocate_by_tier(actor=request.membership, fund=fund)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if plan.already_done:
                messages.info(request, _("This fund was already allocated by tier."))
            else:
                messages.success(
                    request,
                    ngettext("%(count)d partner allocated.", "%(count)d partners allocated.", len(plan.lines))
                    % {"count": len(plan.lines)},
                )
        return redirect("mdf_fund", request.tenant.slug, fund.pk)


class RequestQueueView(TenantView):
    """Fund requests waiting for a decision, oldest due first, overdue flagged; bulk approve or reject."""

    permission = "mdf.view_all"

    def get(self, request):
        return self.render_queue(BulkDecisionForm())

    def render_queue(self, form, status=200):
        request = self.request
        page = Paginator(selectors.request_review_queue(), PAGE_SIZE).get_page(request.GET.get("page"))
        context = {"page": page, "bulk_form": form, "can_review": policy.can(request.membership, "mdf.review")}
        return render(request, "mdf/console/request_queue.html", context, status=status)


class RequestBulkDecideView(RequestQueueView):
    http_method_names = ["post"]
    permission = "mdf.review"

    def post(self, request):
        form = BulkDecisionForm(request.POST)
        ids = [int(value) for value in request.POST.getlist("fund_request") if value.isdigit()]
        if not form.is_valid():
            return self.render_queue(form, status=400)
        decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
        if decision == "reject" and not reason.strip():
            form.add_error("reason", _("Give the partners a reason."))
            return self.render_queue(form, status=400)
        done, refused = 0, []
        for fund_request_id in ids:
            fund_request = selectors.request_get(fund_request_id=fund_request_id)
            if fund_request is None:
                continue
            try:
                if decision == "approve":
                    services.fund_request_approve(actor=request.membership, fund_request=fund_request)
                else:
                    services.fund_request_reject(actor=request.membership, fund_request=fund_request, reason=reason)
                done += 1
            except DomainError as error:
                refused.append(f"{fund_request.title}: {error.message}")
        if done:
            messages.success(
                request, ngettext("%(count)d request decided.", "%(count)d requests decided.", done) % {"count": done}
            )
        for line in refused:
            messages.error(request, line)
        return redirect("mdf_request_queue", request.tenant.slug)


class RequestDecideView(TenantView):
    """Approve (optionally a lower amount), reject with a reason, or request changes with a note."""

    permission = "mdf.review"

    def post(self, request, fund_request_id):
        fund_request = get_request(request, fund_request_id)
        form = RequestDecisionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            note = data["note"]
            try:
                if data["decision"] == "approve":
                    services.fund_request_approve(
                        actor=request.membership, fund_request=fund_request, amount=data["amount"], note=note
                    )
                elif data["decision"] == "reject":
                    services.fund_request_reject(actor=request.membership, fund_request=fund_request, reason=note)
                else:
                    services.fund_request_request_changes(
                        actor=request.membership, fund_request=fund_request, note=note
                    )
            except DomainError as error:
                field = "note" if error.field in ("reason", "note") else error.field
                form.add_error(field if field in form.fields else None, error.message)
            else:
                messages.success(request, _("Decision saved."))
                return redirect("mdf_request", request.tenant.slug, fund_request.pk)
        return render_request(request, fund_request, decision_form=form, status=400)


class ClaimQueueView(TenantView):
    """Claims waiting for review, with their proof files and flags (duplicate invoice, split claims)."""

    permission = "mdf.view_all"

    def get(self, request):
        queue = selectors.claim_review_queue().prefetch_related("files")
        page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "mdf/console/claim_queue.html", {"page": page})


class ClaimDecideView(TenantView):
    """Approve fully or partly, reject with a reason, or ask for more proof."""

    permission = "mdf.review"

    def post(self, request, claim_id):
        claim = get_claim(request, claim_id)
        form = ClaimDecisionForm(request.POST, prefix=f"claim{claim.pk}")
        if form.is_valid():
            data = form.cleaned_data
            note = data["note"]
            try:
                if data["decision"] == "approve":
                    services.claim_approve(actor=request.membership, claim=claim, amount=data["amount"], note=note)
                elif data["decision"] == "reject":
                    services.claim_reject(actor=request.membership, claim=claim, reason=note)
                else:
                    services.claim_request_proof(actor=request.membership, claim=claim, note=note)
            except DomainError as error:
                field = "note" if error.field in ("reason", "note") else error.field
                form.add_error(field if field in form.fields else None, error.message)
            else:
                messages.success(request, _("Decision saved."))
                return redirect("mdf_request", request.tenant.slug, claim.fund_request_id)
        fund_request = selectors.request_get(fund_request_id=claim.fund_request_id)
        return render_request(request, fund_request, claim_forms={claim.pk: form}, status=400)


class PayoutQueueView(TenantView):
    """Approved claims to pay, overdue flagged; mark one paid with a reference; batches: create, export, confirm."""

    permission = "mdf.pay"

    def get(self, request):
        return self.render_queue(BatchForm(funds=selectors.fund_list()))

    def render_queue(self, batch_form, status=200):
        request = self.request
        page = Paginator(selectors.payout_queue(), PAGE_SIZE).get_page(request.GET.get("page"))
        for claim in page:
            claim.pay_form = PayForm(prefix=f"pay{claim.pk}")
        context = {
            "page": page,
            "batch_form": batch_form,
            "batches": list(selectors.payout_batch_list()[:20]),
        }
        return render(request, "mdf/console/payout_queue.html", context, status=status)


class ClaimPayView(TenantView):
    permission = "mdf.pay"

    def post(self, request, claim_id):
        claim = get_claim(request, claim_id)
        form = PayForm(request.POST, prefix=f"pay{claim.pk}")
        if form.is_valid():
            try:
                services.claim_pay(actor=request.membership, claim=claim, reference=form.cleaned_data["reference"])
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Marked paid."))
        else:
            messages.error(request, _("Give the payment's reference."))
        return redirect("mdf_payout_queue", request.tenant.slug)


class PayoutBatchCreateView(PayoutQueueView):
    http_method_names = ["post"]

    def post(self, request):
        form = BatchForm(request.POST, funds=selectors.fund_list())
        if form.is_valid():
            fund = selectors.fund_get(fund_id=form.cleaned_data["fund"])
            try:
                batch = services.payout_batch_create(
                    actor=request.membership, fund=fund, reference=form.cleaned_data["reference"]
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Batch %(reference)s created.") % {"reference": batch.reference})
                return redirect("mdf_payout_queue", request.tenant.slug)
        return self.render_queue(form, status=400)


def _batch(batch_id) -> PayoutBatch:
    batch = selectors.payout_batch_list().filter(pk=batch_id).first()
    if batch is None:
        raise Http404(_("Page not found."))
    return batch


class _Echo:
    def write(self, value):
        return value


class PayoutBatchExportView(TenantView):
    """The batch's payout file for the ERP (CSV, streamed)."""

    permission = "mdf.pay"

    def get(self, request, batch_id):
        batch = _batch(batch_id)
        writer = csv.writer(_Echo())
        lines = (
            writer.writerow(row)
            for row in [list(selectors.PAYOUT_FILE_COLUMNS), *selectors.payout_batch_rows(batch=batch)]
        )
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="payout-{batch.pk}.csv"'
        return response


class PayoutBatchConfirmView(TenantView):
    permission = "mdf.pay"

    def post(self, request, batch_id):
        batch = _batch(batch_id)
        try:
            services.payout_batch_confirm(actor=request.membership, batch=batch)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Batch %(reference)s confirmed: its claims are paid.") % {"reference": batch.reference}
            )
        return redirect("mdf_payout_queue", request.tenant.slug)


def console_card_context(request) -> dict:
    from mdf.selectors.pages import queue_counts

    return queue_counts()


def partner_panel_context(request, partner) -> dict:
    return {"partner": partner, "balances": selectors.partner_balances(partner_organization_id=partner.pk)}
