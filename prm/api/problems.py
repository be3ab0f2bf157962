"""Errors as RFC 9457 problem details (`application/problem+json`), naming the fields at fault."""

from django.http import JsonResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "https://prm.example/problems/"

TITLES = {
    400: _("Invalid request"),
    401: _("Not authenticated"),
    403: _("Not allowed"),
    404: _("Not found"),
    405: _("Method not allowed"),
    409: _("Conflict"),
    412: _("Precondition failed"),
    415: _("Unsupported media type"),
    422: _("Unprocessable request"),
    428: _("Precondition required"),
    429: _("Too many requests"),
}


def problem(status: int, detail: str, *, errors: list[dict] | None = None, kind: str | None = None) -> dict:
    body = {
        "type": PROBLEM_BASE + (kind or TITLES.get(status, "error").lower().replace(" ", "-")),
        # The type names the problem for programs (always English); the title says it to a person.
        "title": gettext(TITLES.get(status, "Error")),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return body


def problem_response(status: int, detail: str, *, headers: dict | None = None, **kwargs) -> JsonResponse:
    response = JsonResponse(problem(status, detail, **kwargs), status=status, content_type=PROBLEM_CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response
