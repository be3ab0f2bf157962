from django.conf import settings
from django.db import models
from django.utils import timezone

from prm.tenancy import TenantOwnedModel


class ApiKey(TenantOwnedModel):
    """A credential for an integration. Only its SHA-256 hash and a short visible prefix are stored; the key
    itself is shown once. The key names its tenant, so it is looked up inside that tenant (no cross-tenant read).
    Bound to a partner organization, it may do only what that partner's admin could."""

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=32)
    key_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list, blank=True)
    partner_organization = models.ForeignKey(
        settings.PRM_PARTNER_ORGANIZATION_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_keys",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["tenant", "prefix"], name="api_key_prefix_unique")]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.expires_at and self.expires_at <= timezone.now():
            return "expired"
        return "active"

    def is_usable(self) -> bool:
        return self.status == "active"


class IdempotencyRecord(TenantOwnedModel):
    """The first response to a POST carrying an `Idempotency-Key`, replayed for retries for 24 hours."""

    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.TextField()
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "key"], name="idempotency_key_unique")]
