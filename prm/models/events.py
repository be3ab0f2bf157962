from django.conf import settings
from django.db import models
from django.utils import timezone

from prm.tenancy import TenantOwnedModel


class Event(TenantOwnedModel):
    """A domain event, written by the use case in its own transaction (the outbox) and relayed afterwards to
    in-code subscribers, webhooks and notifications. Also the event log integrations poll."""

    type = models.CharField(max_length=64)
    subject_type = models.CharField(max_length=64)
    subject_id = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_api_key = models.ForeignKey("prm.ApiKey", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    occurred_at = models.DateTimeField(default=timezone.now)
    relayed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "occurred_at"], name="event_tenant_occurred"),
            models.Index(fields=["tenant", "type"], name="event_tenant_type"),
            models.Index(
                fields=["tenant", "id"], name="event_outbox_pending", condition=models.Q(relayed_at__isnull=True)
            ),
        ]

    def __str__(self):
        return f"{self.type} {self.subject_type}:{self.subject_id}"
