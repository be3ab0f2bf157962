"""How the OpenAPI document describes our authentication."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "prm.api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key created in Settings → API keys: `Authorization: Bearer prm_…`.",
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
