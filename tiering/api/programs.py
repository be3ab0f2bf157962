"""Tier programs API (scope `tiers`, read-only): `/api/v1/tier-programs/`. Each program with its tiers in rank order
(lowest first), each tier's typed benefits, and the criteria that earn them. Staff only: a program is the vendor's
rule book (`tiering.view_all`); a partner reads its own tier and progress at `/api/v1/partner-tiers/<id>/`."""

from drf_spectacular.utils import extend_schema, extend_schema_view

from prm.api import serializers
from prm.api.viewsets import TenantReadOnlyViewSet, UpdatedSinceFilterSet
from tiering.models import Tier, TierCriterion, TierProgram
from tiering.selectors import tier_programs


class TierCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = TierCriterion
        fields = ["id", "tier", "metric_key", "operator", "threshold", "options", "points", "category", "position"]
        read_only_fields = fields
        extra_kwargs = {
            "tier": {"help_text": "The tier it qualifies for (id); null: a program-wide criterion (points, index)."},
            "metric_key": {"help_text": "The metric compared (its key in the metric registry)."},
        }


class TierBenefitsSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tier
        fields = [
            "deal_protection_days",
            "deal_auto_approve_limit",
            "mdf_allocation",
            "discount_percent",
            "content_access",
            "dedicated_channel_manager",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "deal_protection_days": {"help_text": "Null: the rules of engagement's general rule applies."},
            "deal_auto_approve_limit": {"help_text": "Null: the rules of engagement's general rule applies."},
        }


class ProgramTierSerializer(serializers.ModelSerializer):
    benefits = TierBenefitsSerializer(source="*", read_only=True)

    class Meta:
        model = Tier
        fields = ["id", "name", "rank", "description", "min_score", "benefits"]
        read_only_fields = fields
        extra_kwargs = {"rank": {"help_text": "The tier's order in its program, 0 the lowest."}}


class TierProgramSerializer(serializers.ModelSerializer):
    tiers = ProgramTierSerializer(many=True, read_only=True, help_text="The tiers, lowest rank first.")
    criteria = TierCriterionSerializer(many=True, read_only=True, help_text="What earns each tier.")

    class Meta:
        model = TierProgram
        fields = [
            "id",
            "name",
            "partner_type",
            "evaluation_model",
            "grace_period_days",
            "qualification_window_days",
            "is_active",
            "tiers",
            "criteria",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {"partner_type": {"help_text": "Empty: the program of every partner type without its own."}}


class TierProgramFilterSet(UpdatedSinceFilterSet):
    class Meta:
        model = TierProgram
        fields = []


@extend_schema_view(
    list=extend_schema(summary="List tier programs with their tiers, benefits and criteria", tags=["tiering"]),
    retrieve=extend_schema(summary="A tier program, with its ETag", tags=["tiering"]),
)
class TierProgramViewSet(TenantReadOnlyViewSet):
    """The tenant's tier programs: ordered tiers, their benefits and the criteria that earn them."""

    scope = "tiers"
    read_permission = "tiering.view_all"
    # A program belongs to the vendor, not to a partner (and the policy gives partners no `tiering.view_all`).
    partner_field = None
    serializer_class = TierProgramSerializer
    filterset_class = TierProgramFilterSet
    ordering_fields = ["id", "name", "updated_at"]

    def get_base_queryset(self):
        return tier_programs()


# (prefix, viewset, basename) for prm/api/urls.py
ROUTES = [("tier-programs", TierProgramViewSet, "tier-program")]
