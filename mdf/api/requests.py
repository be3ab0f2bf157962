"""Fund requests API: `/api/v1/mdf/fund-requests/` (scope `mdf`). A partner-bound key (or partner user) asks for
its own organization and reads only its own requests; a tenant key acts for marketing (on a partner's behalf, or
deciding). Steps: `submit`, `cancel`, and the reviewer's `approve` (optionally a lower amount), `reject` (a reason)
and `request-changes` (a note). Whoever asked for the funds — person or API key — never decides them (403)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from mdf import selectors, services
from mdf.models import FundRequest
from partners.selectors import partner_queryset
from prm.api import serializers
from prm.api.viewsets import TenantModelViewSet, UpdatedSinceFilterSet, etag_for
from prm.errors import ValidationFailed

from .common import TAG, ReadOwnOrAll, step

WRITABLE = [
    "activity_type",
    "title",
    "description",
    "start_date",
    "end_date",
    "planned_cost",
    "requested_amount",
    "expected_leads",
    "expected_pipeline",
    "campaign_code",
]


def _actor(serializer):
    request = serializer.context.get("request")
    return getattr(getattr(request, "_request", None), "membership", None)


class _FundField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return selectors.fund_list()


class _PartnerField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        queryset = partner_queryset()
        membership = _actor(self.parent) if self.parent is not None else None
        if membership is not None and membership.is_partner_role:
            queryset = queryset.filter(pk=membership.partner_organization_id)
        return queryset


class FundRequestSerializer(serializers.ModelSerializer):
    fund = _FundField(queryset=FundRequest._meta.get_field("fund").related_model.unscoped.none())
    partner_organization = _PartnerField(
        queryset=FundRequest._meta.get_field("partner_organization").related_model.unscoped.none(),
        required=False,
        help_text="The partner (id). Staff keys name it; a partner's own organization is implied.",
    )
    campaign_code = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text="Made up (MDF-XXXXXXXX) when none is given."
    )
    submit = serializers.BooleanField(
        write_only=True, required=False, default=False, help_text="Submit at once (default: save a draft)."
    )
    next_step = serializers.SerializerMethodField(help_text="What the request waits for, in words.")
    status = serializers.CharField(
        read_only=True,
        help_text="draft, submitted, changes_requested, approved, rejected, cancelled, expired or claimed.",
    )

    class Meta:
        model = FundRequest
        fields = [
            "id",
            "fund",
            "partner_organization",
            "status",
            *WRITABLE,
            "currency",
            "submit",
            "submitted_at",
            "review_due_at",
            "decided_at",
            "approved_amount",
            "approved_at",
            "decision_note",
            "rejection_reason",
            "next_step",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "currency",
            "submitted_at",
            "review_due_at",
            "decided_at",
            "approved_amount",
            "approved_at",
            "decision_note",
            "rejection_reason",
            "created_at",
            "updated_at",
        ]
        # The campaign code's uniqueness is the service's rule, with a field-named error.
        validators = []

    def get_next_step(self, fund_request) -> str:
        return selectors.request_next_step(fund_request)

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple) and "fund" in fields:
            # The fund and partner are chosen once, at creation.
            fields["fund"].read_only = True
            fields["partner_organization"].read_only = True
        return fields


class MdfRequestApproveSerializer(serializers.Serializer):
    amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        help_text="A lower amount than requested; default: what was requested.",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class MdfRequestRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class MdfRequestChangesSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000)


class MdfRequestCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class MdfRequestSubmitSerializer(serializers.Serializer):
    pass


DECISIONS = frozenset({"approve", "reject", "request_changes"})


class FundRequestFilterSet(UpdatedSinceFilterSet):
    class Meta:
        model = FundRequest
        fields = []


@extend_schema_view(
    list=extend_schema(summary="List fund requests", tags=[TAG]),
    retrieve=extend_schema(summary="A fund request, with its ETag", tags=[TAG]),
    create=extend_schema(summary="Ask for funds (a draft, or submitted with `submit: true`)", tags=[TAG]),
    partial_update=extend_schema(summary="Change a draft or a request sent back for changes", tags=[TAG]),
)
class FundRequestViewSet(ReadOwnOrAll, TenantModelViewSet):
    scope = "mdf"
    read_permission = "mdf.view_all"
    write_permission = "mdf.request"
    serializer_class = FundRequestSerializer
    filterset_class = FundRequestFilterSet
    ordering_fields = ["id", "created_at", "start_date", "review_due_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_base_queryset(self):
        return FundRequest.objects.select_related("fund").order_by("-id")

    def policy_action(self, request) -> str:
        if self.action in DECISIONS:
            return "mdf.review"
        if request.method in SAFE_METHODS:
            return self.read_action()
        actor = self.actor
        return "mdf.request" if actor is not None and actor.is_partner_role else "mdf.review"

    def _response(self, fund_request, code=200):
        fund_request = self.get_queryset().get(pk=fund_request.pk)
        return Response(self.get_serializer(fund_request).data, status=code, headers={"ETag": etag_for(fund_request)})

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        fund = data.pop("fund")
        partner = data.pop("partner_organization", None)
        submit = data.pop("submit", False)
        actor = self.actor
        partner_id = partner.pk if partner is not None else getattr(actor, "partner_organization_id", None)
        if partner_id is None:
            raise ValidationFailed(_("Name the partner (partner_organization)."), field="partner_organization")
        fund_request = services.fund_request_create(actor=actor, fund=fund, partner_organization_id=partner_id, **data)
        if submit:
            fund_request = services.fund_request_submit(actor=actor, fund_request=fund_request)
        return fund_request

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._response(self.perform_create(serializer), code=201)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        submit = data.pop("submit", False)
        fund_request = serializer.instance
        if data:
            fund_request = services.fund_request_update(actor=self.actor, fund_request=fund_request, **data)
        if submit:
            fund_request = services.fund_request_submit(actor=self.actor, fund_request=fund_request)
        return self.get_queryset().get(pk=fund_request.pk)

    @step(
        "submit",
        request_serializer=MdfRequestSubmitSerializer,
        summary="Submit a draft (or a request sent back for changes)",
        description="draft or changes_requested → submitted; the review SLA starts. Emits `mdf.request.submitted`.",
        response=FundRequestSerializer,
    )
    def submit(self, request, pk=None):
        obj = self.get_object()
        MdfRequestSubmitSerializer(data=request.data).is_valid(raise_exception=True)
        return self._response(services.fund_request_submit(actor=self.actor, fund_request=obj))

    @step(
        "cancel",
        request_serializer=MdfRequestCancelSerializer,
        summary="Cancel a request",
        description="draft, submitted, changes_requested or approved → cancelled; an approved request releases what "
        "it still commits.",
        response=FundRequestSerializer,
    )
    def cancel(self, request, pk=None):
        obj = self.get_object()
        data = MdfRequestCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fund_request = services.fund_request_cancel(
            actor=self.actor, fund_request=obj, reason=data.validated_data["reason"]
        )
        return self._response(fund_request)

    @step(
        "approve",
        request_serializer=MdfRequestApproveSerializer,
        summary="Approve a request, optionally for a lower amount",
        description="submitted → approved; the amount is committed on the partner's allocation. Never by whoever "
        "asked for the funds. Emits `mdf.request.approved`.",
        response=FundRequestSerializer,
    )
    def approve(self, request, pk=None):
        obj = self.get_object()
        data = MdfRequestApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fund_request = services.fund_request_approve(actor=self.actor, fund_request=obj, **data.validated_data)
        return self._response(fund_request)

    @step(
        "reject",
        request_serializer=MdfRequestRejectSerializer,
        summary="Reject a request with a reason",
        description="submitted → rejected. Emits `mdf.request.rejected`.",
        response=FundRequestSerializer,
    )
    def reject(self, request, pk=None):
        obj = self.get_object()
        data = MdfRequestRejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fund_request = services.fund_request_reject(
            actor=self.actor, fund_request=obj, reason=data.validated_data["reason"]
        )
        return self._response(fund_request)

    @step(
        "request-changes",
        request_serializer=MdfRequestChangesSerializer,
        summary="Send a request back for changes",
        description="submitted → changes_requested, with a note the partner reads.",
        response=FundRequestSerializer,
    )
    def request_changes(self, request, pk=None):
        obj = self.get_object()
        data = MdfRequestChangesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fund_request = services.fund_request_request_changes(
            actor=self.actor, fund_request=obj, note=data.validated_data["note"]
        )
        return self._response(fund_request)


ROUTES = [("mdf/fund-requests", FundRequestViewSet, "mdf-fund-request")]
