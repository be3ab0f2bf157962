"""DRF authentication for /api/v1/. The credentials themselves are checked once, by prm.middleware, which must
know the tenant before the view runs (it runs the view inside that tenant's transaction); these classes only
hand DRF what the middleware established."""

from rest_framework import authentication


class ApiKeyUser:
    """The `request.user` of a request authenticated by an API key: authenticated, but not a person."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    pk = None

    def __init__(self, api_key):
        self.api_key = api_key

    def __str__(self):
        return f"API key {self.api_key.prefix}…"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        api_key = getattr(request._request, "api_key", None)
        if api_key is None:
            return None
        return ApiKeyUser(api_key), api_key

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class TenantSessionAuthentication(authentication.SessionAuthentication):
    """The portal's own use of the API: the signed-in user, with CSRF enforced, in the tenant named by the
    `X-Tenant` header (resolved by the middleware)."""
