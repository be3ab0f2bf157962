"""Celery tasks of prm.notifications."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import OperationalError
from django.template.loader import render_to_string
from django.utils import timezone

from prm.i18n import recipient_locale
from prm.models import Notification
from prm.tasks import TRANSIENT_MAIL_ERRORS, TenantTask
from prm.tenancy import current_tenant


@shared_task(
    base=TenantTask,
    autoretry_for=(*TRANSIENT_MAIL_ERRORS, OperationalError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def email_notification(*, tenant_id: int, notification_id: int) -> bool:
    """Email one notification unless it was emailed already: a retried or redelivered task sends nothing twice.

    One notification per task, so a mail server failing half-way through never makes a retry repeat the emails
    already sent. The row is locked while sending; a duplicate task running at the same moment skips it."""
    notification = (
        Notification.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("user")
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if notification is None:
        return False  # emailed already, being emailed right now, or gone
    tenant = current_tenant()
    context = {"notification": notification, "tenant": tenant, "site_url": settings.SITE_URL.rstrip("/")}
    with recipient_locale(notification.user, tenant):
        send_mail(
            subject=f"[{tenant.display_name}] {notification.title}",
            message=render_to_string("emails/notification.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notification.user.email],
        )
    now = timezone.now()
    Notification.objects.filter(pk=notification.pk).update(emailed_at=now, updated_at=now)
    return True
