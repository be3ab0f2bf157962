"""API for recruitment: applications from a website form or a CRM, the review queue, and the decisions."""

from django.db.models import Value
from django.db.models.functions import Coalesce
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

from partners import services
from partners.filters.recruitment import ApplicationFilterSet
from partners.models import CompanySize, PartnerApplication, RevenueBand
from partners.selectors import recruitment as selectors
from partners.services.application_decisions import REASON_MAX_LENGTH
from prm.api import serializers
from prm.api.filters import FilterBackend
from prm.api.viewsets import IDEMPOTENCY_PARAMETER, ExternalIdUpsertMixin, TenantModelViewSet, etag_for


class ExplanationSerializer(serializers.Serializer):
    criterion = serializers.CharField(help_text="The criterion's label.")
    points = serializers.IntegerField(help_text="Points it contributed.")
    of = serializers.IntegerField(help_text="Its weight: the points it can contribute.")
    matched = serializers.BooleanField()
    why = serializers.CharField(help_text="Why it matched or not, e.g. “Country DE is one of DE, AT, CH”.")


class ApplicationSerializer(serializers.ModelSerializer):
    """An application. On create, the fields an applicant fills in (and `external_id`); the rest is the
    program's: status, score and its explanation, the decision."""

    website = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="The company's website; acme.com is read as https."
    )
    contact_email = serializers.CharField(max_length=254, help_text="The applicant's work email.")
    country = serializers.CharField(max_length=2, required=False, allow_blank=True, help_text="ISO 3166-1 alpha-2.")
    regions = serializers.ListField(child=serializers.CharField(max_length=64), required=False, max_length=50)
    industries = serializers.ListField(child=serializers.CharField(max_length=64), required=False, max_length=50)
    certifications = serializers.ListField(child=serializers.CharField(max_length=100), required=False, max_length=50)
    company_size = serializers.ChoiceField(choices=CompanySize.choices, required=False, allow_blank=True)
    annual_revenue_band = serializers.ChoiceField(choices=RevenueBand.choices, required=False, allow_blank=True)
    customer_count = serializers.IntegerField(min_value=0, max_value=2_147_483_647, required=False, allow_null=True)
    ipp_explanation = ExplanationSerializer(many=True, read_only=True)

    class Meta:
        model = PartnerApplication
        fields = [
            "id",
            "status",
            "company_name",
            "legal_name",
            "website",
            "email_domain",
            "contact_first_name",
            "contact_last_name",
            "contact_email",
            "contact_phone",
            "contact_job_title",
            "partner_type",
            "country",
            "regions",
            "industries",
            "company_size",
            "annual_revenue_band",
            "customer_count",
            "certifications",
            "message",
            "ipp_score",
            "ipp_explanation",
            "source",
            "confirmed_at",
            "decided_at",
            "decided_by",
            "decision_reason",
            "auto_decided",
            "partner_organization",
            "external_id",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "email_domain",
            "ipp_score",
            "source",
            "confirmed_at",
            "decided_at",
            "decided_by",
            "decision_reason",
            "auto_decided",
            "partner_organization",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "decided_by": {"help_text": "User id of who decided; null for the automatic rule or an API key."},
            "partner_organization": {"help_text": "The partner organization an approval created (id)."},
        }
        # The service checks every rule (and the domain's uniqueness) with field-named errors.
        validators = []


class ApproveSerializer(serializers.Serializer):
    partner_name = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="The new partner's name; empty: the application's company name.",
    )
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH, required=False, allow_blank=True, default="")


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH, help_text="Why: kept for the team and sent with the event."
    )


class DomainConflict(exceptions.ValidationError):
    """A field-named refusal answered 409: the company has an open application or is a partner already."""

    status_code = status.HTTP_409_CONFLICT


class ApplicationOrdering(OrderingFilter):
    """`ordering=ipp_score` / `-ipp_score`, with applications not scored yet last either way (pages follow an
    annotation that is never null, so a cursor can point past them)."""

    SCORE = "ipp_score_or_none"

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering:
            return ordering
        return [term.replace("ipp_score", self.SCORE) for term in ordering]


@extend_schema_view(
    list=extend_schema(
        summary="List applications",
        description="Filter by `status`, `search`, `min_score`; `ordering=-ipp_score` lists the best fit first.",
        tags=["applications"],
    ),
    retrieve=extend_schema(summary="An application, with its IPP score explained", tags=["applications"]),
    create=extend_schema(
        summary="Send an application (website form or CRM), or update the one with this external_id",
        description="The integration vouches for the applicant: no email confirmation. The application is "
        "submitted at once, scored against the ideal partner profile, and the program's automatic rule applies. "
        "A malformed website or email is a 400 naming the field; a domain with an open application, or of an "
        "existing partner, a 409 naming the field.",
        tags=["applications"],
    ),
    update=extend_schema(exclude=True),
    partial_update=extend_schema(exclude=True),
    destroy=extend_schema(exclude=True),
)
class ApplicationViewSet(ExternalIdUpsertMixin, TenantModelViewSet):
    """Applications to join the program. Staff credentials only (partner-bound keys see none)."""

    scope = "applications"
    read_permission = "applications.view"
    write_permission = "applications.decide"
    partner_field = None
    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilterSet
    filter_backends = [FilterBackend, ApplicationOrdering]
    ordering_fields = ["id", "ipp_score", "created_at", "updated_at"]
    http_method_names = ["get", "post", "head", "options"]

    def get_base_queryset(self):
        # -1 never is a score: unscored applications sort below every scored one.
        return selectors.application_api_queryset().annotate(
            **{ApplicationOrdering.SCORE: Coalesce("ipp_score", Value(-1))}
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        try:
            return services.application_create(actor=self.actor, **data)
        except services.DuplicateApplication as error:
            raise DomainConflict({error.field or "non_field_errors": [error.message]}) from error

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("external_id", None)
        try:
            return services.application_update(actor=self.actor, application=serializer.instance, **data)
        except services.DuplicateApplication as error:
            raise DomainConflict({error.field or "non_field_errors": [error.message]}) from error

    @extend_schema(
        summary="Approve an application",
        description="submitted → approved: creates the partner organization (onboarding; emits `partner.approved`) "
        "and invites the applicant as its partner admin; emits `application.approved`. 409 when the application "
        "was decided already; 400 naming `partner_name` when a partner has that name.",
        tags=["applications"],
        request=ApproveSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: ApplicationSerializer},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        application = self.get_object()
        data = ApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.application_approve(actor=self.actor, application=application, **data.validated_data)
        return Response(ApplicationSerializer(application).data, headers={"ETag": etag_for(application)})

    @extend_schema(
        summary="Decline an application",
        description="submitted → declined, with a reason; emits `application.declined` and emails the applicant "
        "politely (without the reason). 409 when the application was decided already.",
        tags=["applications"],
        request=DeclineSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: ApplicationSerializer},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        application = self.get_object()
        data = DeclineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.application_decline(actor=self.actor, application=application, **data.validated_data)
        return Response(ApplicationSerializer(application).data, headers={"ETag": etag_for(application)})


# (prefix, viewset, basename) for prm/api/urls.py
ROUTES = [("applications", ApplicationViewSet, "application")]
