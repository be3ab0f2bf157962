"""A partner's tier API (scope `tiers`): `/api/v1/partner-tiers/<partner id>/` answers the partner's standing — the
tier it holds and the one its data gives, whether it is at risk and until when, the benefits it has, and its
progress to the next tier metric by metric; `…/assessments/` its assessment history, newest first;
`POST …/recalculate/` (`tiers:write`, channel managers) recalculates that partner now and answers the new standing.

Staff see any partner; a partner-bound key and a partner's people only their own organization (another's is 404)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from partners.selectors import partner_queryset
from prm.api import serializers
from prm.api.viewsets import IDEMPOTENCY_PARAMETER, TenantViewSetMixin
from tiering.api.programs import TierBenefitsSerializer
from tiering.models import TierAssessment, TierStanding
from tiering.selectors import tier_assessments_for, tier_benefits_for, tier_standing_for
from tiering.selectors.progress import tier_progress_for
from tiering.services.recalculation import tiers_recalculate


class TierRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    rank = serializers.IntegerField(help_text="0 the lowest tier of the program.")


class MetricProgressSerializer(serializers.Serializer):
    metric_key = serializers.CharField()
    label = serializers.CharField(help_text="The metric's name, in the caller's language.")
    unit = serializers.CharField()
    operator = serializers.CharField()
    value = serializers.DecimalField(max_digits=18, decimal_places=2, help_text="The partner's value now.")
    threshold = serializers.DecimalField(max_digits=18, decimal_places=2, help_text="What the next tier asks.")
    met = serializers.BooleanField()
    gap = serializers.DecimalField(max_digits=18, decimal_places=2, help_text="How much is missing; 0 when met.")
    percent = serializers.IntegerField(help_text="0–100: how far the value is towards the threshold.")
    gap_text = serializers.CharField(help_text="What is missing, in words (empty when met).")


class PartnerTierSerializer(serializers.Serializer):
    """Built from the tiering selectors (a dict), not a model: the standing, the benefits and the live progress."""

    partner_organization = serializers.IntegerField()
    program = serializers.IntegerField(allow_null=True, help_text="The program that applies (id); null: none.")
    tier = TierRefSerializer(allow_null=True, help_text="The tier held; null: none (not assessed yet).")
    qualified_tier = TierRefSerializer(allow_null=True, help_text="The tier the partner's data gives now.")
    since = serializers.DateField(allow_null=True, help_text="Since when the tier is held.")
    at_risk = serializers.BooleanField(help_text="It no longer qualifies for its tier; demoted after the grace period.")
    at_risk_since = serializers.DateField(allow_null=True)
    demotion_due = serializers.DateField(allow_null=True, help_text="When it is demoted unless it qualifies again.")
    assessed_on = serializers.DateField(allow_null=True, help_text="The last recalculation's day.")
    benefits = TierBenefitsSerializer(allow_null=True, help_text="The held tier's benefits; null without a tier.")
    next_tier = TierRefSerializer(
        allow_null=True, help_text="The tier the progress is towards (the held one while at risk); null at the top."
    )
    progress = MetricProgressSerializer(many=True, help_text="Each criterion of `next_tier`, met or not.")
    missing = serializers.CharField(help_text="What is missing to reach `next_tier`, in words (empty: nothing).")


class TierAssessmentSerializer(serializers.ModelSerializer):
    tier = TierRefSerializer(allow_null=True, read_only=True, help_text="The tier held after the assessment.")
    qualified_tier = TierRefSerializer(allow_null=True, read_only=True, help_text="The tier the data gave.")
    previous_tier = TierRefSerializer(allow_null=True, read_only=True, help_text="The tier held before.")

    class Meta:
        model = TierAssessment
        fields = [
            "id",
            "partner_organization",
            "program",
            "assessed_on",
            "assessed_at",
            "metric_values",
            "criteria",
            "score",
            "qualified_tier",
            "previous_tier",
            "tier",
            "change",
            "explanation",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "metric_values": {"help_text": "Each metric's value as assessed ({metric key: decimal string})."},
            "criteria": {"help_text": "Each criterion met or missed: tier, metric, operator, threshold, value, met."},
            "score": {"help_text": "The points or index score (points and index programs); null otherwise."},
            "explanation": {"help_text": "Why, in words."},
        }


def _tier(spec_or_tier):
    if spec_or_tier is None:
        return None
    return {"id": spec_or_tier.id, "name": spec_or_tier.name, "rank": spec_or_tier.rank}


def partner_tier_data(partner_id: int) -> dict:
    """The partner's standing, benefits and progress, shaped for PartnerTierSerializer."""
    standing: TierStanding | None = tier_standing_for(partner_id=partner_id)
    progress = tier_progress_for(partner_id=partner_id)
    held = standing.tier if standing else None
    return {
        "partner_organization": partner_id,
        "program": standing.program_id if standing else (progress.program.id if progress else None),
        "tier": _tier(held),
        "qualified_tier": _tier(standing.qualified_tier if standing else (progress.qualified if progress else None)),
        "since": standing.since if standing else None,
        "at_risk": bool(standing and standing.is_at_risk()),
        "at_risk_since": standing.at_risk_since if standing else None,
        "demotion_due": standing.demotion_due if standing else None,
        "assessed_on": standing.assessed_on if standing else None,
        "benefits": tier_benefits_for(partner_id=partner_id) if held else None,
        "next_tier": _tier(progress.target) if progress else None,
        "progress": list(progress.metrics) if progress else [],
        "missing": progress.missing if progress else "",
    }


@extend_schema(tags=["tiering"])
class PartnerTierViewSet(TenantViewSetMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A partner's tier, benefits and progress; its assessment history; recalculating it now."""

    scope = "tiers"
    read_permission = "tiering.view"
    write_permission = "tiering.recalculate"
    partner_field = "id"
    serializer_class = PartnerTierSerializer

    def get_base_queryset(self):
        return partner_queryset()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TierStanding.unscoped.none()
        return super().get_queryset()

    @extend_schema(summary="A partner's tier, benefits and progress to the next tier")
    def retrieve(self, request, *args, **kwargs):
        partner = self.get_object()
        return Response(PartnerTierSerializer(partner_tier_data(partner.pk)).data)

    @extend_schema(summary="A partner's tier assessments, newest first", responses={200: TierAssessmentSerializer})
    @action(detail=True, methods=["get"], url_path="assessments", url_name="assessments")
    def assessments(self, request, pk=None):
        partner = self.get_object()
        page = self.paginate_queryset(tier_assessments_for(partner_id=partner.pk))
        return self.get_paginated_response(TierAssessmentSerializer(page, many=True).data)

    @extend_schema(
        summary="Recalculate a partner's tier now",
        description="Applies the program's rules to the partner's metrics today (promotion at once, demotion after "
        "the grace period) and answers the new standing. Records an assessment only when something changed.",
        request=None,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: PartnerTierSerializer},
    )
    @action(detail=True, methods=["post"], url_path="recalculate", url_name="recalculate", takes_body=False)
    def recalculate(self, request, pk=None):
        partner = self.get_object()
        tiers_recalculate(partner_ids=[partner.pk], as_of=timezone.localdate())
        return Response(PartnerTierSerializer(partner_tier_data(partner.pk)).data)


# (prefix, viewset, basename) for prm/api/urls.py
ROUTES = [("partner-tiers", PartnerTierViewSet, "partner-tier")]
