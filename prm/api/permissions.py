from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions

from prm import policy
from prm.api.keys import has_scope


class PolicyPermission(permissions.BasePermission):
    """One permission class for every endpoint: the API key's scopes (per resource, read or write), then the
    same policy module as the pages. Objects the actor may not see answer 404, never 403.

    Two refusals are 403, because they reveal nothing: a key without the scope (the message names it), and a
    write to a collection the actor can read but not change (a partner-bound key creating partners)."""

    def has_permission(self, request, view):
        actor = getattr(request._request, "membership", None)
        if actor is None:
            return False
        if getattr(view, "action", "") is None or request.method.lower() not in view.http_method_names:
            # The route does not take this method: 405, before any scope or policy question.
            raise exceptions.MethodNotAllowed(request.method)
        api_key = getattr(request._request, "api_key", None)
        write = request.method not in permissions.SAFE_METHODS
        if api_key is not None and not has_scope(api_key, view.scope, write):
            access = "write" if write else "read"
            raise exceptions.PermissionDenied(
                _("This API key lacks the scope %(scope)s:%(access)s.") % {"scope": view.scope, "access": access}
            )
        if not policy.can(actor, view.policy_action(request)):
            on_collection = (view.lookup_url_kwarg or view.lookup_field) not in view.kwargs
            readable = bool(view.read_permission) and policy.can(actor, view.read_permission)
            if write and on_collection and readable:
                raise exceptions.PermissionDenied(_("This credential may read these objects but not change them."))
            raise exceptions.NotFound(_("Not found."))
        return True

    def has_object_permission(self, request, view, obj):
        actor = request._request.membership
        if not policy.can(actor, view.policy_action(request), obj):
            raise exceptions.NotFound(_("Not found."))
        return True
