"""The project's URLs plus a bare DRF endpoint: the baseline the API's overhead is measured against."""

from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView

ROWS = [{"id": n, "name": f"Partner {n}", "status": "active"} for n in range(1, 6)]


class BareView(APIView):
    """DRF with nothing of ours: no authentication, tenancy, permissions, throttling or database."""

    api_public = True
    authentication_classes = []
    permission_classes = []
    throttle_classes = []

    def get(self, request):
        return Response({"next": None, "previous": None, "results": ROWS})


urlpatterns = [
    path("api/bench/bare/", BareView.as_view()),
    path("", include("prm.urls")),
]
