from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from partners import selectors, services
from partners.filters.directory import PartnerContactFilterSet, PartnerFilterSet
from partners.models import PartnerContact, PartnerOrganization
from prm.api import serializers
from prm.api.viewsets import IDEMPOTENCY_PARAMETER, ExternalIdUpsertMixin, TenantModelViewSet, etag_for
from prm.errors import ValidationFailed


class PartnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = PartnerOrganization
        fields = [
            "id",
            "name",
            "partner_type",
            "status",
            "status_reason",
            "website",
            "country",
            "region",
            "external_id",
            "tier",
            "created_at",
            "updated_at",
        ]
        # The tier is the tier program's (a cache it writes after each recalculation).
        read_only_fields = ["id", "status", "status_reason", "tier", "created_at", "updated_at"]
        # Uniqueness is the service's rule (with a field-named error), not a second check here.
        validators = []


class PartnerStatusReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=services.REASON_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why (optional); kept with the status and sent with the event.",
    )


class PartnerStatusReasonRequiredSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=services.REASON_MAX_LENGTH,
        help_text="Why: kept with the status, shown in the history and sent with the event.",
    )


# Lifecycle steps: (service, request serializer, summary, description). Each answers 409 when the partner's status
# does not allow the step.
LIFECYCLE_ACTIONS = {
    "activate": (
        services.partner_activate,
        PartnerStatusReasonSerializer,
        "Activate an onboarding partner",
        "onboarding → active; emits `partner.activated`.",
    ),
    "suspend": (
        services.partner_suspend,
        PartnerStatusReasonRequiredSerializer,
        "Suspend a partner",
        "onboarding or active → suspended, with a reason; emits `partner.suspended`. Its people keep their access.",
    ),
    "offboard": (
        services.partner_offboard,
        PartnerStatusReasonRequiredSerializer,
        "Offboard a partner",
        "onboarding, active or suspended → offboarded, with a reason; emits `partner.offboarded`. At once: its "
        "users are deactivated and signed out, its partner-bound API keys revoked and its open invitations "
        "withdrawn. Records and history are kept.",
    ),
    "reactivate": (
        services.partner_reactivate,
        PartnerStatusReasonSerializer,
        "Reactivate a suspended or offboarded partner",
        "suspended → active, offboarded → onboarding; emits `partner.reactivated`. Only the status comes back: "
        "users stay deactivated until reactivated one by one, revoked keys stay revoked.",
    ),
    "reject": (
        services.partner_reject,
        PartnerStatusReasonRequiredSerializer,
        "Reject a prospect or applicant",
        "prospect or applied → rejected, with a reason; emits `partner.rejected`.",
    ),
}


def _lifecycle_action(name):
    """A POST `/partners/{id}/<name>/` action calling the lifecycle service of that name."""
    service, request_serializer, summary, description = LIFECYCLE_ACTIONS[name]

    def step(self, request, pk=None):
        partner = self.get_object()  # first: a partner the actor may not see is a 404, whatever the body
        data = request_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        partner = service(actor=self.actor, partner=partner, reason=data.validated_data["reason"])
        return Response(PartnerSerializer(partner).data, headers={"ETag": etag_for(partner)})

    # The router maps POST to the method by its name: name it before @action reads it.
    step.__name__ = step.__qualname__ = name
    step = action(detail=True, methods=["post"], url_path=name, url_name=name)(step)
    return extend_schema(
        summary=summary,
        description=description,
        tags=["partners"],
        request=request_serializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: PartnerSerializer},
    )(step)


