"""API for agreements: read-only agreements with their published versions, and the acceptance evidence a CRM
syncs. Scope `agreements`; partner-bound keys see only the agreements that apply to their organization (with its
acceptance state) and only their own acceptances."""

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions

from partners.models import Agreement, AgreementAcceptance, AgreementVersion
from partners.selectors import agreements as selectors
from partners.services.agreements import text_sha256
from prm import policy
from prm.api import serializers
from prm.api.viewsets import TenantReadOnlyViewSet, UpdatedSinceFilterSet


class AgreementVersionSerializer(serializers.ModelSerializer):
    body_sha256 = serializers.SerializerMethodField(help_text="SHA-256 (hex) of the text, as acceptances record it.")

    class Meta:
        model = AgreementVersion
        fields = ["id", "number", "body", "body_sha256", "published_at", "reaccept_by"]
        read_only_fields = fields

    def get_body_sha256(self, version) -> str:
        return text_sha256(version.body)


class AcceptanceStateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=list(selectors.STATE_LABELS),
        help_text="`accepted` (the current version), `needs_acceptance` (by `reaccept_by`) or `overdue`.",
    )
    version = serializers.IntegerField(help_text="The current version (id), the one to accept.")
    accepted_at = serializers.DateTimeField(allow_null=True, help_text="When the current version was accepted.")
    reaccept_by = serializers.DateField(allow_null=True)
    last_accepted_number = serializers.IntegerField(
        allow_null=True, help_text="The latest version the organization accepted (number), maybe an earlier one."
    )
    last_accepted_at = serializers.DateTimeField(allow_null=True)


class AgreementSerializer(serializers.ModelSerializer):
    versions = AgreementVersionSerializer(
        source="published_versions", many=True, read_only=True, help_text="Published versions, newest (current) first."
    )
    acceptance = serializers.SerializerMethodField(
        help_text="For a partner-bound key: where its organization stands with the current version. Null otherwise."
    )

    class Meta:
        model = Agreement
        fields = ["id", "name", "partner_type", "versions", "acceptance", "created_at", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(AcceptanceStateSerializer(allow_null=True))
    def get_acceptance(self, agreement):
        if not hasattr(agreement, "current_version_id"):
            return None
        current = agreement.published_versions[0] if agreement.published_versions else None
        reaccept_by = current.reaccept_by if current else None
        state = selectors.acceptance_state(accepted=agreement.own_accepted_at is not None, reaccept_by=reaccept_by)
        return AcceptanceStateSerializer(
            {
                "state": state,
                "version": agreement.current_version_id,
                "accepted_at": agreement.own_accepted_at,
                "reaccept_by": reaccept_by,
                "last_accepted_number": agreement.last_accepted_number,
                "last_accepted_at": agreement.last_accepted_at,
            }
        ).data


class AgreementFilterSet(UpdatedSinceFilterSet):
    partner_type = django_filters.CharFilter(help_text="Agreements of this partner type (empty: every partner).")

    class Meta:
        model = Agreement
        fields = ["partner_type"]


@extend_schema_view(
    list=extend_schema(summary="List program agreements with their published versions", tags=["agreements"]),
    retrieve=extend_schema(summary="A program agreement, with its ETag", tags=["agreements"]),
)
class AgreementViewSet(TenantReadOnlyViewSet):
    """Program agreements. A partner-bound key sees the published agreements that apply to its organization, each
    with the organization's acceptance state; drafts are never shown."""

    scope = "agreements"
    read_permission = "agreements.view"
    # Agreements belong to the tenant, not to a partner: get_queryset narrows them for partner actors.
    partner_field = None
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilterSet
    ordering_fields = ["id", "name", "updated_at"]

    def get_base_queryset(self):
        return selectors.agreements_for_api()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return super().get_queryset()
        actor = self.actor
        if actor is None or not actor.is_partner_role:
            return super().get_queryset()
        return selectors.agreements_for_api(partner=actor.partner_organization)

    def check_object_permissions(self, request, obj):
        # The policy ties partner actors to objects of their own organization; an agreement has none, and the
        # queryset already holds only those that apply to the actor's organization.
        if not policy.can(self.actor, self.policy_action(request)):
            raise exceptions.NotFound(_("Not found."))


class AgreementAcceptanceSerializer(serializers.ModelSerializer):
    agreement = serializers.IntegerField(source="version.agreement_id", read_only=True)
    agreement_name = serializers.CharField(source="version.agreement.name", read_only=True)
    number = serializers.IntegerField(source="version.number", read_only=True, help_text="The version's number.")
    partner_organization_name = serializers.CharField(source="partner_organization.name", read_only=True)
    user_email = serializers.EmailField(source="user.email", read_only=True, help_text="Who accepted.")
    user_name = serializers.CharField(source="user.get_full_name", read_only=True)

    class Meta:
        model = AgreementAcceptance
        fields = [
            "id",
            "agreement",
            "agreement_name",
            "version",
            "number",
            "partner_organization",
            "partner_organization_name",
            "user_email",
            "user_name",
            "accepted_at",
            "ip_address",
            "text",
            "text_sha256",
            "updated_at",
        ]
        read_only_fields = fields


class AgreementAcceptanceFilterSet(UpdatedSinceFilterSet):
    partner_organization = django_filters.NumberFilter(
        field_name="partner_organization_id", help_text="Only this partner organization's acceptances (id)."
    )
    version = django_filters.NumberFilter(field_name="version_id", help_text="Only acceptances of this version.")
    agreement = django_filters.NumberFilter(
        field_name="version__agreement_id", help_text="Only acceptances of this agreement's versions."
    )

    class Meta:
        model = AgreementAcceptance
        fields = ["partner_organization", "version", "agreement"]


@extend_schema_view(
    list=extend_schema(summary="List agreement acceptances (click-to-accept evidence)", tags=["agreements"]),
    retrieve=extend_schema(summary="An agreement acceptance, with its ETag", tags=["agreements"]),
)
class AgreementAcceptanceViewSet(TenantReadOnlyViewSet):
    """Who accepted which version for which partner, when, from which address, with the exact text and its
    SHA-256. Partner-bound keys see only their own organization's."""

    scope = "agreements"
    read_permission = "agreements.view"
    partner_field = "partner_organization"
    serializer_class = AgreementAcceptanceSerializer
    filterset_class = AgreementAcceptanceFilterSet
    ordering_fields = ["id", "accepted_at", "updated_at"]

    def get_base_queryset(self):
        return selectors.acceptances_for_api()


# (prefix, viewset, basename) for prm/api/urls.py
ROUTES = [
    ("agreements", AgreementViewSet, "agreement"),
    ("agreement-acceptances", AgreementAcceptanceViewSet, "agreement-acceptance"),
]
