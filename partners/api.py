import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from partners import selectors, services
from partners.models import PartnerOrganization, PartnerStatus, PartnerType
from prm.api.viewsets import ExternalIdUpsertMixin, TenantModelViewSet, UpdatedSinceFilterSet


class PartnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = PartnerOrganization
        fields = [
            "id",
            "name",
            "partner_type",
            "status",
            "website",
            "country",
            "region",
            "external_id",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "status", "created_at", "updated_at"]
        # Uniqueness is the service's rule (with a field-named error), not a second check here.
        validators = []


class PartnerFilterSet(UpdatedSinceFilterSet):
    status = django_filters.ChoiceFilter(choices=PartnerStatus.choices)
    partner_type = django_filters.ChoiceFilter(choices=PartnerType.choices)
    external_id = django_filters.CharFilter()
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = PartnerOrganization
        fields = ["status", "partner_type", "external_id", "search", "updated_since"]


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
