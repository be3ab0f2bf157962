"""The dead-letter page for tenant admins: failed event subscribers, with retry and dismiss."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from prm import policy
from prm.errors import DomainError
from prm.events import selectors, services
from prm.models.events import FailureStatus
from prm.views import TenantView

FAILURES_PER_PAGE = 25
OPEN_FILTER = "open"


class FailurePage(TenantView):
    """Reading needs `events.view_failures`; every POST needs `events.manage_failures` too."""

    permission = "events.view_failures"

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and not policy.can(request.membership, "events.manage_failures"):
            raise Http404("Page not found.")
        return super().dispatch(request, *args, **kwargs)

    def get_failure(self, failure_id):
        return self.check_object(selectors.failure_get(failure_id=failure_id))

    def back(self):
        status = self.request.POST.get("status", "")
        url = self.url("event_failures")
        return redirect(f"{url}?status={status}" if status in FailureStatus.values else url)


class FailureListView(FailurePage):
    def get(self, request):
        status = request.GET.get("status", OPEN_FILTER)
        if status not in FailureStatus.values:
            status = OPEN_FILTER
        failures = (
            selectors.failure_list(open_only=True) if status == OPEN_FILTER else selectors.failure_list(status=status)
        )
        page = Paginator(failures, FAILURES_PER_PAGE).get_page(request.GET.get("page"))
        context = {
            "page": page,
            "status_filter": status,
            "statuses": [(OPEN_FILTER, _("Needing attention")), *FailureStatus.choices],
            "can_manage": policy.can(request.membership, "events.manage_failures"),
        }
        return render(request, "events/failure_list.html", context)


class FailureRetryView(FailurePage):
    http_method_names = ["post"]

    def post(self, request, failure_id):
        try:
            failure = services.event_failure_retry(actor=request.membership, failure=self.get_failure(failure_id))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if failure.resolved_at is not None:
                messages.success(request, _("The handler ran and succeeded: the failure is resolved."))
            else:
                messages.error(request, _("The handler failed again: %(error)s") % {"error": failure.last_error})
        return self.back()


class FailureDismissView(FailurePage):
    http_method_names = ["post"]

    def post(self, request, failure_id):
        try:
            services.event_failure_dismiss(actor=request.membership, failure=self.get_failure(failure_id))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Failure dismissed: it is kept in the list but never retried."))
        return self.back()