@extend_schema_view(
    list=extend_schema(summary="List partner organizations", tags=["partners"]),
    retrieve=extend_schema(summary="A partner organization, with its ETag", tags=["partners"]),
    create=extend_schema(summary="Create a partner, or update the one with this external_id", tags=["partners"]),
    update=extend_schema(summary="Replace a partner's editable fields", tags=["partners"]),
    partial_update=extend_schema(summary="Change some of a partner's fields", tags=["partners"]),
    destroy=extend_schema(exclude=True),
)
class PartnerViewSet(ExternalIdUpsertMixin, TenantModelViewSet):
    """Partner organizations. Partner-bound keys see only their own organization."""

    scope = "partners"
    read_permission = "partners.view"
    write_permission = "partners.manage"
    partner_field = "id"
    serializer_class = PartnerSerializer
    filterset_class = PartnerFilterSet
    ordering_fields = ["id", "name", "updated_at"]
    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    def get_base_queryset(self):
        return selectors.partner_queryset()

    def perform_create(self, serializer):
        return services.partner_create(actor=self.actor, **serializer.validated_data)

    def perform_update(self, serializer):
        return services.partner_update(actor=self.actor, partner=serializer.instance, **serializer.validated_data)

    def policy_action(self, request) -> str:
        if self.action in LIFECYCLE_ACTIONS:
            return "partners.change_status"
        return super().policy_action(request)

    activate = _lifecycle_action("activate")
    suspend = _lifecycle_action("suspend")
    offboard = _lifecycle_action("offboard")
    reactivate = _lifecycle_action("reactivate")
    reject = _lifecycle_action("reject")


# Contacts -------------------------------------------------------------------------------------------------------


class _PartnerOrganizationField(serializers.PrimaryKeyRelatedField):
    """A partner of the current tenant; a partner actor may name only its own organization."""

    def get_queryset(self):
        queryset = selectors.partner_queryset()
        actor = getattr(self.context.get("request"), "_request", None)
        membership = getattr(actor, "membership", None)
        if membership is not None and membership.is_partner_role:
            queryset = queryset.filter(pk=membership.partner_organization_id)
        return queryset


class PartnerContactSerializer(serializers.ModelSerializer):
    partner_organization = _PartnerOrganizationField(
        queryset=PartnerOrganization.unscoped.none(), help_text="The partner organization (id) the person works at."
    )

    class Meta:
        model = PartnerContact
        fields = [
            "id",
            "partner_organization",
            "name",
            "email",
            "phone",
            "job_title",
            "is_primary",
            "external_id",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        # The service checks the fields and external_id's uniqueness, with field-named errors.
        validators = []


@extend_schema_view(
    list=extend_schema(summary="List partner contacts", tags=["contacts"]),
    retrieve=extend_schema(summary="A partner contact, with its ETag", tags=["contacts"]),
    create=extend_schema(summary="Add a contact, or update the one with this external_id", tags=["contacts"]),
    update=extend_schema(summary="Replace a contact's fields", tags=["contacts"]),
    partial_update=extend_schema(summary="Change some of a contact's fields", tags=["contacts"]),
    destroy=extend_schema(summary="Remove a contact", tags=["contacts"]),
)
class PartnerContactViewSet(ExternalIdUpsertMixin, TenantModelViewSet):
    """People at partner organizations. Partner-bound keys see and change only their own organization's."""

    scope = "partners"
    read_permission = "contacts.view"
    write_permission = "contacts.manage"
    partner_field = "partner_organization"
    serializer_class = PartnerContactSerializer
    filterset_class = PartnerContactFilterSet
    ordering_fields = ["id", "name", "updated_at"]

    def get_base_queryset(self):
        return selectors.contact_list()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        partner = data.pop("partner_organization")
        return services.contact_create(actor=self.actor, partner=partner, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        partner = data.pop("partner_organization", None)
        if partner is not None and partner.pk != serializer.instance.partner_organization_id:
            message = _("A contact stays with its partner: add it to the other one.")
            raise ValidationFailed(message, field="partner_organization")
        return services.contact_update(actor=self.actor, contact=serializer.instance, **data)

    def perform_destroy(self, instance):
        services.contact_delete(actor=self.actor, contact=instance)


ROUTES = [("partners", PartnerViewSet, "partner"), ("contacts", PartnerContactViewSet, "contact")]
