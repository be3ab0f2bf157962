"""Certifications API (scope `certifications`, read-only): `/api/v1/certifications/` (the definitions) and
`/api/v1/certification-awards/` (who holds what — a CRM lists who is certified, by partner, person, certification or
validity). Partner-bound keys and partner admins see their own organization's awards; other partner users only
their own. Webhooks carry the changes as they happen (`certification.awarded`, `.expiring`, `.expired`,
`.revoked`)."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions

from enablement.models import AwardStatus, Certification, CertificationAward
from enablement.selectors import certifications as selectors
from enablement.services import credentials
from prm import policy
from prm.api import serializers
from prm.api.viewsets import TenantReadOnlyViewSet, UpdatedSinceFilterSet

STATE_HELP = "`valid` (counts now), `expired`, `revoked` or `renewed` (replaced by a newer award)."


class CertificationSerializer(serializers.ModelSerializer):
    required_courses = serializers.SerializerMethodField(help_text="The courses it requires (ids).")

    class Meta:
        model = Certification
        fields = [
            "id",
            "name",
            "description",
            "validity_months",
            "required_courses",
            "final_exam",
            "active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "validity_months": {"help_text": "How long an award is valid; null: it never expires."},
            "final_exam": {"help_text": "The quiz to pass on top of the courses (id), or null."},
            "active": {"help_text": "Whether it is awarded to learners who meet the requirements."},
        }

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_required_courses(self, certification) -> list[int]:
        return [link.course_id for link in certification.required_courses.all()]


class CertificationFilterSet(UpdatedSinceFilterSet):
    active = django_filters.BooleanFilter(help_text="Only certifications awarded now (true) or no longer (false).")

    class Meta:
        model = Certification
        fields = ["active"]


@extend_schema_view(
    list=extend_schema(summary="List certifications", tags=["certifications"]),
    retrieve=extend_schema(summary="A certification, with its ETag", tags=["certifications"]),
)
class CertificationViewSet(TenantReadOnlyViewSet):
    """The program's certifications: what each requires and how long it is valid. Partners see the active ones."""

    scope = "certifications"
    read_permission = "certifications.view"
    # Definitions belong to the program, not to a partner: get_queryset shows partners the active ones.
    partner_field = None
    serializer_class = CertificationSerializer
    filterset_class = CertificationFilterSet
    ordering_fields = ["id", "name", "updated_at"]

    def get_base_queryset(self):
        return selectors.certifications_for_api()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return super().get_queryset()
        actor = self.actor
        if actor is None or not actor.is_partner_role:
            return super().get_queryset()
        return self.get_base_queryset().filter(active=True)

    def check_object_permissions(self, request, obj):
        # The policy ties partner actors to objects of their own organization; a certification has none, and the
        # queryset already holds only what the actor may see.
        if not policy.can(self.actor, self.policy_action(request)):
            raise exceptions.NotFound(_("Not found."))


class CertificationAwardSerializer(serializers.ModelSerializer):
    certification_name = serializers.CharField(source="certification.name", read_only=True)
    user_email = serializers.EmailField(source="user.email", read_only=True, help_text="The holder's sign-in email.")
    partner_organization_name = serializers.CharField(source="partner_organization.name", read_only=True)
    state = serializers.SerializerMethodField(help_text=STATE_HELP)
    is_valid = serializers.SerializerMethodField(help_text="Whether it counts now (valid, not expired or revoked).")
    verification_url = serializers.SerializerMethodField(help_text="The award's public verification page.")

    class Meta:
        model = CertificationAward
        fields = [
            "id",
            "certification",
            "certification_name",
            "user",
            "user_email",
            "recipient_name",
            "partner_organization",
            "partner_organization_name",
            "awarded_at",
            "expires_at",
            "status",
            "state",
            "is_valid",
            "renewal_of",
            "revoked_at",
            "revoke_reason",
            "verification_url",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "user": {"help_text": "The holder (user id)."},
            "recipient_name": {"help_text": "The name printed and verified, as it was when awarded."},
            "expires_at": {"help_text": "When it stops counting; null: never."},
            "renewal_of": {"help_text": "The award this one renewed (id), or null."},
        }

    # A string described in words, not an enum: the schema's enum named for `state` is the agreements'.
    @extend_schema_field(OpenApiTypes.STR)
    def get_state(self, award) -> str:
        return award.state(self.context["now"])

    def get_is_valid(self, award) -> bool:
        return award.counts(self.context["now"])

    @extend_schema_field(OpenApiTypes.URI)
    def get_verification_url(self, award) -> str:
        return credentials.verification_url(award, self.context["tenant"])


class CertificationAwardFilterSet(UpdatedSinceFilterSet):
    partner_organization = django_filters.NumberFilter(
        field_name="partner_organization_id", help_text="Only this partner organization's people (id)."
    )
    user = django_filters.NumberFilter(field_name="user_id", help_text="Only this person's awards (user id).")
    certification = django_filters.NumberFilter(field_name="certification_id", help_text="Only this certification.")
    active = django_filters.BooleanFilter(
        method="filter_active", help_text="true: only awards that count now (valid); false: only those that do not."
    )
    state = django_filters.ChoiceFilter(
        choices=[(state, state) for state in selectors.AWARD_STATES], method="filter_state", help_text=STATE_HELP
    )

    class Meta:
        model = CertificationAward
        fields = ["partner_organization", "user", "certification", "active", "state"]

    def _valid(self) -> Q:
        now = timezone.now()
        return Q(status=AwardStatus.ACTIVE) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))

    def filter_active(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(self._valid()) if value else queryset.exclude(self._valid())

    def filter_state(self, queryset, name, value):
        return selectors.awards_in_state(queryset, value) if value else queryset


@extend_schema_view(
    list=extend_schema(summary="List certification awards (who is certified)", tags=["certifications"]),
    retrieve=extend_schema(summary="A certification award, with its ETag", tags=["certifications"]),
)
class CertificationAwardViewSet(TenantReadOnlyViewSet):
    """Who holds which certification, since when and until when. Partner-bound keys and partner admins see their
    organization's people; other partner users their own awards."""

    scope = "certifications"
    read_permission = "certifications.view"
    partner_field = "partner_organization"
    serializer_class = CertificationAwardSerializer
    filterset_class = CertificationAwardFilterSet
    ordering_fields = ["id", "awarded_at", "expires_at", "updated_at"]

    def get_base_queryset(self):
        return selectors.awards_for_api()

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return queryset
        actor = self.actor
        if actor is None or not actor.is_partner_role:
            return queryset
        if policy.can(actor, "learning.view_team"):
            return queryset
        return queryset.filter(user_id=actor.user.pk)

    def get_serializer_context(self):
        request = self.request
        tenant = getattr(getattr(request, "_request", request), "tenant", None) if request is not None else None
        return {**super().get_serializer_context(), "now": timezone.now(), "tenant": tenant}


# (prefix, viewset, basename) for prm/api/urls.py
ROUTES = [
    ("certifications", CertificationViewSet, "certification"),
    ("certification-awards", CertificationAwardViewSet, "certification-award"),
]
