"""Influence API (scope `deals`):

- `/api/v1/influence-claims/`: a partner (user or partner-bound key) claims influence on a deal of a customer it
  names and lists its own claims; reviewers and tenant keys list every claim and `accept` (on a registration or a CRM
  opportunity, with a share) or `decline` (with a reason) a pending one;
- `/api/v1/opportunity-influencers/`: the influencing partners of the vendor's CRM opportunities — staff read them,
  reviewers and tenant keys (the CRM) add one. Influencers of a registration are added with
  `POST /api/v1/deals/{id}/influencers/`.

Every write calls a service (dealreg.services.influence); its refusals are field-named problem+json answers."""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from dealreg import selectors, services
from dealreg.models import DealParticipant, InfluenceClaim, InfluenceClaimStatus
from prm.api import serializers
from prm.api.viewsets import IDEMPOTENCY_PARAMETER, TenantModelViewSet, UpdatedSinceFilterSet, etag_for

# Influence claims --------------------------------------------------------------------------------------------


class InfluenceClaimSerializer(serializers.ModelSerializer):
    crm_opportunity = serializers.SerializerMethodField(
        help_text="The CRM opportunity it was accepted on (external id); staff only, always null for partners."
    )

    class Meta:
        model = InfluenceClaim
        fields = [
            "id",
            "partner_organization",
            "status",
            "customer_name",
            "customer_website",
            "customer_domain",
            "customer_country",
            "activity",
            "evidence",
            "evidence_url",
            "requested_role",
            "registration",
            "crm_opportunity",
            "share",
            "decided_at",
            "decision_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_crm_opportunity(self, claim) -> str | None:
        request = self.context.get("request")
        actor = getattr(getattr(request, "_request", None), "membership", None)
        if actor is None or actor.is_partner_role or claim.crm_opportunity_id is None:
            return None
        return claim.crm_opportunity.external_id

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        actor = getattr(getattr(request, "_request", None), "membership", None)
        if actor is not None and actor.is_partner_role and instance.registration_id is not None:
            # The partner reads the registration it now takes part in; on a vendor's CRM deal it learns no id.
            data["registration"] = instance.registration_id
        return data


class InfluenceClaimCreateSerializer(serializers.Serializer):
    customer_name = serializers.CharField(max_length=255, help_text="The customer company of the deal.")
    customer_website = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default="", help_text="Website, domain or email address."
    )
    customer_country = serializers.CharField(
        max_length=2, required=False, allow_blank=True, default="", help_text="ISO 3166-1 alpha-2."
    )
    activity = serializers.CharField(max_length=5000, help_text="What the partner did to advance the deal.")
    evidence = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    evidence_url = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="", help_text="A link to the evidence (https://…)."
    )


class InfluenceClaimAcceptSerializer(serializers.Serializer):
    registration = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, help_text="The registration (id), or…"
    )
    crm_opportunity = serializers.CharField(
        required=False,
        allow_null=True,
        default=None,
        max_length=100,
        help_text="…the CRM opportunity (external id): one of the two.",
    )
    share = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="Percent of the deal (more than 0).")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class InfluenceClaimDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, help_text="Why; the partner reads it.")


class InfluenceClaimFilterSet(UpdatedSinceFilterSet):
    status = django_filters.ChoiceFilter(choices=InfluenceClaimStatus.choices)
    partner_organization = django_filters.NumberFilter(field_name="partner_organization_id")

    class Meta:
        model = InfluenceClaim
        fields = []


CLAIM_REVIEW_ACTIONS = frozenset({"accept", "decline"})


