"""Funds and allocations API: `/api/v1/mdf/funds/` (staff and tenant keys: every fund with its totals) and
`/api/v1/mdf/allocations/` (each partner's allocation with its balances: allocated, available, committed,
claimed, paid; a partner reads only its own). Read-only: allocating is the console's (`mdf.manage`)."""

from drf_spectacular.utils import extend_schema, extend_schema_view

from mdf.models import Allocation, Fund
from mdf.selectors import fund_list
from mdf.selectors.pages import allocations_with_balances, fund_totals
from prm.api import serializers
from prm.api.viewsets import TenantReadOnlyViewSet, UpdatedSinceFilterSet

from .common import TAG, ReadOwnOrAll

MONEY = {"max_digits": 14, "decimal_places": 2, "read_only": True}


class FundSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="active or closed.")
    totals = serializers.SerializerMethodField(
        help_text="total, unallocated, allocated, available, committed, payable, claimed, paid (decimal strings)."
    )

    class Meta:
        model = Fund
        fields = [
            "id",
            "name",
            "period_start",
            "period_end",
            "currency",
            "total",
            "claim_deadline",
            "reimbursement_share",
            "claim_tolerance_percent",
            "expiry_days",
            "review_sla_business_days",
            "payout_overdue_days",
            "approval_threshold",
            "status",
            "totals",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_totals(self, fund) -> dict[str, str]:
        totals = self.context.get("totals", {}).get(fund.pk, {})
        names = ["total", "unallocated", "allocated", "available", "committed", "payable", "claimed", "paid"]
        return {name: f"{totals.get(name, 0):.2f}" for name in names}


class FundFilterSet(UpdatedSinceFilterSet):
    class Meta:
        model = Fund
        fields = []


@extend_schema_view(
    list=extend_schema(summary="List funds with their totals", tags=[TAG]),
    retrieve=extend_schema(summary="A fund with its totals", tags=[TAG]),
)
class FundViewSet(TenantReadOnlyViewSet):
    scope = "mdf"
    read_permission = "mdf.view_all"
    partner_field = None
    serializer_class = FundSerializer
    filterset_class = FundFilterSet
    ordering_fields = ["id", "period_start", "name"]

    def get_base_queryset(self):
        return fund_list()

    def get_serializer(self, *args, **kwargs):
        instance = args[0] if args else None
        if instance is not None:
            funds = list(instance) if kwargs.get("many") else [instance]
            context = self.get_serializer_context()
            context["totals"] = fund_totals(funds)
            kwargs["context"] = context
        return super().get_serializer(*args, **kwargs)


class AllocationSerializer(serializers.ModelSerializer):
    fund_name = serializers.CharField(source="fund.name", read_only=True)
    currency = serializers.CharField(source="fund.currency", read_only=True)
    available = serializers.DecimalField(**MONEY)
    committed = serializers.DecimalField(**MONEY)
    payable = serializers.DecimalField(**MONEY, help_text="Approved claims not yet paid.")
    paid = serializers.DecimalField(**MONEY)
    allocated = serializers.SerializerMethodField(help_text="available + committed + payable + paid.")
    claimed = serializers.SerializerMethodField(help_text="payable + paid.")

    class Meta:
        model = Allocation
        fields = [
            "id",
            "fund",
            "fund_name",
            "partner_organization",
            "source",
            "currency",
            "allocated",
            "available",
            "committed",
            "claimed",
            "payable",
            "paid",
            "created_at",
        ]
        read_only_fields = fields

    def get_allocated(self, allocation) -> str:
        return f"{allocation.available + allocation.committed + allocation.payable + allocation.paid:.2f}"

    def get_claimed(self, allocation) -> str:
        return f"{allocation.payable + allocation.paid:.2f}"


class AllocationFilterSet(UpdatedSinceFilterSet):
    class Meta:
        model = Allocation
        fields = []


@extend_schema_view(
    list=extend_schema(summary="List allocations with their balances", tags=[TAG]),
    retrieve=extend_schema(summary="An allocation with its balances", tags=[TAG]),
)
class AllocationViewSet(ReadOwnOrAll, TenantReadOnlyViewSet):
    scope = "mdf"
    read_permission = "mdf.view_all"
    serializer_class = AllocationSerializer
    filterset_class = AllocationFilterSet
    ordering_fields = ["id", "created_at"]

    def get_base_queryset(self):
        return allocations_with_balances()


ROUTES = [("mdf/funds", FundViewSet, "mdf-fund"), ("mdf/allocations", AllocationViewSet, "mdf-allocation")]
