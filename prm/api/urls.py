from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from dealreg import api as dealreg_api
from dealreg import api_crm as dealreg_crm_api
from partners.api import agreements as api_agreements
from partners.api import onboarding as api_onboarding
from partners.api import recruitment as api_recruitment
from partners.api.directory import PartnerContactViewSet, PartnerViewSet
from prm.api.views import EventViewSet, InvitationViewSet, MemberViewSet
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
router.register("partners", PartnerViewSet, basename="partner")
router.register("contacts", PartnerContactViewSet, basename="contact")
router.register("members", MemberViewSet, basename="member")
router.register("invitations", InvitationViewSet, basename="invitation")
router.register("events", EventViewSet, basename="event")
router.register("webhooks", WebhookViewSet, basename="webhook")
router.register("webhook-deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")
# Each domain area lists its own routes.
for _area in (api_recruitment, api_onboarding, api_agreements, dealreg_api, dealreg_crm_api):
    for _prefix, _viewset, _basename in _area.ROUTES:
        router.register(_prefix, _viewset, basename=_basename)

app_name = "api"
urlpatterns = [
    path("schema/", PublicSchemaView.as_view(), name="schema"),
    path("docs/", PublicSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", PublicRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("", include(router.urls)),
]
