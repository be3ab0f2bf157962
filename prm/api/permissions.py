from rest_framework import exceptions, permissions

from prm import policy
from prm.api.keys import has_scope


class PolicyPermission(permissions.BasePermission):
    """One permission class for every endpoint: the API key's scopes (per resource, read or write), then the
    same policy module as the pages. Objects the actor may not see answer 404, never 403."""

    def has_permission(self, request, view):
        actor = getattr(request._request, "membership", None)
        if actor is None:
            return False
        api_key = getattr(request._request, "api_key", None)
        write = request.method not in permissions.SAFE_METHODS
        if api_key is not None and not has_scope(api_key, view.scope, write):
            access = "write" if write else "read"
            raise exceptions.PermissionDenied(f"This API key lacks the scope {view.scope}:{access}.")
        if not policy.can(actor, view.policy_action(request)):
            raise exceptions.NotFound("Not found.")
        return True

    def has_object_permission(self, request, view, obj):
        actor = request._request.membership
        if not policy.can(actor, view.policy_action(request), obj):
            raise exceptions.NotFound("Not found.")
        return True
