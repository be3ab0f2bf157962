"""The staff learning reports: per course or per partner, with a chart, certifications expiring soon, and the CSV
export of either table."""

import csv
import io

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from enablement.selectors import certifications as certification_selectors
from enablement.selectors import reports as selectors
from prm import policy
from prm.views import TenantView

VIEWS = ("courses", "partners")
PAGE_SIZE = 50
EXPIRING_SHOWN = 20
# Cells a spreadsheet would run as a formula start with one of these: such cells get a leading apostrophe.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _view_of(request) -> str:
    view = request.GET.get("view", "courses")
    return view if view in VIEWS else "courses"


class ReportView(TenantView):
    permission = "learning.view_all"

    def get(self, request):
        view = _view_of(request)
        context = {
            "view": view,
            "totals": selectors.totals(),
            "expiring": certification_selectors.expiring_counts(),
            "expiring_awards": certification_selectors.expiring_awards()[:EXPIRING_SHOWN],
            "can_export": policy.can(request.membership, "learning.export"),
            "chart_labels": {
                "completed": _("Completed"),
                "in_progress": _("In progress"),
                "not_started": _("Not started"),
            },
        }
        if view == "courses":
            rows = selectors.course_rows()
            context |= {"rows": rows, "chart": selectors.chart(rows)}
        else:
            page = Paginator(selectors.partner_rows_queryset(), PAGE_SIZE).get_page(request.GET.get("page"))
            rows = selectors.partner_rows(page.object_list)
            context |= {"rows": rows, "page": page, "chart": selectors.chart(rows)}
        return render(request, "enablement/reports/report.html", context)


def csv_safe(value):
    """A cell value that spreadsheets show as text, never evaluate (CSV formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _blank(value):
    return "" if value is None else value


class ReportExportView(TenantView):
    """The report's table as CSV: every course, or every partner with learners."""

    permission = "learning.export"

    def get(self, request):
        view = _view_of(request)
        if view == "courses":
            rows, first = selectors.course_rows(), _("Course")
        else:
            rows, first = selectors.partner_rows(selectors.partner_rows_queryset()), _("Partner")
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        header = [
            "id",
            first,
            _("Enrolled"),
            _("Not started"),
            _("In progress"),
            _("Completed"),
            _("Pass rate (%)"),
            _("Average score (%)"),
            _("Median days to complete"),
        ]
        if view == "partners":
            header.append(_("Certified people"))
        writer.writerow(header)
        for row in rows:
            line = [row.key, csv_safe(row.label), row.enrolled, row.not_started, row.in_progress, row.completed]
            line += [_blank(row.pass_rate), _blank(row.average_score), _blank(row.median_days)]
            if view == "partners":
                line.append(row.certified)
            writer.writerow(line)
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
        filename = f"learning-{view}-{request.tenant.slug}-{timezone.localdate().isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response
