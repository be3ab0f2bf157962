"""Base classes that give every endpoint the API's conventions (docs/api.md):

- `get_queryset()` is owned here: the subclass's selector, narrowed to the actor's own partner organization
  for partner-bound keys and partner users;
- read/write access is declared (`scope`, `read_permission`, `write_permission`) and checked by
  PolicyPermission;
- `updated_since` filtering, cursor pagination, ordering;
- `Idempotency-Key` on POST, ETag on reads and `If-Match` on writes (412 on a stale one);
- a body field the endpoint would drop is refused (400 naming it): serializers from prm.api.serializers check their
  input, and a DELETE or a step declared `@action(..., takes_body=False)` refuses any body;
- upsert by `external_id` for objects that come from a CRM.
"""

import hashlib
from datetime import UTC

import django_filters
from django.core.exceptions import ValidationError
from django.db import transaction
from django_filters.fields import IsoDateTimeField
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.parsers import JSONParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from prm.api import idempotency
from prm.api.exceptions import PreconditionFailed
from prm.api.schema import IDEMPOTENCY_PARAMETER, IF_MATCH_PARAMETER, ConventionsAutoSchema
from prm.api.serializers import refuse_body


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, converted to UTC. Python accepts offsets up to ±23:59, PostgreSQL only to ±15:59:
    converting first means every valid ISO value can be compared; one that leaves the calendar in UTC (year 1
    at +02:00) is an invalid value, not a server error."""

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(UTC)
        except OverflowError as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error


class SinceFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class UpdatedSinceFilterSet(django_filters.FilterSet):
    """Every list filters by `updated_since` (ISO 8601) for incremental sync."""

    updated_since = SinceFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Only rows changed at or after this time (ISO 8601, e.g. 2025-01-31T00:00:00Z).",
    )


def etag_for(obj) -> str:
    version = f"{obj._meta.label}:{obj.pk}:{obj.updated_at.isoformat()}"
    return '"' + hashlib.sha256(version.encode()).hexdigest()[:32] + '"'


class TenantViewSetMixin:
    scope: str = ""
    read_permission: str = ""
    write_permission: str = ""
    # The field that names an object's partner organization ("id" for partner organizations themselves);
    # None: the resource has no partner-owned rows and partner actors see only what the policy lets them.
    partner_field: str | None = "partner_organization"
    # Any path segment reaches the view, so a malformed id is the API's 404 problem, not the site's HTML 404 page
    # (the lookup refuses a non-integer as not found); the schema documents the id as an integer.
    lookup_value_regex = "[^/]+"
    # JSON in, JSON out: one body format to document, fingerprint (Idempotency-Key) and fuzz.
    parser_classes = [JSONParser]
    schema = ConventionsAutoSchema()
    # False for a step with no input (`@action(..., takes_body=False)`): fields sent to it are refused, not dropped.
    takes_body = True

    @property
    def actor(self):
        return self.request._request.membership

    def policy_action(self, request) -> str:
        action = self.read_permission if request.method in SAFE_METHODS else self.write_permission
        if not action:
            raise exceptions.MethodNotAllowed(request.method)
        return action

    def get_base_queryset(self):
        raise NotImplementedError(f"{type(self).__name__} must supply get_base_queryset() from a selector")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            # Schema generation has no tenant: an empty queryset of the right model is all it needs.
            return self.get_serializer_class().Meta.model.unscoped.none()
        queryset = self.get_base_queryset()
        actor = self.actor
        if actor is not None and actor.is_partner_role:
            if self.partner_field is None:
                return queryset.none()
            queryset = queryset.filter(**{self.partner_field: actor.partner_organization_id})
        return queryset

    # Idempotency-Key on POST --------------------------------------------------------------------------------
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method == "DELETE" or (request.method not in SAFE_METHODS and not self.takes_body):
            refuse_body(request.data)
        self._idempotency_key = None
        key = request.headers.get(idempotency.HEADER)
        if request.method == "POST" and key:
            replay = idempotency.claim(request, key)
            if replay is not None:
                raise _Replay(replay)
            self._idempotency_key = key

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(self, "_idempotency_key", None) and response.status_code < 500:
            idempotency.store(self._idempotency_key, response)
        return response

    # ETag / If-Match ------------------------------------------------------------------------------------------
    def check_if_match(self, obj):
        expected = self.request.headers.get("If-Match")
        if expected and expected.strip() not in ("*", etag_for(obj)):
            raise PreconditionFailed()

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        return Response(self.get_serializer(obj).data, headers={"ETag": etag_for(obj)})


class _Replay(Exception):  # noqa: N818 - control flow, not an error
    def __init__(self, response):
        self.response = response


class TenantReadOnlyViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class TenantModelViewSet(TenantViewSetMixin, viewsets.ModelViewSet):
    """CRUD with the conventions. Writes call services through `perform_create/perform_update/perform_destroy`
    that subclasses implement; updates and deletes honour If-Match."""

    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            instance = self.get_queryset().select_for_update(of=("self",)).get(pk=self.get_object().pk)
            self.check_if_match(instance)
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            instance = self.perform_update(serializer)
        return Response(self.get_serializer(instance).data, headers={"ETag": etag_for(instance)})

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        self.check_if_match(instance)
        self.perform_destroy(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ExternalIdUpsertMixin(mixins.CreateModelMixin):
    """POST with an `external_id` that already exists updates that object (200) instead of creating (201):
    a CRM can push the same record again and again."""

    upsert_by_external_id = True  # read by ConventionsAutoSchema to document the 200

    def create(self, request, *args, **kwargs):
        # Only a well-formed external_id can name an existing object; anything else is the serializer's to refuse.
        external_id = request.data.get("external_id") if isinstance(request.data, dict) else None
        external_id = external_id.strip() if isinstance(external_id, str) and "\x00" not in external_id else ""
        existing = self.get_queryset().filter(external_id=external_id).first() if external_id else None
        if existing is None:
            serializer = self.get_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            instance = self.perform_create(serializer)
            code = status.HTTP_201_CREATED
        else:
            self.check_object_permissions(request, existing)
            serializer = self.get_serializer(existing, data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            instance = self.perform_update(serializer)
            code = status.HTTP_200_OK
        return Response(self.get_serializer(instance).data, status=code, headers={"ETag": etag_for(instance)})


__all__ = [
    # ConventionsAutoSchema documents these headers on every POST and update; importable from here for views that
    # name them in @extend_schema.
    "IDEMPOTENCY_PARAMETER",
    "IF_MATCH_PARAMETER",
    "ExternalIdUpsertMixin",
    "SinceFilter",
    "TenantModelViewSet",
    "TenantReadOnlyViewSet",
    "TenantViewSetMixin",
    "UpdatedSinceFilterSet",
    "etag_for",
]
