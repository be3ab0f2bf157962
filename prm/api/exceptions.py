from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.defaults import page_not_found
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from prm.api.problems import PROBLEM_CONTENT_TYPE, problem, problem_response
from prm.errors import DomainError, InvalidTransition, PermissionDenied, ValidationFailed


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = gettext_lazy(
        "The resource changed since you read it (If-Match does not match its ETag). Read it again."
    )
    default_code = "precondition_failed"


class IdempotencyConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("A request with this Idempotency-Key is still being processed. Retry later.")
    default_code = "idempotency_in_flight"


class IdempotencyMismatch(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = gettext_lazy(
        "This Idempotency-Key was used with a different request. Use a new key for a new request."
    )
    default_code = "idempotency_key_reused"


def _field_errors(detail, prefix="") -> list[dict]:
    """Flatten DRF's nested error detail into [{"field": "a.b", "message": "..."}]."""
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            field = f"{prefix}.{key}" if prefix else str(key)
            out += _field_errors(value, "" if key == "non_field_errors" else field)
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return [{"field": prefix or None, "message": str(item)} for item in detail]
        out = []
        for index, item in enumerate(detail):
            out += _field_errors(item, f"{prefix}[{index}]")
        return out
    return [{"field": prefix or None, "message": str(detail)}]


def _from_domain_error(error: DomainError) -> exceptions.APIException:
    if isinstance(error, PermissionDenied):
        return exceptions.NotFound(_("Not found."))
    if isinstance(error, InvalidTransition):
        conflict = exceptions.APIException(error.message)
        conflict.status_code = status.HTTP_409_CONFLICT
        return conflict
    if isinstance(error, ValidationFailed | DomainError):
        return exceptions.ValidationError({error.field or "non_field_errors": [error.message]})
    return exceptions.APIException(error.message)


def problem_exception_handler(exc, context):
    """DRF's handler, then the body reshaped as problem+json. Domain errors map to 400/404/409."""
    if isinstance(exc, DomainError):
        exc = _from_domain_error(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        detail = "; ".join(f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors)
        body = problem(response.status_code, detail, errors=errors)
    else:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        body = problem(response.status_code, detail, kind=getattr(exc, "default_code", None))
    return Response(
        body, status=response.status_code, headers=dict(response.headers), content_type=PROBLEM_CONTENT_TYPE
    )


def handler404(request, exception=None):
    """The site's 404 handler (`handler404` in prm/urls.py): an address under /api/ that no route matches is a
    problem+json 404 like every other API error; anywhere else, Django's usual page."""
    if request.path_info.startswith("/api/"):
        return problem_response(404, _("There is no such endpoint. The API is described at /api/v1/docs/."))
    return page_not_found(request, exception)
