"""The program's figures for BI tools (scope `analytics`, staff): `/api/v1/analytics/program-metrics/` with the
dashboard's filters (every metric with its definition, value and inputs, and the dashboard's tables), and
`/api/v1/analytics/scorecards/<partner id>/`, one partner's figures — staff any partner's, a partner's people and
partner-bound keys only their own (another's is 404)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.response import Response

from analytics.forms import MAX_PERIOD_DAYS, default_period
from analytics.models import PartnerCost
from analytics.selectors.base import Scope
from analytics.selectors.dashboard import partner_scorecard, program_dashboard
from partners.selectors import partner_queryset
from prm.api import serializers
from prm.api.schema import ConventionsAutoSchema
from prm.api.viewsets import TenantViewSetMixin


class PeriodQuerySerializer(serializers.Serializer):
    start = serializers.DateField(required=False, help_text="First day of the period (default: 11 months ago, 1st).")
    end = serializers.DateField(required=False, help_text="Last day of the period (default: today).")

    def validate(self, attrs):
        default_start, default_end = default_period()
        attrs.setdefault("start", default_start)
        attrs.setdefault("end", max(default_end, attrs["start"]))
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": "The period cannot end before it starts."})
        if (attrs["end"] - attrs["start"]).days > MAX_PERIOD_DAYS:
            # The previous period of the same length (top and falling partners) must stay a real date.
            raise serializers.ValidationError({"end": _("A period covers at most ten years.")})
        return attrs


class ProgramQuerySerializer(PeriodQuerySerializer):
    partner_type = serializers.CharField(required=False, max_length=32, help_text="Only partners of this type.")
    region = serializers.CharField(required=False, max_length=32, help_text="Only partners of this region code.")
    tier = serializers.CharField(required=False, max_length=32, help_text="Only partners holding this tier (name).")
    owner = serializers.IntegerField(required=False, min_value=1, help_text="Only partners this user (id) owns.")


class MetricValueSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField(help_text="The metric's name, in the caller's language.")
    unit = serializers.CharField(help_text="money (in `base_currency`), percent, days or count.")
    definition = serializers.CharField(help_text="How it is computed, as the dashboard shows it.")
    value = serializers.DecimalField(
        max_digits=20, decimal_places=2, allow_null=True, help_text="Null: nothing to measure (see `empty_text`)."
    )
    empty_text = serializers.CharField(allow_blank=True, help_text="What a null value means (ROPI: no cost recorded).")
    inputs = serializers.DictField(
        child=serializers.DecimalField(max_digits=20, decimal_places=2), help_text="What the value is computed from."
    )
    unconverted = serializers.IntegerField(help_text="Deals or costs left out: their currency has no exchange rate.")


class ProgramMetricsSerializer(serializers.Serializer):
    base_currency = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    metrics = MetricValueSerializer(many=True)
    tables = serializers.DictField(
        child=serializers.ListField(child=serializers.DictField()),
        help_text="The dashboard's tables: revenue_by_month, pipeline_by_stage, ttv_by_cohort, ropi_by_partner, "
        "top_partners, falling_partners, costs_by_kind (amounts in the base currency, as strings).",
    )


class ScorecardSerializer(serializers.Serializer):
    partner_organization = serializers.IntegerField()
    base_currency = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    started = serializers.DateField(allow_null=True, help_text="The day the partner started: agreement or onboarding.")
    metrics = MetricValueSerializer(many=True)
    revenue_by_month = serializers.ListField(child=serializers.DictField())


def _metrics(cards) -> list[dict]:
    return [
        {
            "key": card.key,
            "label": str(card.metric.label),
            "unit": str(card.metric.unit),
            "definition": str(card.metric.definition),
            "value": card.figure.value,
            "empty_text": str(card.metric.empty_text or ""),
            "inputs": dict(card.figure.inputs),
            "unconverted": card.figure.unconverted,
        }
        for card in cards
    ]


def _plain(rows: list[dict]) -> list[dict]:
    return [
        {key: (value if isinstance(value, int | type(None)) else str(value)) for key, value in row.items()}
        for row in rows
    ]


class _NoDetailRoute:
    """Hides the base's `retrieve` (its ETag handling) from the router: `hasattr(viewset, "retrieve")` is False, so
    the program's figures, which have no detail, get no `/<pk>/` route."""

    def __get__(self, instance, owner):
        raise AttributeError("retrieve")


class _FiguresSchema(ConventionsAutoSchema):
    """Figures are one object (the program's, though served by the viewset's `list`), and a bad period in the query
    is a 400: documented so."""

    def _is_list_view(self, serializer=None) -> bool:
        return False

    def _problem_codes(self) -> set[int]:
        return super()._problem_codes() | {400}


@extend_schema(tags=["analytics"])
class ProgramMetricsViewSet(TenantViewSetMixin, viewsets.GenericViewSet):
    retrieve = _NoDetailRoute()
    schema = _FiguresSchema()
    scope = "analytics"
    read_permission = "analytics.view_all"
    partner_field = None
    serializer_class = ProgramMetricsSerializer
    pagination_class = None
    filter_backends: list = []

    def get_base_queryset(self):
        return PartnerCost.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PartnerCost.unscoped.none()
        return super().get_queryset()

    @extend_schema(
        summary="The program's metrics and dashboard tables for a period and filters",
        parameters=[ProgramQuerySerializer],
        responses={200: ProgramMetricsSerializer},
    )
    def list(self, request, *args, **kwargs):
        query = ProgramQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        params = query.validated_data
        scope = Scope(
            start=params["start"],
            end=params["end"],
            partner_type=params.get("partner_type", ""),
            region=params.get("region", ""),
            tier=params.get("tier", ""),
            owner_id=params.get("owner"),
        )
        data = program_dashboard(scope)
        body = {
            "base_currency": data["base_currency"],
            "start": scope.start,
            "end": scope.end,
            "metrics": _metrics(data["cards"]),
            "tables": {name: _plain(rows) for name, rows in data["tables"].items()},
        }
        return Response(ProgramMetricsSerializer(body).data)


@extend_schema(tags=["analytics"])
class ScorecardViewSet(TenantViewSetMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    schema = _FiguresSchema()
    scope = "analytics"
    read_permission = "analytics.view"
    partner_field = "id"
    serializer_class = ScorecardSerializer

    def get_base_queryset(self):
        return partner_queryset()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PartnerCost.unscoped.none()
        return super().get_queryset()

    @extend_schema(
        summary="A partner's scorecard for a period",
        parameters=[PeriodQuerySerializer],
        responses={200: ScorecardSerializer},
    )
    def retrieve(self, request, *args, **kwargs):
        partner = self.get_object()
        query = PeriodQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        scope = Scope(start=query.validated_data["start"], end=query.validated_data["end"])
        data = partner_scorecard(scope, partner.pk)
        body = {
            "partner_organization": partner.pk,
            "base_currency": data["base_currency"],
            "start": scope.start,
            "end": scope.end,
            "started": data["started"],
            "metrics": _metrics(data["cards"]),
            "revenue_by_month": _plain(data["tables"]["revenue_by_month"]),
        }
        return Response(ScorecardSerializer(body).data)


ROUTES = [
    ("analytics/program-metrics", ProgramMetricsViewSet, "analytics-program-metrics"),
    ("analytics/scorecards", ScorecardViewSet, "analytics-scorecard"),
]
