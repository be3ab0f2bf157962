"""The one place notifications are created: in-app rows now, email after commit unless the user opted out.

Call `notify()` from services and event subscribers, inside the tenant's transaction.
"""

from __future__ import annotations

from django.db import transaction

from prm.models import Notification, NotificationPreference
from prm.tenancy import current_tenant


def notify(*, users, kind: str, title: str, body: str = "", url: str = "") -> list[Notification]:
    """Notify each user (in the current tenant) of something; email follows for those who want it."""
    users = [user for user in users if user is not None]
    if not users:
        return []
    notifications = Notification.objects.bulk_create(
        [Notification(user=user, kind=kind, title=title, body=body, url=url) for user in users]
    )
    opted_out = set(
        NotificationPreference.objects.filter(user__in=users, kind=kind, email=False).values_list("user_id", flat=True)
    )
    to_email = [n.pk for n in notifications if n.user_id not in opted_out]
    if to_email:
        tenant_id = current_tenant().pk
        from prm.notifications.tasks import email_notifications

        transaction.on_commit(lambda: email_notifications.delay(tenant_id=tenant_id, notification_ids=to_email))
    return notifications
