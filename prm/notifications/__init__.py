"""The one place notifications are created: in-app rows now, email after commit unless the user opted out.

Call `notify()` from services and event subscribers, inside the tenant's transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator

from prm.i18n import render_for
from prm.models import Membership, Notification, NotificationPreference
from prm.notifications.kinds import get_kind
from prm.tenancy import current_tenant


def is_local_url(url: str) -> bool:
    """A path on this site ("/t/acme/partners/7/"): no scheme, no host, nothing a browser would take elsewhere."""
    return url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=set(), require_https=False)


def notify(*, users, kind: str, title, body="", url: str = "") -> list[Notification]:
    """Notify each user of something in the current tenant; email follows, after commit, for those who want it.

    Only active members of the tenant are notified (a former member hears nothing more of it), each once however
    often they are named. `kind` must be registered in `prm.notifications.kinds`; `url` must be a path on this
    site, as the notification links there. A lazy `title` or `body` (`gettext_lazy`, `prm.i18n.lazy_format`) is
    written in each user's own language and time zone."""
    get_kind(kind)
    if url and not is_local_url(url):
        raise ValueError(f"A notification links to a path on this site, not {url!r}.")
    if len(url) > Notification._meta.get_field("url").max_length:
        raise ValueError(f"The notification's url is too long: {url!r}.")
    users_by_id = {user.pk: user for user in users if user is not None}
    if not users_by_id:
        return []
    # Who is still a member, and which of them turned this kind's email off, in one query.
    members = dict(
        Membership.objects.filter(user_id__in=users_by_id, is_active=True)
        .annotate(
            opted_out=Exists(NotificationPreference.objects.filter(user_id=OuterRef("user_id"), kind=kind, email=False))
        )
        .values_list("user_id", "opted_out")
    )
    tenant = current_tenant()
    # Titles name people and things whose names may be long: shorten rather than fail the relay.
    title_length = Notification._meta.get_field("title").max_length
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                user_id=user_id,
                kind=kind,
                title=Truncator(render_for(users_by_id[user_id], tenant, title)).chars(title_length),
                body=render_for(users_by_id[user_id], tenant, body),
                url=url,
            )
            for user_id in sorted(members)
        ]
    )
    if not notifications:
        return []
    to_email = [n.pk for n in notifications if not members[n.user_id]]
    if to_email:
        tenant_id = tenant.pk
        from prm.notifications.tasks import email_notification

        def enqueue():
            for notification_id in to_email:
                email_notification.delay(tenant_id=tenant_id, notification_id=notification_id)

        transaction.on_commit(enqueue)
    return notifications
