"""Deal registration API: `/api/v1/deals/` (scope `deals`). Read with `deals.view`; partner-bound keys and partner
users see and change only their own organization's registrations. Writes (create, update, submit, withdraw, won,
lost, extend, check-conflicts) by partners who register deals and by staff keys; decisions (start-review,
approve, reject, request-info, decide-extension, participants) by reviewers. Every step calls a service; an
illegal transition is a 409 naming the two states."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from dealreg import selectors, services
from dealreg.filters import DealFilterSet
from dealreg.models import (
    AttributionRole,
    DealExtensionRequest,
    DealRegistration,
    DealStatus,
    RejectionReason,
)
from dealreg.services import screening
from partners.selectors import partner_queryset
from prm.api import serializers
from prm.api.viewsets import IDEMPOTENCY_PARAMETER, ExternalIdUpsertMixin, TenantModelViewSet, etag_for

CONFLICT_KINDS = ["registration", "crm_account", "crm_opportunity"]


def _actor(serializer):
    request = serializer.context.get("request")
    return getattr(getattr(request, "_request", None), "membership", None)


class DealConflictSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CONFLICT_KINDS, help_text="What the customer matches.")
    id = serializers.IntegerField(
        allow_null=True,
        help_text="The matching registration, CRM account or opportunity; null for a partner (who is never told "
        "which partner or CRM record holds the customer), except its own organization's registrations.",
    )
    score = serializers.FloatField(min_value=0, max_value=1, help_text="How surely it is the same customer (0–1).")
    reason = serializers.CharField(help_text="Why, in words: “same domain”, “name 93% similar”…")


class DealConflictListSerializer(serializers.Serializer):
    conflicts = DealConflictSerializer(many=True, help_text="Best match first.")


class DealConflictCheckSerializer(serializers.Serializer):
    customer_name = serializers.CharField(max_length=255, allow_blank=True)
    customer_domain = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default="", help_text="Website, domain or email address."
    )
    customer_country = serializers.CharField(
        max_length=2, required=False, allow_blank=True, default="", help_text="ISO 3166-1 alpha-2."
    )


class DealLineItemSerializer(serializers.Serializer):
    product = serializers.IntegerField(min_value=1, help_text="A product of the catalogue (id).")
    sku = serializers.CharField(source="product.sku", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000, default=1)
    unit_price = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="Defaults to the product's list price.",
    )
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    partner_delivered_service = serializers.BooleanField(
        required=False, default=False, help_text="A service the partner delivers itself (service attach rate)."
    )

    def to_representation(self, instance):
        return {
            "product": instance.product_id,
            "sku": instance.product.sku,
            "product_name": instance.product.name,
            "quantity": instance.quantity,
            "unit_price": f"{instance.unit_price:.2f}",
            "amount": f"{instance.amount:.2f}",
            "partner_delivered_service": instance.partner_delivered_service,
        }


class DealParticipantSerializer(serializers.Serializer):
    partner_organization = serializers.IntegerField(min_value=1, help_text="A partner organization (id).")
    role = serializers.ChoiceField(choices=AttributionRole.choices)
    share = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="Percent of the deal (0–100).")


@extend_schema_field({"type": "string", "nullable": True, "maxLength": 100})
class CrmOpportunityField(serializers.Field):
    """A CRM opportunity named by its external id (staff and tenant keys only; always null for partners)."""

    def to_representation(self, value):
        return value.external_id if value is not None else None

    def to_internal_value(self, data):
        if data is None:
            return None
        if not isinstance(data, str) or len(data) > 100 or "\x00" in data:
            raise serializers.ValidationError(_("Name the CRM opportunity by its external id (text, 100 at most)."))
        return data.strip() or None


class _PartnerOrganizationField(serializers.PrimaryKeyRelatedField):
    """A partner of the current tenant; a partner actor may name only its own organization."""

    def get_queryset(self):
        queryset = partner_queryset()
        membership = _actor(self.parent) if self.parent is not None else None
        if membership is not None and membership.is_partner_role:
            queryset = queryset.filter(pk=membership.partner_organization_id)
        return queryset


WRITABLE = [
    "customer_name",
    "customer_website",
    "customer_country",
    "customer_region",
    "customer_industry",
    "customer_size",
    "contact_name",
    "contact_email",
    "contact_phone",
    "contact_title",
    "title",
    "amount",
    "currency",
    "expected_close_date",
    "stage",
    "deal_type",
    "revenue_type",
    "term_months",
    "annual_recurring_value",
    "campaign_code",
    "description",
    "external_id",
]


class DealSerializer(serializers.ModelSerializer):
    partner_organization = _PartnerOrganizationField(
        # The model for the schema; the rows come from get_queryset (the current tenant's partners).
        queryset=DealRegistration._meta.get_field("partner_organization").related_model.unscoped.none(),
        required=False,
        help_text="The registering partner (id). Staff name it; a partner's own organization is implied.",
    )
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, help_text="Greater than zero; with line items, their total."
    )
    customer_size = serializers.CharField(max_length=16, required=False, allow_blank=True)
    line_items = DealLineItemSerializer(many=True, required=False, help_text="Products of the catalogue (optional).")
    conflicts = serializers.SerializerMethodField()
    participants = serializers.SerializerMethodField()
    crm_opportunity = CrmOpportunityField(
        required=False, allow_null=True, help_text="The CRM opportunity's external id (staff only)."
    )
    registered_by = serializers.SerializerMethodField()
    term_months = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=120, help_text="The contract's term, 1 to 120 months."
    )
    annual_recurring_value = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="Annual recurring value (ARV) in the deal's currency; not negative.",
    )
    campaign_code = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        help_text="The marketing campaign (an MDF activity's code) the deal came from; stored upper case.",
    )
    shared = serializers.SerializerMethodField(
        help_text="True when a partner reads another partner's registration it takes part in (read-only for it)."
    )
    submit = serializers.BooleanField(
        write_only=True, required=False, default=False, help_text="Submit at once (default: save a draft)."
    )

    class Meta:
        model = DealRegistration
        fields = [
            "id",
            "partner_organization",
            "status",
            *WRITABLE,
            "customer_domain",
            "line_items",
            "crm_opportunity",
            "submit",
            "registered_by",
            "submitted_at",
            "review_due_at",
            "conflicts",
            "decided_at",
            "auto_approved",
            "rejection_reason",
            "decision_note",
            "assigned_to",
            "approved_at",
            "protected_until",
            "extensions_used",
            "closed_amount",
            "closed_at",
            "lost_reason",
            "participants",
            "shared",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "customer_domain",
            "submitted_at",
            "review_due_at",
            "decided_at",
            "auto_approved",
            "rejection_reason",
            "decision_note",
            "assigned_to",
            "approved_at",
            "protected_until",
            "extensions_used",
            "closed_amount",
            "closed_at",
            "lost_reason",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "customer_name": {"required": True},
            "currency": {"help_text": "ISO 4217 code, e.g. USD."},
            "expected_close_date": {"help_text": "Today or later."},
            "customer_website": {"help_text": "The customer's website, domain or an email address there."},
            "deal_type": {"help_text": "Kept for older integrations: revenue_type says the same (upsell = expansion)."},
            "revenue_type": {"help_text": "new (new business), expansion or renewal."},
        }
        # Uniqueness (external_id) is the service's rule, with a field-named error.
        validators = []

    def _viewer_organization_id(self):
        return screening.viewer_organization_id(_actor(self))

    def get_shared(self, registration) -> bool:
        viewer = self._viewer_organization_id()
        return viewer is not None and registration.partner_organization_id != viewer

    @extend_schema_field(DealConflictSerializer(many=True))
    def get_conflicts(self, registration):
        viewer = self._viewer_organization_id()
        if viewer is not None and registration.partner_organization_id != viewer:
            return []  # another partner's registration, shared: what its screening found is not this partner's
        # Staff read them as they stand now (earlier and later registrations); a partner, what its screening found.
        current = selectors.api_conflicts(registration) if viewer is None else None
        return (
            current
            if current is not None
            else screening.for_viewer(registration.conflicts or [], viewer_partner_organization_id=viewer)
        )

    @extend_schema_field(DealParticipantSerializer(many=True))
    def get_participants(self, registration):
        viewer = self._viewer_organization_id()
        return [
            {"partner_organization": p.partner_organization_id, "role": p.role, "share": f"{p.share:.2f}"}
            for p in registration.participants.all()
            if viewer is None or p.partner_organization_id == viewer
        ]

    def get_registered_by(self, registration) -> str | None:
        return (
            registration.registered_by.email if registration.registered_by_id and registration.registered_by else None
        )

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self._viewer_organization_id() is not None:
            data["crm_opportunity"] = None
        return data


class DealExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = DealExtensionRequest
        fields = ["id", "registration", "days", "reason", "status", "decided_at", "decision_note", "created_at"]
        read_only_fields = fields


# Request bodies of the workflow steps ------------------------------------------------------------------------


class DealSubmitSerializer(serializers.Serializer):
    answer = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=5000,
        help_text="When the channel manager asked a question (status info_requested): the answer, which sends the "
        "registration back for review.",
    )


class DealReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class DealEmptySerializer(serializers.Serializer):
    pass


class DealApproveSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    assign_to = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="A vendor person (user id) to co-sell with."
    )


class DealRejectSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=RejectionReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class DealRequestInfoSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=5000)


class DealWonSerializer(serializers.Serializer):
    closed_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    closed_date = serializers.DateField(required=False, allow_null=True, default=None, help_text="Default: today.")
    crm_opportunity = CrmOpportunityField(
        required=False, allow_null=True, default=None, help_text="Link the CRM opportunity (external id)."
    )


class DealLostSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)
    closed_date = serializers.DateField(required=False, allow_null=True, default=None, help_text="Default: today.")


class DealExtendSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=365)
    reason = serializers.CharField(max_length=2000)


class DealDecideExtensionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class DealParticipantsSerializer(serializers.Serializer):
    participants = DealParticipantSerializer(many=True, help_text="Every partner on the deal; shares add up to 100.")


class DealInfluencerSerializer(serializers.Serializer):
    partner_organization = serializers.IntegerField(min_value=1, help_text="The influencing partner (id).")
    share = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        help_text="Percent of the deal (more than 0); the influenced shares of a deal add up to at most 100.",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


# Decisions need the reviewer's permission; the other writes a registering partner's (or a reviewer's).
REVIEW_ACTIONS = frozenset(
    {"start_review", "approve", "reject", "request_info", "decide_extension", "participants", "influencers"}
)


def _step(name, *, request_serializer, summary, description, response=None, code=200):
    def decorate(method):
        method.__name__ = method.__qualname__ = name.replace("-", "_")
        method = action(detail=True, methods=["post"], url_path=name, url_name=name)(method)
        return extend_schema(
            summary=summary,
            description=description,
            tags=["deals"],
            request=request_serializer,
            parameters=[IDEMPOTENCY_PARAMETER],
            responses={code: response or DealSerializer},
        )(method)

    return decorate


@extend_schema_view(
    list=extend_schema(summary="List deal registrations", tags=["deals"]),
    retrieve=extend_schema(summary="A deal registration, with its ETag", tags=["deals"]),
    create=extend_schema(
        summary="Register a deal (a draft, or submitted with `submit: true`), or update the one with this external_id",
        tags=["deals"],
    ),
    update=extend_schema(summary="Replace a registration's fields (before review)", tags=["deals"]),
    partial_update=extend_schema(summary="Change some of a registration's fields (before review)", tags=["deals"]),
)
class DealViewSet(ExternalIdUpsertMixin, TenantModelViewSet):
    scope = "deals"
    read_permission = "deals.view"
    write_permission = "deals.register"
    partner_field = "partner_organization"
    serializer_class = DealSerializer
    filterset_class = DealFilterSet
    ordering_fields = ["id", "submitted_at", "updated_at", "amount", "expected_close_date", "protected_until"]
    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    def get_base_queryset(self):
        return selectors.deal_api_queryset(staff=screening.viewer_organization_id(self.actor) is None)

    def get_queryset(self):
        """As every viewset's, but a partner also reads (never changes) the other partners' registrations it takes
        part in: dealreg.selectors.visible_registrations_filter decides, for the pages and the API alike."""
        if getattr(self, "swagger_fake_view", False):
            return super().get_queryset()
        actor = self.actor
        if actor is None or not actor.is_partner_role:
            return super().get_queryset()
        queryset = self.get_base_queryset()
        if self.request.method in SAFE_METHODS:
            return queryset.filter(selectors.visible_registrations_filter(actor))
        return queryset.filter(partner_organization_id=actor.partner_organization_id)

    def check_object_permissions(self, request, obj):
        if request.method in SAFE_METHODS and selectors.is_shared_with(self.actor, obj):
            return  # read-only access to a registration the partner takes part in (the queryset decided)
        super().check_object_permissions(request, obj)

    def policy_action(self, request) -> str:
        if self.action in REVIEW_ACTIONS:
            return "deals.review"
        if request.method in SAFE_METHODS:
            return self.read_permission
        actor = self.actor
        # Staff (and tenant keys) register and close deals on a partner's behalf as reviewers.
        return "deals.register" if actor is not None and actor.is_partner_role else "deals.review"

    def _response(self, registration, code=200):
        registration = self.get_queryset().get(pk=registration.pk)
        return Response(self.get_serializer(registration).data, status=code, headers={"ETag": etag_for(registration)})

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        partner = data.pop("partner_organization", None)
        line_items = data.pop("line_items", None)
        submit = data.pop("submit", False)
        registration = services.deal_create(
            actor=self.actor, partner_organization=partner, line_items=line_items, submit=submit, **data
        )
        return selectors.deal_api_created(registration)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        line_items = data.pop("line_items", None)
        submit = data.pop("submit", False)
        registration = services.deal_update(
            actor=self.actor, registration=serializer.instance, line_items=line_items, **data
        )
        if submit and registration.status == DealStatus.DRAFT:
            registration = services.deal_submit(actor=self.actor, registration=registration)
        return self.get_queryset().get(pk=registration.pk)

    @extend_schema(
        summary="Check a customer for conflicts (dry run: changes nothing)",
        description="Other partners' active registrations and the vendor's CRM accounts and open opportunities that "
        "match the customer, best first. A partner learns only that the customer is already registered or worked "
        "by the vendor's sales team: no ids, no partner, no CRM data.",
        tags=["deals"],
        request=DealConflictCheckSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: DealConflictListSerializer},
    )
    @action(detail=False, methods=["post"], url_path="check-conflicts", url_name="check-conflicts")
    def check_conflicts(self, request):
        data = DealConflictCheckSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        conflicts = services.conflict_check(actor=self.actor, **data.validated_data)
        return Response({"conflicts": conflicts})

    @_step(
        "submit",
        request_serializer=DealSubmitSerializer,
        summary="Submit a draft, or answer the channel manager's question",
        description="draft → submitted (the rules of engagement may approve or turn it down at once); "
        "info_requested → submitted with `answer` (the review SLA resumes). Emits `deal.submitted`.",
    )
    def submit(self, request, pk=None):
        registration = self.get_object()
        data = DealSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if registration.status == DealStatus.INFO_REQUESTED:
            registration = services.deal_answer(
                actor=self.actor, registration=registration, answer=data.validated_data["answer"]
            )
        else:
            registration = services.deal_submit(actor=self.actor, registration=registration)
        return self._response(registration)

    @_step(
        "withdraw",
        request_serializer=DealReasonSerializer,
        summary="Withdraw a registration",
        description="Any open status → withdrawn (an approved one gives up its protection). Emits `deal.withdrawn`.",
    )
    def withdraw(self, request, pk=None):
        registration = self.get_object()
        data = DealReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.deal_withdraw(
            actor=self.actor, registration=registration, reason=data.validated_data["reason"]
        )
        return self._response(registration)

    @_step(
        "start-review",
        request_serializer=DealEmptySerializer,
        summary="Start reviewing a submitted registration",
        description="submitted → under_review: the partner can no longer change it.",
    )
    def start_review(self, request, pk=None):
        registration = services.deal_start_review(actor=self.actor, registration=self.get_object())
        return self._response(registration)

    @_step(
        "approve",
        request_serializer=DealApproveSerializer,
        summary="Approve a registration (optionally assigning a vendor person for co-sell)",
        description="submitted or under_review → approved, protected until today + the protection period. Emits "
        "`deal.approved`. When someone decided first: 409 naming who and when.",
    )
    def approve(self, request, pk=None):
        registration = self.get_object()
        data = DealApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.deal_approve(
            actor=self.actor,
            registration=registration,
            note=data.validated_data["note"],
            assign_to=data.validated_data["assign_to"],
        )
        return self._response(registration)

    @_step(
        "reject",
        request_serializer=DealRejectSerializer,
        summary="Reject a registration with a reason",
        description="submitted, under_review or info_requested → rejected. Emits `deal.rejected`.",
    )
    def reject(self, request, pk=None):
        registration = self.get_object()
        data = DealRejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.deal_reject(actor=self.actor, registration=registration, **data.validated_data)
        return self._response(registration)

    @_step(
        "request-info",
        request_serializer=DealRequestInfoSerializer,
        summary="Ask the partner a question",
        description="submitted or under_review → info_requested; the review SLA pauses until the partner answers "
        "(`submit` with `answer`). Emits `deal.info_requested`.",
    )
    def request_info(self, request, pk=None):
        registration = self.get_object()
        data = DealRequestInfoSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.deal_request_info(
            actor=self.actor, registration=registration, question=data.validated_data["question"]
        )
        return self._response(registration)

    @_step(
        "won",
        request_serializer=DealWonSerializer,
        summary="Mark a protected deal won",
        description="approved → won, with the closed amount and date (default today); optionally linked to the CRM "
        "opportunity by its external id. Emits `deal.won`.",
    )
    def won(self, request, pk=None):
        registration = self.get_object()
        data = DealWonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.deal_mark_won(
            actor=self.actor,
            registration=registration,
            closed_amount=data.validated_data["closed_amount"],
            closed_date=data.validated_data["closed_date"],
            crm_opportunity=data.validated_data["crm_opportunity"],
        )
        return self._response(registration)

    @_step(
        "lost",
        request_serializer=DealLostSerializer,
        summary="Mark a protected deal lost",
        description="approved → lost, with the reason and date (default today). Emits `deal.lost`.",
    )
    def lost(self, request, pk=None):
        registration = self.get_object()
        data = DealLostSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.deal_mark_lost(
            actor=self.actor,
            registration=registration,
            reason=data.validated_data["reason"],
            closed_date=data.validated_data["closed_date"],
        )
        return self._response(registration)

    @_step(
        "extend",
        request_serializer=DealExtendSerializer,
        summary="Ask for more protection",
        description="While approved and protected: at most the program's extension length and count, one request "
        "at a time. The request waits for a decision (`decide-extension`).",
        response=DealExtensionSerializer,
        code=201,
    )
    def extend(self, request, pk=None):
        registration = self.get_object()
        data = DealExtendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        extension = services.deal_request_extension(actor=self.actor, registration=registration, **data.validated_data)
        return Response(DealExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)

    @_step(
        "decide-extension",
        request_serializer=DealDecideExtensionSerializer,
        summary="Approve or decline the waiting extension request",
        description="Approving extends protection by the days asked. Emits `deal.extended`.",
    )
    def decide_extension(self, request, pk=None):
        registration = self.get_object()
        data = DealDecideExtensionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        extension = selectors.pending_extension(registration)
        if extension is None:
            from prm.errors import InvalidTransition

            raise InvalidTransition("No extension request is waiting for a decision.", field="status")
        services.deal_decide_extension(actor=self.actor, extension=extension, **data.validated_data)
        return self._response(registration)

    @_step(
        "participants",
        request_serializer=DealParticipantsSerializer,
        summary="Set the partners on a deal and their attribution shares",
        description="The whole set at once: the registering partner stays, each partner once, shares add up to 100.",
    )
    def participants(self, request, pk=None):
        registration = self.get_object()
        data = DealParticipantsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.deal_set_participants(
            actor=self.actor, registration=registration, participants=data.validated_data["participants"]
        )
        return self._response(registration)

    @_step(
        "influencers",
        request_serializer=DealInfluencerSerializer,
        summary="Add an influencing partner to a registration",
        description="Adds the partner with the role `influenced` and the share given (staff and tenant keys, the CRM "
        "among them). The partner must not be on the deal yet; the influenced shares add up to at most 100; 409 once "
        "the registration is final. Emits `deal.influence_accepted`. The partner then reads the registration.",
    )
    def influencers(self, request, pk=None):
        registration = self.get_object()
        data = DealInfluencerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.influence_add(actor=self.actor, registration=registration, **data.validated_data)
        return self._response(registration)


# (prefix, viewset, basename) for prm/api/urls.py
ROUTES = [("deals", DealViewSet, "deal")]
