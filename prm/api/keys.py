"""API keys: high-entropy random strings that name their tenant, stored as a SHA-256 hash and a visible prefix.

Format: `prm_<tenant id in base 36>_<43 url-safe characters>`. The tenant part lets authentication look the key
up inside its own tenant (row-level security stays on; no cross-tenant read), and the secret part carries
256 bits of entropy. Comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prm import policy
from prm.errors import PermissionDenied, ValidationFailed
from prm.events import record_event
from prm.models import ApiKey, Tenant
from prm.roles import Role
from prm.tenancy import current_tenant

KEY_PATTERN = re.compile(r"^prm_([0-9a-z]{1,13})_([A-Za-z0-9_-]{43})$")
PREFIX_SECRET_CHARS = 8
LAST_USED_RESOLUTION = timedelta(minutes=1)
KEY_CACHE_SECONDS = 60

# Resources an API key can be granted, each as `<resource>:read` or `<resource>:write` (write implies read): the
# core's own here; each app adds its own in its `declarations.py` (collected by prm.registry at start-up, which also
# fills ALL_SCOPES).
RESOURCES: list[str] = ["members", "invitations", "events", "webhooks"]
ALL_SCOPES: list[str] = []


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def visible_prefix(raw: str) -> str:
    """`prm_<tenant>_` and the first characters of the secret: enough to recognise a key, useless to use it."""
    tenant_part, secret = KEY_PATTERN.match(raw).groups()
    return f"prm_{tenant_part}_{secret[:PREFIX_SECRET_CHARS]}"


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def has_scope(api_key: ApiKey, resource: str, write: bool) -> bool:
    scopes = set(api_key.scopes)
    return f"{resource}:write" in scopes or (not write and f"{resource}:read" in scopes)


@transaction.atomic
def api_key_create(
    *, actor, name: str, scopes: list[str], partner_organization=None, expires_at=None
) -> tuple[ApiKey, str]:
    """Tenant admins create keys. Returns the key itself once; only its hash is kept."""
    if not policy.can(actor, "api_keys.manage"):
        raise PermissionDenied(_("You may not manage API keys."))
    name = name.strip()
    if not name:
        raise ValidationFailed(_("Name the key after the integration that will use it."), field="name")
    unknown = sorted(set(scopes) - set(ALL_SCOPES))
    if unknown:
        raise ValidationFailed(_("Unknown scopes: %(scopes)s.") % {"scopes": ", ".join(unknown)}, field="scopes")
    if not scopes:
        raise ValidationFailed(_("Choose at least one scope."), field="scopes")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed(_("The expiry date must be in the future."), field="expires_at")
    if partner_organization is not None and partner_organization.tenant_id != actor.tenant_id:
        raise ValidationFailed(_("Unknown partner organization."), field="partner_organization")
    raw = f"prm_{_base36(actor.tenant_id)}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(
        name=name,
        prefix=visible_prefix(raw),
        key_hash=hash_key(raw),
        scopes=sorted(set(scopes)),
        partner_organization=partner_organization,
        created_by=getattr(actor, "user", None),
        expires_at=expires_at,
    )
    record_event(
        "api_key.created",
        subject=api_key,
        payload={"name": api_key.name, "prefix": api_key.prefix, "scopes": api_key.scopes},
        actor=actor,
    )
    return api_key, raw


@transaction.atomic
def api_key_revoke(*, actor, api_key: ApiKey) -> ApiKey:
    if not policy.can(actor, "api_keys.manage"):
        raise PermissionDenied(_("You may not manage API keys."))
    api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at", "updated_at"])
        # Now, and again after the commit: a request that read the key before the commit (still valid to it) may
        # have cached it in between, and would keep using that copy for KEY_CACHE_SECONDS.
        entry = _cache_key(api_key.key_hash)
        cache.delete(entry)
        transaction.on_commit(lambda: cache.delete(entry))
        record_event("api_key.revoked", subject=api_key, payload={"prefix": api_key.prefix}, actor=actor)
    return api_key


def tenant_of_key(raw: str) -> Tenant | None:
    """The active tenant a raw key names (its `prm_<tenant>_` part), or None for a malformed key."""
    match = KEY_PATTERN.match(raw or "")
    if not match:
        return None
    return Tenant.objects.filter(pk=int(match.group(1), 36), is_active=True).first()


def _cache_key(key_hash: str) -> str:
    return f"api-key:{key_hash}"


def find_key(raw: str) -> ApiKey | None:
    """The usable key (of the current tenant) that `raw` is, or None (unknown, revoked or expired).

    Keys are cached for a minute by their hash (only the key's holder can ask for that entry); revoking a key
    deletes its entry (again after the commit), and expiry is checked on every use."""
    key_hash = hash_key(raw)
    api_key = cache.get(_cache_key(key_hash))
    if api_key is None or api_key.tenant_id != current_tenant().pk:
        api_key = ApiKey.objects.select_related("partner_organization").filter(prefix=visible_prefix(raw)).first()
        if api_key is None or not hmac.compare_digest(api_key.key_hash, key_hash):
            return None
        cache.set(_cache_key(key_hash), api_key, KEY_CACHE_SECONDS)
    if not api_key.is_usable():
        return None
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_RESOLUTION:
        # At most one write a minute per key: "last used" needs no more precision than that. The write waits for
        # a revocation in progress; if that revoked the key, our copy is stale: refuse, and cache nothing.
        if not ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(last_used_at=now):
            cache.delete(_cache_key(key_hash))
            return None
        api_key.last_used_at = now
        cache.set(_cache_key(key_hash), api_key, KEY_CACHE_SECONDS)
    return api_key


class ApiKeyActor:
    """An API key acting through the policy module: as the tenant (a tenant admin), or — bound to a partner
    organization — as that partner's admin. Scopes narrow it further per resource."""

    is_active = True
    user = None

    def __init__(self, api_key: ApiKey):
        self.api_key = api_key
        self.tenant_id = api_key.tenant_id
        self.partner_organization_id = api_key.partner_organization_id
        self.partner_organization = api_key.partner_organization
        self.role = Role.PARTNER_ADMIN if api_key.partner_organization_id else Role.TENANT_ADMIN

    @property
    def is_partner_role(self) -> bool:
        return self.partner_organization_id is not None

    @property
    def is_staff_role(self) -> bool:
        return not self.is_partner_role

    def __str__(self):
        return f"API key {self.api_key.prefix}…"
