"""CRM side of deal registration: accounts and opportunities pushed by the vendor's CRM.

Scope `crm`. Staff only: partner-bound keys and partner users get 404 (partners never see CRM data). Writes need a
tenant admin (policy `crm.sync`). `POST` upserts one record by `external_id` (201 created, 200 updated);
`POST …/bulk/` upserts up to 1,000 rows in one call — every row is checked first, and a bad row refuses the call
with an error naming the row and field (`rows[3].website`), writing nothing.
"""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from dealreg.models import CrmAccount, CrmOpportunity
from dealreg.services import crm
from prm.api import serializers
from prm.api.viewsets import IDEMPOTENCY_PARAMETER, TenantModelViewSet, UpdatedSinceFilterSet, etag_for

# -- Accounts ----------------------------------------------------------------------------------------------------


class CrmAccountSerializer(serializers.ModelSerializer):
    domain = serializers.CharField(read_only=True, help_text="Registrable domain of `website` (derived).")

    class Meta:
        model = CrmAccount
        fields = [
            "id",
            "external_id",
            "name",
            "website",
            "domain",
            "country",
            "owner_name",
            "owner_email",
            "is_customer",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "domain", "created_at", "updated_at"]
        extra_kwargs = {
            "external_id": {"help_text": "The account's id in the CRM: the upsert key."},
            "website": {"help_text": "A web address, a domain or an email address at the customer."},
            "country": {"help_text": "ISO 3166 two-letter code."},
            "owner_email": {"help_text": "The direct sales rep's email address."},
        }
        # The service checks the values and the external_id's uniqueness, with field-named errors.
        validators = []


class CrmAccountRowSerializer(serializers.Serializer):
    """One row of a bulk sync; fields left out keep their stored value (or the default for a new account)."""

    external_id = serializers.CharField(max_length=100, help_text="The account's id in the CRM: the upsert key.")
    name = serializers.CharField(max_length=255, required=False, help_text="Required for a new account.")
    website = serializers.CharField(max_length=255, required=False, allow_blank=True)
    country = serializers.CharField(max_length=2, required=False, allow_blank=True)
    owner_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    owner_email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    is_customer = serializers.BooleanField(required=False)


class CrmAccountBulkSerializer(serializers.Serializer):
    rows = CrmAccountRowSerializer(
        many=True, allow_empty=False, max_length=crm.MAX_SYNC_ROWS, help_text="1 to 1,000 accounts."
    )


class CrmSyncRowResultSerializer(serializers.Serializer):
    external_id = serializers.CharField()
    id = serializers.IntegerField()
    created = serializers.BooleanField(help_text="True when this call created the record.")


class CrmSyncResultSerializer(serializers.Serializer):
    rows = serializers.IntegerField(help_text="Rows received.")
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField(help_text="Rows identical to what was stored (not rewritten).")
    results = CrmSyncRowResultSerializer(many=True, help_text="One entry per row, in the order sent.")


def _rows_named(errors: dict) -> dict:
    """DRF keys a list's errors by row index ({"rows": {3: {...}}}); the API names them `rows[3].field`, as the
    services do."""
    rows = errors.get("rows")
    if not isinstance(rows, dict):
        return errors
    named = {key: value for key, value in errors.items() if key != "rows"}
    for key, value in rows.items():
        named["rows" if key == "non_field_errors" else f"rows[{key}]"] = value
    return named


def _sync_response(rows, result) -> Response:
    results = [
        {"external_id": row["external_id"].strip(), "id": pk, "created": created}
        for row, pk, created in zip(rows, result.ids, result.created, strict=True)
    ]
    return Response({**result.counts(), "results": results}, status=status.HTTP_200_OK)


class CrmAccountFilterSet(UpdatedSinceFilterSet):
    external_id = django_filters.CharFilter()
    domain = django_filters.CharFilter(help_text="Registrable domain, such as acme.com.")
    is_customer = django_filters.BooleanFilter()

    class Meta:
        model = CrmAccount
        fields = ["external_id", "domain", "is_customer"]


