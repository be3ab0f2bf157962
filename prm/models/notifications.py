from django.conf import settings
from django.db import models

from prm.tenancy import TenantOwnedModel


class Notification(TenantOwnedModel):
    """An in-app message to one user in one program; emailed too unless the user opted out of its kind."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "user", "read_at"], name="notification_inbox")]


class NotificationPreference(TenantOwnedModel):
    """A user's choice, per program and kind of notification, to receive it by email (in-app always)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=64)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user", "kind"], name="notification_preference_unique")
        ]
