"""Webhook pages for tenant admins: endpoints, their secret, and the delivery log with manual redelivery."""

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from prm import policy
from prm.errors import DomainError
from prm.models.webhooks import DeliveryStatus
from prm.views import TenantView, add_domain_error
from prm.webhooks import selectors, services
from prm.webhooks.delivery import message_body, message_id
from prm.webhooks.forms import EndpointForm
from prm.webhooks.signing import signing_secrets

DELIVERIES_PER_PAGE = 25


class WebhookPage(TenantView):
    """Reading needs `webhooks.view`; every POST needs `webhooks.manage` too."""

    permission = "webhooks.view"

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and not policy.can(request.membership, "webhooks.manage"):
            raise Http404(_("Page not found."))
        return super().dispatch(request, *args, **kwargs)

    def get_endpoint(self, endpoint_id):
        return self.check_object(selectors.endpoint_get(endpoint_id=endpoint_id))

    def get_delivery(self, delivery_id):
        return self.check_object(selectors.delivery_get(delivery_id=delivery_id))

    def back_to(self, endpoint):
        return redirect("webhook_detail", self.request.tenant.slug, endpoint.pk)


class WebhookListView(WebhookPage):
    def get(self, request):
        return self.render_page(EndpointForm())

    def post(self, request):
        form = EndpointForm(request.POST)
        if form.is_valid():
            try:
                endpoint = services.webhook_endpoint_create(
                    actor=request.membership,
                    url=form.cleaned_data["url"],
                    description=form.cleaned_data["description"],
                    event_types=form.chosen_event_types(),
                    deliver_in_order=form.cleaned_data["deliver_in_order"],
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Endpoint added. Copy its signing secret below into your receiver."))
                return redirect(f"{self.url('webhook_detail', endpoint.pk)}?created=1")
        return self.render_page(form, status=400)

    def render_page(self, form, status=200):
        endpoints = list(selectors.endpoint_list())
        context = {
            "endpoints": endpoints,
            "form": form,
            "troubled": [e for e in endpoints if (not e.is_active and e.disabled_reason) or e.consecutive_failures],
        }
        return render(self.request, "webhooks/endpoint_list.html", context, status=status)


class WebhookDetailView(WebhookPage):
    def get(self, request, endpoint_id):
        endpoint = self.get_endpoint(endpoint_id)
        form = EndpointForm(
            initial={
                "url": endpoint.url,
                "description": endpoint.description,
                "event_types": endpoint.event_types,
                "deliver_in_order": endpoint.deliver_in_order,
            },
            current_event_types=endpoint.event_types,
        )
        return self.render_page(endpoint, form)

    def post(self, request, endpoint_id):
        endpoint = self.get_endpoint(endpoint_id)
        form = EndpointForm(request.POST, current_event_types=endpoint.event_types)
        if form.is_valid():
            try:
                services.webhook_endpoint_update(
                    actor=request.membership,
                    endpoint=endpoint,
                    url=form.cleaned_data["url"],
                    description=form.cleaned_data["description"],
                    event_types=form.chosen_event_types(),
                    deliver_in_order=form.cleaned_data["deliver_in_order"],
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Endpoint saved."))
                return self.back_to(endpoint)
        endpoint.refresh_from_db()
        return self.render_page(endpoint, form, status=400)

    def render_page(self, endpoint, form, status=200):
        status_filter = self.request.GET.get("status", "")
        if status_filter not in DeliveryStatus.values:
            status_filter = ""
        deliveries = selectors.delivery_list(endpoint_id=endpoint.pk)
        if status_filter:
            deliveries = deliveries.filter(status=status_filter)
        page = Paginator(deliveries, DELIVERIES_PER_PAGE).get_page(self.request.GET.get("page"))
        context = {
            "endpoint": endpoint,
            "form": form,
            "page": page,
            "status_filter": status_filter,
            "statuses": DeliveryStatus.choices,
            "rotating": len(signing_secrets(endpoint)) > 1,
            "just_created": self.request.GET.get("created") == "1",
        }
        return render(self.request, "webhooks/endpoint_detail.html", context, status=status)


class WebhookRotateSecretView(WebhookPage):
    http_method_names = ["post"]

    def post(self, request, endpoint_id):
        endpoint = services.webhook_secret_rotate(actor=request.membership, endpoint=self.get_endpoint(endpoint_id))
        if request.htmx:
            context = {"endpoint": endpoint, "rotating": True, "just_rotated": True}
            return render(request, "webhooks/partials/secret.html", context)
        messages.success(request, _("New signing secret created. The previous one keeps signing for 24 hours."))
        return self.back_to(endpoint)


class WebhookSetActiveView(WebhookPage):
    http_method_names = ["post"]

    def post(self, request, endpoint_id):
        endpoint = self.get_endpoint(endpoint_id)
        active = request.POST.get("active") == "1"
        services.webhook_endpoint_update(actor=request.membership, endpoint=endpoint, is_active=active)
        if active:
            messages.success(request, _("Endpoint activated. Pending deliveries resume within a few minutes."))
        else:
            messages.success(request, _("Endpoint deactivated. Nothing is sent to it until you activate it again."))
        return self.back_to(endpoint)


class WebhookDeleteView(WebhookPage):
    def get(self, request, endpoint_id):
        return render(request, "webhooks/endpoint_delete.html", {"endpoint": self.get_endpoint(endpoint_id)})

    def post(self, request, endpoint_id):
        endpoint = self.get_endpoint(endpoint_id)
        services.webhook_endpoint_delete(actor=request.membership, endpoint=endpoint)
        messages.success(request, _("Endpoint %(url)s deleted with its delivery log.") % {"url": endpoint.url})
        return redirect("webhooks", request.tenant.slug)


class WebhookDeliveryView(WebhookPage):
    def get(self, request, delivery_id):
        delivery = self.get_delivery(delivery_id)
        context = {
            "delivery": delivery,
            "endpoint": delivery.endpoint,
            "attempts": selectors.attempt_list(delivery_id=delivery.pk)[:100],
            "message_id": message_id(delivery),
            # Sent compact; shown indented for reading.
            "body": json.dumps(json.loads(message_body(delivery.event)), indent=2, ensure_ascii=False),
        }
        return render(request, "webhooks/delivery_detail.html", context)


class WebhookRedeliverView(WebhookPage):
    http_method_names = ["post"]

    def post(self, request, delivery_id):
        delivery = self.get_delivery(delivery_id)
        try:
            services.webhook_redeliver(actor=request.membership, delivery=delivery)
        except DomainError as error:
            if request.htmx:
                context = {"delivery": delivery, "endpoint": delivery.endpoint, "row_error": error.message}
                # 200: htmx swaps only successful answers, and the row shows the refusal.
                return render(request, "webhooks/partials/delivery_row.html", context)
            messages.error(request, error.message)
        else:
            if request.htmx:
                context = {"delivery": delivery, "endpoint": delivery.endpoint, "queued": True}
                return render(request, "webhooks/partials/delivery_row.html", context)
            messages.success(request, _("Redelivery queued: it is sent within seconds and shows in the log."))
        return self.back_to(delivery.endpoint)
