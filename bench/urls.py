"""The project's URLs plus two bare DRF endpoints, the baselines the API's overhead is measured against:

- `api/bench/bare/` returns five fixed rows: DRF alone, no database;
- `api/bench/bare-list/?tenant=<id>` lists the same five newest partners as `/api/v1/partners/?page_size=5`,
  with the same serializer and the same database work (one transaction with the row-level security setting),
  but none of our API machinery: no key, tenancy middleware, scopes, policy, throttling, idempotency or ETags.
- `api/bench/bare-submit/?tenant=<id>&partner=<id>` (POST, a deal submit's body) is the fair baseline of a deal
  submit: bare DRF writing the rows a submit writes, with the same INSERT statements (so the same triggers: history,
  match keys) in one transaction with the row-level security setting — the registration (submitted), its sourcing
  participant, two timeline entries, two events, one notification — and answering the new row's fields. No key,
  policy, field checks, rules of engagement or reads; with `&check=1` it also runs the conflict check
  (`screening.find`, three queries), the one read a submit cannot do without.
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


class BareSubmitView(BareView):
    def post(self, request):
        from datetime import date
        from decimal import Decimal

        from django.utils import timezone

        from dealreg.models import (
            AttributionRole,
            DealActivity,
            DealActivityKind,
            DealParticipant,
            DealRegistration,
            DealStatus,
        )
        from dealreg.services import screening
        from prm.models import Event, Notification, Tenant
        from prm.tenancy import tenant_context

        body, now = request.data, timezone.now()
        tenant = Tenant.objects.get(pk=request.GET["tenant"])
        with tenant_context(tenant):
            domain = screening.customer_domain(body.get("customer_website", ""))
            conflicts = []
            if request.GET.get("check"):
                customer = screening.Customer(body["customer_name"], domain, body.get("customer_country", ""))
                conflicts = screening.find(customer)
            registration = DealRegistration(
                partner_organization_id=int(request.GET["partner"]),
                status=DealStatus.SUBMITTED,
                customer_name=body["customer_name"],
                customer_website=body.get("customer_website", ""),
                customer_domain=domain,
                customer_country=body.get("customer_country", ""),
                title=body.get("title", ""),
                amount=Decimal(body["amount"]),
                currency=body["currency"],
                expected_close_date=date.fromisoformat(body["expected_close_date"]),
                submitted_at=now,
                review_due_at=now,
                conflicts=conflicts,
                match_keys=screening.match_keys(body["customer_name"], domain),
            )
            registration.save(force_insert=True)
            DealParticipant.objects.create(
                registration=registration,
                partner_organization_id=registration.partner_organization_id,
                role=AttributionRole.SOURCED,
                share=Decimal("100"),
            )
            DealActivity.objects.bulk_create(
                [
                    DealActivity(registration=registration, kind=DealActivityKind.CREATED, to_status=DealStatus.DRAFT),
                    DealActivity(
                        registration=registration, kind=DealActivityKind.SUBMITTED, to_status=DealStatus.SUBMITTED
                    ),
                ]
            )
            payload = {"registration_id": registration.pk, "status": registration.status}
            Event.objects.bulk_create(
                [
                    Event(type=kind, subject_type="dealregistration", subject_id=str(registration.pk), payload=payload)
                    for kind in ("deal.created", "deal.submitted")
                ]
            )
            Notification.objects.create(user_id=request.GET["user"], kind="deal.submitted", title=registration.title)
        return Response(
            {"id": registration.pk, "status": registration.status, "customer_name": registration.customer_name},
            status=201,
        )


urlpatterns = [
    path("api/bench/bare/", BareView.as_view()),
    path("api/bench/bare-list/", BareListView.as_view()),
    path("api/bench/bare-submit/", BareSubmitView.as_view()),
    path("", include("prm.urls")),
]
