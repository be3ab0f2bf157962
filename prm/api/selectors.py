"""Reads of API keys, scoped to the current tenant."""

from django.db.models import QuerySet

from prm.models import ApiKey


def api_key_list() -> QuerySet[ApiKey]:
    """The program's keys, newest first, with what the list shows loaded in the same query."""
    return ApiKey.objects.select_related("partner_organization", "created_by").order_by("-created_at", "-id")


def api_key_get(*, api_key_id) -> ApiKey | None:
    if not str(api_key_id or "").isdigit():
        return None
    return api_key_list().filter(pk=int(api_key_id)).first()
