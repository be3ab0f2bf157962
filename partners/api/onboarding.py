"""API for onboarding: every partner's onboarding with its status, progress and steps (read-only).

Partner-bound keys (and partner users) see only their own organization's onboardings."""

import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view

from partners.models import OnboardingStatus, OnboardingStep, PartnerOnboarding
from partners.selectors import onboarding as selectors_onboarding
from prm.api import serializers
from prm.api.viewsets import TenantReadOnlyViewSet, UpdatedSinceFilterSet


class OnboardingStepSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField(help_text="done, overdue (open past its due time) or open.")

    class Meta:
        model = OnboardingStep
        fields = [
            "id",
            "position",
            "title",
            "description",
            "kind",
            "completion_event",
            "condition",
            "required",
            "due_at",
            "status",
            "completed_at",
            "completed_by",
            "completed_by_event",
        ]
        read_only_fields = fields

    def get_status(self, step) -> str:
        if step.completed_at:
            return "done"
        return "overdue" if step.due_at <= self.context["now"] else "open"


class OnboardingProgressSerializer(serializers.Serializer):
    required = serializers.IntegerField(help_text="Required steps.")
    required_done = serializers.IntegerField(help_text="Required steps done.")
    total = serializers.IntegerField(help_text="All steps, optional ones included.")
    done = serializers.IntegerField(help_text="Steps done, optional ones included.")
    percent = serializers.IntegerField(help_text="Required steps done, in percent (100 when none is required).")


class OnboardingSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()
    steps = OnboardingStepSerializer(many=True, read_only=True)

    class Meta:
        model = PartnerOnboarding
        fields = [
            "id",
            "partner_organization",
            "plan",
            "plan_name",
            "status",
            "started_at",
            "completed_at",
            "last_progress_at",
            "escalated_at",
            "progress",
            "steps",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OnboardingProgressSerializer)
    def get_progress(self, onboarding) -> dict:
        return selectors_onboarding.progress_of(list(onboarding.steps.all()))


class OnboardingFilterSet(UpdatedSinceFilterSet):
    partner_organization = django_filters.NumberFilter(
        field_name="partner_organization_id", help_text="Only this partner organization's onboardings (id)."
    )
    status = django_filters.ChoiceFilter(choices=OnboardingStatus.choices)

    class Meta:
        model = PartnerOnboarding
        fields = ["partner_organization", "status"]


@extend_schema_view(
    list=extend_schema(summary="List onboardings with their progress and steps", tags=["onboarding"]),
    retrieve=extend_schema(summary="One onboarding with its progress and steps, with its ETag", tags=["onboarding"]),
)
class OnboardingViewSet(TenantReadOnlyViewSet):
    """Partners' onboardings (a run of an onboarding plan): status, progress of the required steps, and every step
    with its due time and completion. Read-only: steps complete from domain events and the console."""

    scope = "onboarding"
    read_permission = "onboarding.view"
    partner_field = "partner_organization"
    serializer_class = OnboardingSerializer
    filterset_class = OnboardingFilterSet
    ordering_fields = ["id", "started_at", "updated_at"]

    def get_base_queryset(self):
        return selectors_onboarding.onboarding_queryset()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}


# (prefix, viewset, basename) for prm/api/urls.py
ROUTES = [("onboarding", OnboardingViewSet, "onboarding")]
