"""The project's URLs plus two bare DRF endpoints, the baselines the API's overhead is measured against:

- `api/bench/bare/` returns five fixed rows: DRF alone, no database;
- `api/bench/bare-list/?tenant=<id>` lists the same five newest partners as `/api/v1/partners/?page_size=5`,
  with the same serializer and the same database work (one transaction with the row-level security setting),
  but none of our API machinery: no key, tenancy middleware, scopes, policy, throttling, idempotency or ETags.
"""

from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView

ROWS = [{"id": n, "name": f"Partner {n}", "status": "active"} for n in range(1, 6)]


class BareView(APIView):
    api_public = True
    authentication_classes = []
    permission_classes = []
    throttle_classes = []

    def get(self, request):
        return Response({"next": None, "previous": None, "results": ROWS})


class BareListView(BareView):
    def get(self, request):
        from partners.api.directory import PartnerSerializer
        from partners.models import PartnerOrganization
        from prm.tenancy import all_tenants

        with all_tenants():
            rows = list(PartnerOrganization.unscoped.filter(tenant_id=request.GET["tenant"]).order_by("-id")[:5])
            return Response({"next": None, "previous": None, "results": PartnerSerializer(rows, many=True).data})


urlpatterns = [
    path("api/bench/bare/", BareView.as_view()),
    path("api/bench/bare-list/", BareListView.as_view()),
    path("", include("prm.urls")),
]
