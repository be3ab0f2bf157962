from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from partners.api import PartnerViewSet
from prm.api.views import EventViewSet, InvitationViewSet, MemberViewSet


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
    authentication_classes = []
    permission_classes = []
    throttle_classes = []


router = SimpleRouter(trailing_slash=True)
router.register("partners", PartnerViewSet, basename="partner")
router.register("members", MemberViewSet, basename="member")
router.register("invitations", InvitationViewSet, basename="invitation")
router.register("events", EventViewSet, basename="event")

app_name = "api"
urlpatterns = [
    path("schema/", PublicSchemaView.as_view(), name="schema"),
    path("docs/", PublicSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", PublicRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("", include(router.urls)),
]
