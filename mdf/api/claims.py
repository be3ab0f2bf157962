"""Claims and payouts API (scope `mdf`). `/api/v1/mdf/claims/`: a partner claims against its own approved request
(multipart: the amounts, the invoice and other proof files, an optional leads CSV) and reads its own claims;
reviewers `approve` (fully, or a part with `amount`), `reject` (a reason) or `request-proof` (a note) — never the
claimant or whoever asked for the funds. `/api/v1/mdf/payouts/`: finance's (or an ERP's) list of approved claims
to pay, and `pay` with the payment's reference (paying twice pays once)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from mdf import selectors, services
from mdf.models import Claim, ProofKind
from prm.api import serializers
from prm.api.viewsets import TenantReadOnlyViewSet, UpdatedSinceFilterSet, etag_for

from .common import TAG, ReadOwnOrAll, step


class MdfProofFileSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    content_type = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    sha256 = serializers.CharField(read_only=True)


class ClaimSerializer(serializers.ModelSerializer):
    files = MdfProofFileSerializer(many=True, read_only=True)
    status = serializers.CharField(
        read_only=True, help_text="submitted, proof_requested, approved (to pay), rejected or paid."
    )
    next_step = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "fund_request",
            "fund",
            "partner_organization",
            "status",
            "actual_cost",
            "claimed_amount",
            "currency",
            "invoice_number",
            "is_final",
            "note",
            "leads_count",
            "flags",
            "files",
            "submitted_at",
            "review_due_at",
            "decided_at",
            "approved_amount",
            "approved_at",
            "decision_note",
            "rejection_reason",
            "payout_reference",
            "paid_at",
            "next_step",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_next_step(self, claim) -> str:
        return selectors.claim_next_step(claim)


class ClaimCreateSerializer(serializers.Serializer):
    fund_request = serializers.IntegerField(min_value=1, help_text="The approved fund request (id).")
    actual_cost = serializers.DecimalField(max_digits=14, decimal_places=2)
    claimed_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    invoice_number = serializers.CharField(max_length=100)
    invoice = serializers.FileField(help_text="The invoice (PDF, PNG or JPEG).")
    proof = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text="Other proof of performance (photos, attendee lists…).",
    )
    leads_csv = serializers.FileField(
        required=False, allow_null=True, default=None, help_text="Leads: email and company columns."
    )
    is_final = serializers.BooleanField(required=False, default=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class MdfClaimApproveSerializer(serializers.Serializer):
    amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        help_text="Approve part of the claim; default: all of it.",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class MdfClaimRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class MdfClaimProofRequestSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000)


class MdfPaySerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=100, help_text="The payment's reference in the ERP.")


DECISIONS = frozenset({"approve", "reject", "request_proof"})


class ClaimFilterSet(UpdatedSinceFilterSet):
    class Meta:
        model = Claim
        fields = []


@extend_schema_view(
    list=extend_schema(summary="List claims", tags=[TAG]),
    retrieve=extend_schema(summary="A claim, with its files and flags", tags=[TAG]),
)
class ClaimViewSet(ReadOwnOrAll, mixins.CreateModelMixin, TenantReadOnlyViewSet):
    scope = "mdf"
    read_permission = "mdf.view_all"
    write_permission = "mdf.request"
    serializer_class = ClaimSerializer
    filterset_class = ClaimFilterSet
    ordering_fields = ["id", "created_at", "review_due_at"]
    parser_classes = [MultiPartParser, JSONParser]

    def get_base_queryset(self):
        return Claim.objects.prefetch_related("files").order_by("-id")

    def policy_action(self, request) -> str:
        if self.action in DECISIONS:
            return "mdf.review"
        if request.method in SAFE_METHODS:
            return self.read_action()
        actor = self.actor
        return "mdf.request" if actor is not None and actor.is_partner_role else "mdf.review"

    def _response(self, claim, code=200):
        claim = self.get_queryset().get(pk=claim.pk)
        return Response(self.get_serializer(claim).data, status=code, headers={"ETag": etag_for(claim)})

    @extend_schema(
        summary="Claim funds on an approved request (multipart, with the invoice and proof)",
        tags=[TAG],
        request={"multipart/form-data": ClaimCreateSerializer},
        responses={201: ClaimSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = ClaimCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        actor = self.actor
        partner_id = actor.partner_organization_id if actor is not None and actor.is_partner_role else None
        fund_request = selectors.request_get(fund_request_id=values["fund_request"], partner_organization_id=partner_id)
        if fund_request is None:
            raise serializers.ValidationError({"fund_request": ["No fund request of yours has this id."]})
        files = [(ProofKind.INVOICE, values["invoice"])] + [(ProofKind.OTHER, f) for f in values["proof"]]
        claim = services.claim_submit(
            actor=actor,
            fund_request=fund_request,
            actual_cost=values["actual_cost"],
            claimed_amount=values["claimed_amount"],
            invoice_number=values["invoice_number"],
            files=files,
            leads_csv=values["leads_csv"],
            is_final=values["is_final"],
            note=values["note"],
        )
        return self._response(claim, code=201)

    @step(
        "approve",
        request_serializer=MdfClaimApproveSerializer,
        summary="Approve a claim, fully or in part",
        description="submitted → approved, queued for payout. Never by the claimant or whoever asked for the funds. "
        "Emits `mdf.claim.approved`.",
        response=ClaimSerializer,
    )
    def approve(self, request, pk=None):
        obj = self.get_object()
        data = MdfClaimApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._response(services.claim_approve(actor=self.actor, claim=obj, **data.validated_data))

    @step(
        "reject",
        request_serializer=MdfClaimRejectSerializer,
        summary="Reject a claim with a reason",
        description="submitted or proof_requested → rejected; the commitment stays. Emits `mdf.claim.rejected`.",
        response=ClaimSerializer,
    )
    def reject(self, request, pk=None):
        obj = self.get_object()
        data = MdfClaimRejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claim = services.claim_reject(actor=self.actor, claim=obj, reason=data.validated_data["reason"])
        return self._response(claim)

    @step(
        "request-proof",
        request_serializer=MdfClaimProofRequestSerializer,
        summary="Ask the partner for more proof",
        description="submitted → proof_requested, with a note.",
        response=ClaimSerializer,
    )
    def request_proof(self, request, pk=None):
        obj = self.get_object()
        data = MdfClaimProofRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claim = services.claim_request_proof(actor=self.actor, claim=obj, note=data.validated_data["note"])
        return self._response(claim)


class PayoutSerializer(serializers.ModelSerializer):
    payout_due_at = serializers.DateTimeField(read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    campaign_code = serializers.CharField(source="fund_request.campaign_code", read_only=True)
    status = serializers.CharField(read_only=True, help_text="approved (to pay).")

    class Meta:
        model = Claim
        fields = [
            "id",
            "fund",
            "partner_organization",
            "invoice_number",
            "campaign_code",
            "approved_amount",
            "currency",
            "approved_at",
            "payout_due_at",
            "is_overdue",
            "payout_batch",
            "status",
            "payout_reference",
            "paid_at",
        ]
        read_only_fields = fields


class PayoutFilterSet(UpdatedSinceFilterSet):
    class Meta:
        model = Claim
        fields = []


@extend_schema_view(
    list=extend_schema(summary="Approved claims waiting for payment (oldest first)", tags=[TAG]),
    retrieve=extend_schema(summary="A claim waiting for payment", tags=[TAG]),
)
class PayoutViewSet(TenantReadOnlyViewSet):
    scope = "mdf"
    read_permission = "mdf.pay"
    write_permission = "mdf.pay"
    partner_field = None
    serializer_class = PayoutSerializer
    filterset_class = PayoutFilterSet
    ordering_fields = ["id", "approved_at"]

    def get_base_queryset(self):
        return selectors.payout_queue().select_related("fund_request")

    @step(
        "pay",
        request_serializer=MdfPaySerializer,
        summary="Mark a claim paid with the payment's reference",
        description="approved → paid. Paying twice pays once. Emits `mdf.claim.paid`.",
        response=ClaimSerializer,
    )
    def pay(self, request, pk=None):
        obj = self.get_object()
        data = MdfPaySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claim = services.claim_pay(actor=self.actor, claim=obj, reference=data.validated_data["reference"])
        return Response(ClaimSerializer(selectors.claim_get(claim_id=claim.pk)).data)


ROUTES = [("mdf/claims", ClaimViewSet, "mdf-claim"), ("mdf/payouts", PayoutViewSet, "mdf-payout")]
