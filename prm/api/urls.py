from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from prm import registry
from prm.api.views import EventViewSet, InvitationViewSet, MemberViewSet
from prm.events.api import EventHandlerFailureViewSet
from prm.webhooks.api import WebhookDeliveryViewSet, WebhookViewSet


class PublicSchemaView(SpectacularAPIView):
    """The OpenAPI document is public: it describes the API, not any tenant's data."""

    api_public = True
    authentication_classes = []
    permission_classes = []
    throttle_classes = []


class PublicSwaggerView(SpectacularSwaggerView):
    api_public = True
    authentication_classes = []
    permission_classes = []
    throttle_classes = []


class PublicRedocView(SpectacularRedocView):
    api_public = True
    template_name = "api/redoc.html"  # without the stock template's Google Fonts links
    authentication_classes = []
    permission_classes = []
    throttle_classes = []


router = SimpleRouter(trailing_slash=True)
router.register("members", MemberViewSet, basename="member")
router.register("invitations", InvitationViewSet, basename="invitation")
# Before "events": its detail route would otherwise take "failed" for an event id.
router.register("events/failed", EventHandlerFailureViewSet, basename="event-failure")
router.register("events", EventViewSet, basename="event")
router.register("webhooks", WebhookViewSet, basename="webhook")
router.register("webhook-deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")
# Each app lists its own routes (API_ROUTE_MODULES in its declarations.py).
for _prefix, _viewset, _basename in registry.api_routes():
    router.register(_prefix, _viewset, basename=_basename)

app_name = "api"
urlpatterns = [
    path("schema/", PublicSchemaView.as_view(), name="schema"),
    path("docs/", PublicSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", PublicRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("", include(router.urls)),
]