class _CrmViewSet(TenantModelViewSet):
    scope = "crm"
    # Staff read CRM data (the decision screen shows it beside a registration); partner roles never do.
    read_permission = "deals.view_all"
    write_permission = "crm.sync"
    partner_field = None
    upsert_by_external_id = True  # POST answers 200 when it updated (documented by the schema)
    ordering_fields = ["id", "name", "updated_at"]
    http_method_names = ["get", "post", "patch", "put", "head", "options"]
    sync_service = None
    row_serializer_class = None
    bulk_serializer_class = None

    def create(self, request, *args, **kwargs):
        # Upsert: every field but external_id may be left out when the record exists (the service says which are
        # required for a new one).
        serializer = self.row_serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = type(self).sync_service(actor=self.actor, rows=[dict(serializer.validated_data)], rows_field=None)
        instance = self.get_queryset().get(pk=result.ids[0])
        code = status.HTTP_201_CREATED if result.created[0] else status.HTTP_200_OK
        return Response(self.get_serializer(instance).data, status=code, headers={"ETag": etag_for(instance)})

    def bulk(self, request):
        serializer = self.bulk_serializer_class(data=request.data)
        if not serializer.is_valid():
            raise exceptions.ValidationError(_rows_named(serializer.errors))
        rows = [dict(row) for row in serializer.validated_data["rows"]]
        return _sync_response(rows, type(self).sync_service(actor=self.actor, rows=rows))


def _bulk_action(noun: str, bulk_serializer):
    def bulk(self, request):
        return _CrmViewSet.bulk(self, request)

    bulk = action(detail=False, methods=["post"], url_path="bulk", url_name="bulk")(bulk)
    return extend_schema(
        summary=f"Upsert up to 1,000 CRM {noun} by external_id",
        description=(
            f"Each row creates a CRM {noun[:-1] if noun.endswith('s') else noun}, or updates the one with its "
            "`external_id`; fields left out keep their stored value. Every row is checked first: one bad row "
            "answers 400 naming it (`rows[3].website`) and nothing is written. More than 1,000 rows: 400. Rows "
            "identical to what is stored are left as they are (`unchanged`). Emits one event per call."
        ),
        tags=["crm"],
        request=bulk_serializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: CrmSyncResultSerializer},
    )(bulk)


@extend_schema_view(
    list=extend_schema(summary="List CRM accounts", tags=["crm"]),
    retrieve=extend_schema(summary="A CRM account, with its ETag", tags=["crm"]),
    create=extend_schema(
        summary="Create a CRM account, or update the one with this external_id",
        tags=["crm"],
        request=CrmAccountRowSerializer,
        responses={201: CrmAccountSerializer},
    ),
    update=extend_schema(summary="Replace a CRM account's fields", tags=["crm"]),
    partial_update=extend_schema(summary="Change some of a CRM account's fields", tags=["crm"]),
)
class CrmAccountViewSet(_CrmViewSet):
    """Customer accounts of the vendor's CRM: new registrations of the same customer are direct-sales conflicts."""

    serializer_class = CrmAccountSerializer
    filterset_class = CrmAccountFilterSet
    row_serializer_class = CrmAccountRowSerializer
    bulk_serializer_class = CrmAccountBulkSerializer
    sync_service = crm.crm_accounts_sync

    def get_base_queryset(self):
        return crm.crm_account_queryset()

    def perform_update(self, serializer):
        fields = (
            serializer.validated_data if serializer.partial else {**crm.ACCOUNT_DEFAULTS, **serializer.validated_data}
        )
        return crm.crm_account_update(actor=self.actor, account=serializer.instance, **fields)

    bulk = _bulk_action("accounts", CrmAccountBulkSerializer)


# -- Opportunities -----------------------------------------------------------------------------------------------


class CrmOpportunitySerializer(serializers.ModelSerializer):
    account = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The CRM account (id), if any."
    )
    account_external_id = serializers.CharField(
        source="account.external_id",
        required=False,
        allow_blank=True,
        max_length=100,
        default="",
        help_text="The account's external_id; it must exist.",
    )
    domain = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=255,
        help_text="The customer's website, domain or email address; stored as the registrable domain. Defaults "
        "to the account's.",
    )

    class Meta:
        model = CrmOpportunity
        fields = [
            "id",
            "external_id",
            "account",
            "account_external_id",
            "name",
            "customer_name",
            "domain",
            "country",
            "amount",
            "currency",
            "stage",
            "is_closed",
            "is_won",
            "close_date",
            "owner_name",
            "owner_email",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "account", "created_at", "updated_at"]
        extra_kwargs = {
            "external_id": {"help_text": "The opportunity's id in the CRM: the upsert key."},
            "customer_name": {"required": False, "help_text": "Defaults to the account's name."},
            "country": {"help_text": "ISO 3166 two-letter code; defaults to the account's."},
            "is_closed": {"help_text": "Closed opportunities are no conflict. A won one is closed."},
        }
        validators = []

    def validate(self, attrs):
        # `account.external_id` arrives nested; the service takes it flat.
        account = attrs.pop("account", None)
        if account is not None:
            attrs["account_external_id"] = account.get("external_id", "")
        return attrs


