"""Celery tasks of prm.notifications."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from prm.models import Notification, Tenant
from prm.tasks import TRANSIENT_MAIL_ERRORS, TenantTask


@shared_task(base=TenantTask, autoretry_for=TRANSIENT_MAIL_ERRORS, retry_backoff=True, retry_jitter=True, max_retries=5)
def email_notifications(*, tenant_id: int, notification_ids: list[int]) -> int:
    """Email notifications not emailed yet (a retried task sends nothing twice)."""
    sent = 0
    tenant = Tenant.objects.get(pk=tenant_id)
    pending = Notification.objects.select_related("user").filter(pk__in=notification_ids, emailed_at__isnull=True)
    for notification in pending:
        context = {"notification": notification, "tenant": tenant, "site_url": settings.SITE_URL.rstrip("/")}
        send_mail(
            subject=f"[{tenant.display_name}] {notification.title}",
            message=render_to_string("emails/notification.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notification.user.email],
        )
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent
