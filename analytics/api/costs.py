"""Partner costs over the API (scope `analytics`): `/api/v1/analytics/partner-costs/`. Staff read them; tenant admins,
finance and unbound keys with `analytics:write` record, change and delete them. A cost created through the API has
the source `api`; the same checks as the pages name the field at fault."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from analytics import selectors, services
from analytics.filters import PartnerCostFilterSet
from analytics.models import CostKind, CostSource, PartnerCost
from partners.selectors import partner_queryset
from prm.api import serializers
from prm.api.viewsets import TenantModelViewSet, etag_for
from prm.models import partner_organization_model


class _PartnerField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return partner_queryset()


class PartnerCostSerializer(serializers.ModelSerializer):
    partner_organization = _PartnerField(
        queryset=partner_organization_model().unscoped.none(), help_text="The partner the cost is for (id)."
    )
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="In `currency`, two decimals.")
    # Plain strings in the schema: enums named "Source"/"Kind" would collide with other apps' components.
    kind = serializers.ChoiceField(choices=CostKind.choices, help_text="mdf, incentives, enablement, support or other.")
    source = serializers.CharField(read_only=True, help_text="manual, csv, api or mdf (an MDF payout).")

    class Meta:
        model = PartnerCost
        fields = [
            "id",
            "partner_organization",
            "period_start",
            "period_end",
            "kind",
            "amount",
            "currency",
            "note",
            "source",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "source", "created_at", "updated_at"]
        extra_kwargs = {
            "period_start": {"help_text": "The cost's day, or the first day of its period (YYYY-MM-DD)."},
            "period_end": {"help_text": "The period's last day; null for a one-day cost."},
            "currency": {"help_text": "ISO 4217 code, such as USD or EUR."},
        }


@extend_schema_view(
    list=extend_schema(summary="List partner costs", tags=["analytics"]),
    retrieve=extend_schema(summary="A partner cost, with its ETag", tags=["analytics"]),
    create=extend_schema(summary="Record a partner cost", tags=["analytics"]),
    update=extend_schema(summary="Replace a partner cost's fields", tags=["analytics"]),
    partial_update=extend_schema(summary="Change some of a partner cost's fields", tags=["analytics"]),
    destroy=extend_schema(summary="Delete a partner cost", tags=["analytics"]),
)
class PartnerCostViewSet(TenantModelViewSet):
    """What the program spends on each partner: MDF paid, incentives and rebates, enablement, support and
    channel-manager time, other. ROPI divides by their sum."""

    scope = "analytics"
    read_permission = "analytics.costs.view"
    write_permission = "analytics.costs.manage"
    # Costs are the vendor's books: partner actors see none.
    partner_field = None
    serializer_class = PartnerCostSerializer
    filterset_class = PartnerCostFilterSet
    ordering_fields = ["id", "period_start", "updated_at"]

    def get_base_queryset(self):
        return selectors.cost_api_queryset()

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.perform_create(serializer)
        return Response(
            self.get_serializer(instance).data, status=status.HTTP_201_CREATED, headers={"ETag": etag_for(instance)}
        )

    def perform_create(self, serializer):
        return services.cost_create(actor=self.actor, source=CostSource.API, **serializer.validated_data)

    def perform_update(self, serializer):
        return services.cost_update(actor=self.actor, cost=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.cost_delete(actor=self.actor, cost=instance)


ROUTES = [("analytics/partner-costs", PartnerCostViewSet, "partner-cost")]
