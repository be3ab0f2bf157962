"""How the OpenAPI document describes our authentication, our errors and the conventions' headers.

`ConventionsAutoSchema` is the schema class of the base viewsets (prm/api/viewsets.py): every operation lists
the problem+json answers it can give (400, 401, 403, 404, 409, 412, 415, 422, 429 as they apply), the headers
of the conventions (ETag, Retry-After, Idempotent-Replayed, WWW-Authenticate), the request headers every POST
(Idempotency-Key) and every update (If-Match) takes, and the fields `ordering` accepts. So clients, the docs
page and schemathesis all know the error bodies, not only the happy path.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from prm.api import serializers
from prm.api.problems import PROBLEM_CONTENT_TYPE

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Retrying a POST with the same key returns the first response and creates nothing twice (24 h). "
    "Up to 255 printable ASCII characters; a UUID is a good choice.",
)
IF_MATCH_PARAMETER = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="The ETag you read; the write is refused with 412 if the resource changed since.",
)


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "prm.api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key created in Settings → API keys (or with `manage.py create_api_key`): "
            "`Authorization: Bearer prm_…`. Its scopes (`partners:read`, `partners:write`, …) limit what it may "
            "do; a key bound to a partner organization sees only that organization's data.",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "prm.api.authentication.TenantSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "The portal's own use: a signed-in session, the program's slug in `X-Tenant`, and the "
            "CSRF token in `X-CSRFToken` on writes.",
        }


class ProblemFieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(
        allow_null=True,
        help_text="The input at fault (`name`, `contacts[0].email`, `Idempotency-Key`); null for the whole request.",
    )
    message = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField(help_text="A URI naming the kind of problem.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="What went wrong, for a person to read.")
    errors = ProblemFieldErrorSerializer(many=True, required=False, help_text="One entry per invalid input (400).")


PROBLEMS = {
    400: "Invalid input: `errors[]` names each field at fault.",
    401: "No API key, or one that is malformed, unknown, revoked or expired.",
    403: "The API key lacks the scope this needs, the credential may not do this, or (session) CSRF failed.",
    404: "No such object for this credential — it does not exist, or belongs to another program or partner.",
    409: "A request with this Idempotency-Key is still being processed, or the object's state forbids this step.",
    412: "`If-Match` does not match the current ETag: the object changed since you read it.",
    415: "The body is not JSON (send `Content-Type: application/json`).",
    422: "This Idempotency-Key was used for a different request.",
    429: "Too many requests for this credential: wait for `Retry-After` seconds.",
}


SUCCESS = {"200": "OK.", "201": "Created.", "202": "Accepted.", "204": "Done; no body."}


def _header(description: str, type_: str = "string") -> dict:
    return {"description": description, "schema": {"type": type_}}


class ConventionsAutoSchema(AutoSchema):
    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        names = {parameter.name for parameter in parameters if isinstance(parameter, OpenApiParameter)}
        if self.method == "POST" and IDEMPOTENCY_PARAMETER.name not in names:
            parameters.append(IDEMPOTENCY_PARAMETER)
        if self.method in ("PUT", "PATCH", "DELETE") and IF_MATCH_PARAMETER.name not in names:
            parameters.append(IF_MATCH_PARAMETER)
        return parameters

    def _problem_codes(self) -> set[int]:
        codes = {401, 403, 404, 429}
        if self._is_list_view():
            codes.add(400)  # a filter or cursor that is not valid
        if self.method in ("POST", "PUT", "PATCH"):
            codes |= {400, 409, 415}
        if self.method == "POST":
            codes.add(422)
        if self.method in ("PUT", "PATCH", "DELETE"):
            codes.add(412)
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        upsert = self.method == "POST" and getattr(self.view, "upsert_by_external_id", False)
        if upsert and "201" in responses and "200" not in responses:
            responses["200"] = {**responses["201"], "description": "Updated the object with this `external_id`."}
        for code, response in responses.items():
            if not code.startswith("2"):
                continue
            if not response.get("description"):
                response["description"] = SUCCESS.get(code, "")
            headers = response.setdefault("headers", {})
            if self.method in ("PUT", "PATCH") or (self.method == "GET" and not self._is_list_view()) or upsert:
                headers["ETag"] = _header("The object's version: send it back in `If-Match` to update safely.")
            if self.method == "POST":
                headers["Idempotent-Replayed"] = _header(
                    "`true` when this is the stored response to an earlier request with the same Idempotency-Key."
                )
            if not headers:
                del response["headers"]
        for code in sorted(self._problem_codes()):
            if str(code) in responses:
                continue
            response = self._get_response_for_code(
                ProblemSerializer, str(code), media_types=[PROBLEM_CONTENT_TYPE], direction=direction
            )
            response["description"] = PROBLEMS[code]
            if code == 401:
                response["headers"] = {"WWW-Authenticate": _header('`Bearer realm="api"`')}
            if code == 429:
                response["headers"] = {"Retry-After": _header("Seconds to wait before retrying.", "integer")}
            responses[str(code)] = response
        return responses

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        fields = getattr(self.view, "ordering_fields", None)
        if operation and fields and isinstance(fields, list | tuple):
            for parameter in operation.get("parameters", []):
                if parameter.get("name") == "ordering" and parameter.get("in") == "query":
                    names = ", ".join(f"`{name}`" for name in fields)
                    parameter["description"] = (
                        f"Sort by {names}; prefix `-` for descending, separate several with commas. "
                        "Pages follow the first field (default: `-id`, newest first)."
                    )
        return operation
