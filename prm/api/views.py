import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.response import Response

from prm import selectors, services
from prm.api import serializers
from prm.api.viewsets import (
    IDEMPOTENCY_PARAMETER,
    SinceFilter,
    TenantReadOnlyViewSet,
    TenantViewSetMixin,
    UpdatedSinceFilterSet,
)
from prm.models import Event, Invitation, Membership, partner_organization_model
from prm.roles import Role
from prm.tenancy import current_tenant_or_none

# Events ---------------------------------------------------------------------------------------------------------


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = ["id", "type", "subject_type", "subject_id", "payload", "actor", "occurred_at"]

    def get_actor(self, event) -> str | None:
        if event.actor_api_key_id:
            return f"api_key:{event.actor_api_key_id}"
        if event.actor_user_id:
            return f"user:{event.actor_user_id}"
        return None


class EventFilterSet(django_filters.FilterSet):
    type = django_filters.CharFilter(help_text="An event type, e.g. `partner.created`.")
    subject_type = django_filters.CharFilter(help_text="The kind of object, e.g. `partnerorganization`.")
    subject_id = django_filters.CharFilter(help_text="The object's id.")
    occurred_since = SinceFilter(field_name="occurred_at", lookup_expr="gte", help_text="ISO 8601 date-time.")
    # Events never change: updated_since means the same as occurred_since here.
    updated_since = SinceFilter(
        field_name="occurred_at", lookup_expr="gte", help_text="Same as `occurred_since` (events never change)."
    )

    class Meta:
        model = Event
        fields = ["type", "subject_type", "subject_id", "occurred_since", "updated_since"]


@extend_schema_view(
    list=extend_schema(summary="The program's domain events, newest first (for polling integrations)", tags=["events"]),
    retrieve=extend_schema(summary="One event", tags=["events"]),
)
class EventViewSet(TenantReadOnlyViewSet):
    scope = "events"
    read_permission = "events.view"
    partner_field = None
    serializer_class = EventSerializer
    filterset_class = EventFilterSet
    ordering_fields = ["id", "occurred_at"]

    def get_base_queryset(self):
        return Event.objects.all()

    def retrieve(self, request, *args, **kwargs):
        # Events are immutable: no ETag needed (and they have no meaningful updated_at).
        return Response(self.get_serializer(self.get_object()).data)


# Members ---------------------------------------------------------------------------------------------------------


class MemberSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email")
    first_name = serializers.CharField(source="user.first_name")
    last_name = serializers.CharField(source="user.last_name")

    class Meta:
        model = Membership
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "role",
            "partner_organization",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class MemberFilterSet(UpdatedSinceFilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices)
    partner_organization = django_filters.NumberFilter()
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = Membership
        fields = ["role", "partner_organization", "is_active", "updated_since"]


@extend_schema_view(
    list=extend_schema(summary="People in the program (a partner-bound key: its organization's)", tags=["members"]),
    retrieve=extend_schema(summary="One member, with its ETag", tags=["members"]),
)
class MemberViewSet(TenantReadOnlyViewSet):
    scope = "members"
    read_permission = "members.view_directory"
    serializer_class = MemberSerializer
    filterset_class = MemberFilterSet
    ordering_fields = ["id", "updated_at"]

    def get_base_queryset(self):
        return selectors.members_list()


# Invitations -----------------------------------------------------------------------------------------------------


class InvitationSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "partner_organization", "status", "created_at", "expires_at", "updated_at"]
        read_only_fields = ["id", "status", "created_at", "expires_at", "updated_at"]
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the tenant's own organizations can be named (another tenant's id is a 400, not a leak).
        PartnerOrganization = partner_organization_model()  # noqa: N806 - a model class

        scoped = current_tenant_or_none() is not None
        self.fields["partner_organization"].queryset = (
            PartnerOrganization.objects.all() if scoped else PartnerOrganization.unscoped.none()
        )


class InvitationFilterSet(UpdatedSinceFilterSet):
    email = django_filters.CharFilter(lookup_expr="iexact")
    partner_organization = django_filters.NumberFilter()

    class Meta:
        model = Invitation
        fields = ["email", "partner_organization", "updated_since"]


@extend_schema_view(
    list=extend_schema(summary="Invitations sent in the program", tags=["members"]),
    retrieve=extend_schema(summary="One invitation", tags=["members"]),
)
class InvitationViewSet(mixins.CreateModelMixin, TenantReadOnlyViewSet):
    """Invite people by email: the invitation link is emailed to them (never returned here)."""

    scope = "invitations"
    read_permission = "partner_team.invite"
    write_permission = "partner_team.invite"
    serializer_class = InvitationSerializer
    filterset_class = InvitationFilterSet
    ordering_fields = ["id", "created_at"]

    def get_base_queryset(self):
        return selectors.invitations_list(open_only=False)

    @extend_schema(summary="Invite someone", tags=["members"], parameters=[IDEMPOTENCY_PARAMETER])
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organization = serializer.validated_data.get("partner_organization")
        if self.actor.is_partner_role:
            organization = self.actor.partner_organization
        invitation, _token = services.invitation_create(
            actor=self.actor,
            email=serializer.validated_data["email"],
            role=serializer.validated_data["role"],
            partner_organization=organization,
        )
        return Response(self.get_serializer(invitation).data, status=status.HTTP_201_CREATED)


__all__ = ["EventViewSet", "InvitationViewSet", "MemberViewSet", "TenantViewSetMixin"]
