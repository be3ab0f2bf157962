"""Writes of notifications: reading them and choosing which arrive by email. Creating them is `notify()`."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.errors import PermissionDenied, ValidationFailed
from prm.models import Notification, NotificationPreference
from prm.notifications.kinds import KINDS


def notification_mark_read(*, user, notification: Notification) -> Notification:
    """Only the addressee marks a notification read; marking it again keeps the first time it was read."""
    if notification.user_id != user.pk:
        raise PermissionDenied(_("You do not have access to this."))
    if notification.read_at is None:
        now = timezone.now()
        # Conditional update: two tabs marking it at once both end with the first read time.
        if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now, updated_at=now):
            notification.read_at = notification.updated_at = now
        else:
            notification.refresh_from_db(fields=["read_at", "updated_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    """Mark every unread notification of the user in the current tenant read; returns how many changed."""
    now = timezone.now()
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=now, updated_at=now)


@transaction.atomic
def notification_preferences_set(*, user, email_by_kind: dict[str, bool]) -> None:
    """Save, for the current tenant, whether the user wants each kind by email (in-app is always on). Kinds not
    named are left as they were; an unknown kind is refused."""
    unknown = sorted(set(email_by_kind) - set(KINDS))
    if unknown:
        raise ValidationFailed(_("Unknown kinds of notification: %(kinds)s.") % {"kinds": ", ".join(unknown)})
    if not email_by_kind:
        return
    NotificationPreference.objects.bulk_create(
        [NotificationPreference(user=user, kind=kind, email=bool(email)) for kind, email in email_by_kind.items()],
        update_conflicts=True,
        unique_fields=["tenant", "user", "kind"],
        update_fields=["email", "updated_at"],
    )
