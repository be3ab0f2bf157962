from django.conf import settings
from django.db import models
from django.db.models.fields.json import KT
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.tenancy import TenantOwnedModel


def event_partner_key() -> models.Case:
    """The partner organization an event concerns, as text: its subject when that is a partner organization, else the
    payload's `partner_organization_id` (an integer or a string of digits read as the same text). The outbox index
    `event_tenant_type_partner` is built on this very expression, so a query filtering on it uses the index."""
    subject_type = settings.PRM_PARTNER_ORGANIZATION_MODEL.rsplit(".", 1)[-1].lower()
    return models.Case(
        models.When(subject_type=subject_type, then=models.F("subject_id")),
        default=KT("payload__partner_organization_id"),
        output_field=models.CharField(),
    )


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
            # What a partner did already, by kind (onboarding counts it when a plan starts).
            models.Index("tenant", "type", event_partner_key(), "occurred_at", name="event_tenant_type_partner"),
            models.Index(
                fields=["tenant", "id"], name="event_outbox_pending", condition=models.Q(relayed_at__isnull=True)
            ),
        ]

    def __str__(self):
        return f"{self.type} {self.subject_type}:{self.subject_id}"


class FailureStatus(models.TextChoices):
    RETRYING = "retrying", _("Retrying")
    DEAD_LETTERED = "dead_lettered", _("Dead-lettered")
    DISMISSED = "dismissed", _("Dismissed")
    RESOLVED = "resolved", _("Resolved")


class EventHandlerFailure(TenantOwnedModel):
    """One subscriber that raised on one event: retried with backoff until it succeeds, is set aside in the
    dead-letter list after too many attempts, or a person dismisses it. The other subscribers of the event, and
    the tenant's later events, went on without it."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="handler_failures")
    # The subscriber's stable name (module + qualified name), as prm.events registers it.
    subscriber = models.CharField(max_length=200)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=1000, blank=True)
    first_failed_at = models.DateTimeField(default=timezone.now)
    last_failed_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    dead_lettered_at = models.DateTimeField(null=True, blank=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_failed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "event", "subscriber"], name="event_handler_failure_once"),
        ]
        indexes = [
            # The retry sweep: failures still retried automatically, by due time.
            models.Index(
                fields=["tenant", "next_attempt_at"],
                name="event_handler_failure_due",
                condition=models.Q(resolved_at__isnull=True, dismissed_at__isnull=True, dead_lettered_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.subscriber} on {self.event_id}"

    @property
    def status(self) -> str:
        if self.resolved_at is not None:
            return FailureStatus.RESOLVED
        if self.dismissed_at is not None:
            return FailureStatus.DISMISSED
        if self.dead_lettered_at is not None:
            return FailureStatus.DEAD_LETTERED
        return FailureStatus.RETRYING

    def is_open(self) -> bool:
        """Still wants attention: retried automatically, or set aside for a person to retry or dismiss."""
        return self.resolved_at is None and self.dismissed_at is None