class CrmOpportunityRowSerializer(serializers.Serializer):
    """One row of a bulk sync; fields left out keep their stored value (or the default for a new opportunity)."""

    external_id = serializers.CharField(max_length=100, help_text="The opportunity's id in the CRM: the upsert key.")
    account_external_id = serializers.CharField(max_length=100, required=False, allow_blank=True)
    name = serializers.CharField(max_length=255, required=False, help_text="Required for a new opportunity.")
    customer_name = serializers.CharField(
        max_length=255, required=False, allow_blank=True, help_text="Defaults to the account's name."
    )
    domain = serializers.CharField(max_length=255, required=False, allow_blank=True)
    website = serializers.CharField(
        max_length=255, required=False, allow_blank=True, write_only=True, help_text="Another name for `domain`."
    )
    country = serializers.CharField(max_length=2, required=False, allow_blank=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    currency = serializers.CharField(max_length=3, required=False, allow_blank=True)
    stage = serializers.CharField(max_length=64, required=False, allow_blank=True)
    is_closed = serializers.BooleanField(required=False)
    is_won = serializers.BooleanField(required=False)
    close_date = serializers.DateField(required=False, allow_null=True)
    owner_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    owner_email = serializers.CharField(max_length=254, required=False, allow_blank=True)


class CrmOpportunityBulkSerializer(serializers.Serializer):
    rows = CrmOpportunityRowSerializer(
        many=True, allow_empty=False, max_length=crm.MAX_SYNC_ROWS, help_text="1 to 1,000 opportunities."
    )


class CrmOpportunityFilterSet(UpdatedSinceFilterSet):
    external_id = django_filters.CharFilter()
    account = django_filters.NumberFilter(field_name="account_id", help_text="Only this CRM account's (id).")
    domain = django_filters.CharFilter(help_text="Registrable domain, such as acme.com.")
    is_closed = django_filters.BooleanFilter()

    class Meta:
        model = CrmOpportunity
        fields = ["external_id", "account", "domain", "is_closed"]


@extend_schema_view(
    list=extend_schema(summary="List CRM opportunities", tags=["crm"]),
    retrieve=extend_schema(summary="A CRM opportunity, with its ETag", tags=["crm"]),
    create=extend_schema(
        summary="Create a CRM opportunity, or update the one with this external_id",
        tags=["crm"],
        request=CrmOpportunityRowSerializer,
        responses={201: CrmOpportunitySerializer},
    ),
    update=extend_schema(summary="Replace a CRM opportunity's fields", tags=["crm"]),
    partial_update=extend_schema(summary="Change some of a CRM opportunity's fields", tags=["crm"]),
)
class CrmOpportunityViewSet(_CrmViewSet):
    """Opportunities of the vendor's CRM: open ones make new registrations of the same customer direct-sales
    conflicts."""

    serializer_class = CrmOpportunitySerializer
    filterset_class = CrmOpportunityFilterSet
    row_serializer_class = CrmOpportunityRowSerializer
    bulk_serializer_class = CrmOpportunityBulkSerializer
    sync_service = crm.crm_opportunities_sync

    def get_base_queryset(self):
        return crm.crm_opportunity_queryset()

    def perform_update(self, serializer):
        fields = serializer.validated_data
        if not serializer.partial:  # PUT replaces: what it leaves out goes back to the default
            fields = {**crm.OPPORTUNITY_DEFAULTS, **fields}
        return crm.crm_opportunity_update(actor=self.actor, opportunity=serializer.instance, **fields)

    bulk = _bulk_action("opportunities", CrmOpportunityBulkSerializer)


# (prefix, viewset, basename) for prm/api/urls.py
ROUTES = [
    ("crm/accounts", CrmAccountViewSet, "crm-account"),
    ("crm/opportunities", CrmOpportunityViewSet, "crm-opportunity"),
]
