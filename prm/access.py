"""Taking a partner organization's access away, in the caller's transaction: the platform's side of offboarding.

The partners app decides *that* a partner is offboarded (and who may do it); this module owns *how* access held in
prm's tables ends: memberships, partner-bound API keys (and their cache entries), open invitations and sessions.
"""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from prm.api.keys import _cache_key as api_key_cache_key
from prm.events import record_event
from prm.models import ApiKey, Invitation, Membership
from prm.tenancy import all_tenants


def partner_access_revoke(*, actor, partner_organization, reason: str) -> dict:
    """Cut the organization's access at once, inside the caller's transaction; returns what was removed.

    - every membership of the organization is deactivated (the tenant middleware then answers 404);
    - its partner-bound API keys are revoked, and their cache entries deleted now and again after the commit
      (a request that read the key just before the commit cannot keep a usable copy cached);
    - its open invitations are withdrawn;
    - the sessions of its users who have no other active membership anywhere are ended. A user who still
      belongs to another program keeps their session: that access is theirs, and this program is closed to
      them by the inactive membership anyway.

    Nothing is deleted. The caller checks permission; this runs only inside its transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("partner_access_revoke must run inside the offboarding transaction.")
    now = timezone.now()
    memberships = Membership.objects.select_for_update().filter(
        partner_organization=partner_organization, is_active=True
    )
    user_ids = list(memberships.values_list("user_id", flat=True))
    Membership.objects.filter(partner_organization=partner_organization, user_id__in=user_ids).update(
        is_active=False, updated_at=now
    )
    keys = list(
        ApiKey.objects.select_for_update()
        .filter(partner_organization=partner_organization, revoked_at__isnull=True)
        .order_by("pk")
    )
    ApiKey.objects.filter(pk__in=[k.pk for k in keys]).update(revoked_at=now, updated_at=now)
    cache_keys = [api_key_cache_key(k.key_hash) for k in keys]
    cache.delete_many(cache_keys)
    transaction.on_commit(lambda: cache.delete_many(cache_keys))
    for api_key in keys:
        payload = {"prefix": api_key.prefix, "reason": reason}
        record_event("api_key.revoked", subject=api_key, payload=payload, actor=actor)
    invitations = list(
        Invitation.objects.select_for_update()
        .filter(
            partner_organization=partner_organization,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
        )
        .order_by("pk")
    )
    Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(revoked_at=now, updated_at=now)
    for invitation in invitations:
        payload = {
            "email": invitation.email,
            "role": invitation.role,
            "partner_organization_id": partner_organization.pk,
            "reason": reason,
        }
        record_event("invitation.revoked", subject=invitation, payload=payload, actor=actor)
    return {
        "memberships_deactivated": len(user_ids),
        "api_keys_revoked": len(keys),
        "invitations_withdrawn": len(invitations),
        "sessions_ended": _end_sessions_of(_users_without_other_programs(user_ids)),
    }


def _users_without_other_programs(user_ids: list[int]) -> list[int]:
    """Of these users, those with no active membership left in any program (a cross-tenant read, by name)."""
    if not user_ids:
        return []
    with all_tenants():
        elsewhere = set(
            Membership.unscoped.filter(user_id__in=user_ids, is_active=True, tenant__is_active=True).values_list(
                "user_id", flat=True
            )
        )
    return [pk for pk in user_ids if pk not in elsewhere]


def _end_sessions_of(user_ids: list[int]) -> int:
    """Delete the live sessions of these users; returns how many. Session data is signed and encoded, so the
    owner is only known by decoding: the live sessions are read once, decoded, and deleted in one statement."""
    if not user_ids:
        return 0
    wanted = {str(pk) for pk in user_ids}
    live = Session.objects.filter(expire_date__gt=timezone.now()).only("session_key", "session_data")
    keys = [
        s.session_key for s in live.iterator(chunk_size=2000) if str(s.get_decoded().get("_auth_user_id")) in wanted
    ]
    if keys:
        Session.objects.filter(session_key__in=keys).delete()
    return len(keys)
