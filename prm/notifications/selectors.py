"""Read queries of notifications: a user's own, in the current tenant (the scoped manager adds the tenant)."""

from __future__ import annotations

from django.db.models import QuerySet

from prm.models import Notification, NotificationPreference
from prm.notifications.kinds import KINDS


def notifications_for(*, user) -> QuerySet[Notification]:
    """The user's notifications in the current tenant, newest first. Nobody reads another user's."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def notification_get(*, user, notification_id) -> Notification | None:
    """One of the user's own notifications; None for anyone else's (so the page answers 404)."""
    return notifications_for(user=user).filter(pk=notification_id).first()


def unread_count(*, user) -> int:
    """One COUNT on the (tenant, user, read_at) index: the number on the bell."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def email_preferences(*, user) -> dict[str, bool]:
    """Whether the user wants each kind by email in the current tenant; email is on until they turn it off."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "email"))
    return {key: chosen.get(key, True) for key in KINDS}