@extend_schema_view(
    list=extend_schema(summary="List influence claims (a partner: its own)", tags=["deals"]),
    retrieve=extend_schema(summary="An influence claim", tags=["deals"]),
    create=extend_schema(
        summary="Claim influence on a deal (partners)",
        description="The partner names the customer and says what it did, with evidence; a reviewer finds the deal "
        "(another partner's registration or a vendor's CRM opportunity) and accepts or declines. Emits "
        "`deal.influence_claimed`.",
        tags=["deals"],
        request=InfluenceClaimCreateSerializer,
        responses={201: InfluenceClaimSerializer},
    ),
)
class InfluenceClaimViewSet(TenantModelViewSet):
    scope = "deals"
    read_permission = "deals.view"
    write_permission = "deals.claim_influence"
    partner_field = "partner_organization"
    serializer_class = InfluenceClaimSerializer
    filterset_class = InfluenceClaimFilterSet
    ordering_fields = ["id", "created_at", "updated_at"]
    http_method_names = ["get", "post", "head", "options"]

    def get_base_queryset(self):
        return selectors.influence_claims()

    def policy_action(self, request) -> str:
        if self.action in CLAIM_REVIEW_ACTIONS:
            return "deals.review"
        if request.method in SAFE_METHODS:
            return self.read_permission
        return self.write_permission

    def create(self, request, *args, **kwargs):
        data = InfluenceClaimCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claim = services.influence_claim_create(actor=self.actor, **data.validated_data)
        claim = self.get_queryset().get(pk=claim.pk)
        return Response(
            self.get_serializer(claim).data, status=status.HTTP_201_CREATED, headers={"ETag": etag_for(claim)}
        )

    def _response(self, claim):
        claim = self.get_queryset().get(pk=claim.pk)
        return Response(self.get_serializer(claim).data, headers={"ETag": etag_for(claim)})

    @extend_schema(
        summary="Accept a pending influence claim",
        description="On a registration (id) or a CRM opportunity (external id), with a share: the partner becomes an "
        "`influenced` participant. Refused (400) when the partner is already on the deal or the influenced shares "
        "would pass 100; 409 when the claim was decided or the registration is final. Emits "
        "`deal.influence_accepted`.",
        tags=["deals"],
        request=InfluenceClaimAcceptSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: InfluenceClaimSerializer},
    )
    @action(detail=True, methods=["post"], url_path="accept", url_name="accept")
    def accept(self, request, pk=None):
        claim = self.get_object()
        data = InfluenceClaimAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._response(services.influence_claim_accept(actor=self.actor, claim=claim, **data.validated_data))

    @extend_schema(
        summary="Decline a pending influence claim",
        description="With a reason the partner reads. Emits `deal.influence_declined`.",
        tags=["deals"],
        request=InfluenceClaimDeclineSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: InfluenceClaimSerializer},
    )
    @action(detail=True, methods=["post"], url_path="decline", url_name="decline")
    def decline(self, request, pk=None):
        claim = self.get_object()
        data = InfluenceClaimDeclineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._response(
            services.influence_claim_decline(actor=self.actor, claim=claim, reason=data.validated_data["reason"])
        )


# Influencing partners of CRM opportunities ----------------------------------------------------------------------


class OpportunityInfluencerSerializer(serializers.ModelSerializer):
    crm_opportunity = serializers.SerializerMethodField(help_text="The CRM opportunity (external id).")

    class Meta:
        model = DealParticipant
        fields = ["id", "crm_opportunity", "partner_organization", "role", "share", "created_at", "updated_at"]
        read_only_fields = fields

    def get_crm_opportunity(self, participant) -> str:
        return participant.crm_opportunity.external_id


class OpportunityInfluencerCreateSerializer(serializers.Serializer):
    crm_opportunity = serializers.CharField(max_length=100, help_text="The CRM opportunity's external id.")
    partner_organization = serializers.IntegerField(min_value=1, help_text="The influencing partner (id).")
    share = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="Percent of the deal (more than 0).")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class OpportunityInfluencerFilterSet(UpdatedSinceFilterSet):
    crm_opportunity = django_filters.CharFilter(
        field_name="crm_opportunity__external_id", max_length=100, help_text="One opportunity (external id)."
    )
    partner_organization = django_filters.NumberFilter(field_name="partner_organization_id")

    class Meta:
        model = DealParticipant
        fields = []


@extend_schema_view(
    list=extend_schema(summary="List the influencing partners of CRM opportunities", tags=["deals"]),
    retrieve=extend_schema(summary="An influencing partner of a CRM opportunity", tags=["deals"]),
    create=extend_schema(
        summary="Add an influencing partner to a CRM opportunity",
        description="Staff and tenant keys (the CRM). The partner must not be on the opportunity yet; the influenced "
        "shares add up to at most 100. Emits `deal.influence_accepted`.",
        tags=["deals"],
        request=OpportunityInfluencerCreateSerializer,
        responses={201: OpportunityInfluencerSerializer},
    ),
)
class OpportunityInfluencerViewSet(TenantModelViewSet):
    scope = "deals"
    # The vendor's CRM data: staff only (a partner never learns which opportunities the CRM holds).
    read_permission = "deals.view_all"
    write_permission = "deals.review"
    partner_field = None
    serializer_class = OpportunityInfluencerSerializer
    filterset_class = OpportunityInfluencerFilterSet
    ordering_fields = ["id", "created_at", "updated_at"]
    http_method_names = ["get", "post", "head", "options"]

    def get_base_queryset(self):
        return selectors.opportunity_influencers()

    def create(self, request, *args, **kwargs):
        data = OpportunityInfluencerCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        participant = services.influence_add(actor=self.actor, **data.validated_data)
        participant = self.get_queryset().get(pk=participant.pk)
        return Response(
            self.get_serializer(participant).data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": etag_for(participant)},
        )


# (prefix, viewset, basename) for prm/api/urls.py
ROUTES = [
    ("influence-claims", InfluenceClaimViewSet, "influence-claim"),
    ("opportunity-influencers", OpportunityInfluencerViewSet, "opportunity-influencer"),
]
