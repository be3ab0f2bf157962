from rest_framework.throttling import SimpleRateThrottle

from prm.http import client_ip


class CredentialRateThrottle(SimpleRateThrottle):
    """Per API key (or per signed-in user and tenant) rate limit; exceeding it answers 429 with Retry-After."""

    scope = "credential"

    def get_cache_key(self, request, view):
        api_key = getattr(request._request, "api_key", None)
        if api_key is not None:
            ident = f"key:{api_key.pk}"
        elif request.user and request.user.is_authenticated:
            tenant = getattr(request._request, "tenant", None)
            ident = f"user:{request.user.pk}:tenant:{tenant.pk if tenant else '-'}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def get_ident(self, request):
        # The address behind the reverse proxy, as everywhere else (DRF's own NUM_PROXIES is left unset).
        return client_ip(request) or request.META.get("REMOTE_ADDR", "")
