"""Celery tasks of the core, and the base every tenant task uses.

Tasks are thin: they take ids (always the tenant id), enter the tenant's context and call a service or send a
message. They are enqueued with transaction.on_commit, so a rolled-back request never sends anything.
"""

import logging
import smtplib
from datetime import timedelta

from celery import Task, shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.db import OperationalError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.i18n import recipient_locale
from prm.models import Event, EventHandlerFailure, IdempotencyRecord, Invitation, Tenant, hash_token
from prm.tenancy import all_tenants, tenant_context

logger = logging.getLogger("prm.tasks")


class TenantTask(Task):
    """Runs the task body under the tenant named by the required `tenant_id` keyword argument; a deactivated tenant's
    tasks are skipped (logged as a warning, result None): its program is closed, as its pages and keys are.

    Transient database errors are retried with exponential backoff and jitter, five times at most; the bodies
    are idempotent (they check state first and rely on unique constraints), so a retry or a redelivered
    message changes nothing twice."""

    abstract = True
    autoretry_for = (OperationalError,)
    retry_backoff = True
    retry_jitter = True
    max_retries = 5

    def __call__(self, *args, **kwargs):
        tenant_id = kwargs.get("tenant_id")
        if tenant_id is None:
            raise TypeError(f"{self.name} must be called with tenant_id=")
        tenant = Tenant.objects.get(pk=tenant_id)
        if not tenant.is_active:
            logger.warning("Task %s skipped for inactive tenant %s (%s).", self.name, tenant.pk, tenant.slug)
            return None
        with tenant_context(tenant):
            return super().__call__(*args, **kwargs)


TRANSIENT_MAIL_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, TimeoutError)


@shared_task(base=TenantTask, autoretry_for=TRANSIENT_MAIL_ERRORS, retry_backoff=True, retry_jitter=True, max_retries=5)
def send_invitation_email(*, tenant_id: int, invitation_id: int, token: str | None = None) -> bool:
    """Email the invitation's link, rebuilt from the invitation (`Invitation.link_token()`): task arguments sit in
    the broker in plain text, so they carry ids only. (`token` comes only in messages queued by an older release,
    whose invitations have random tokens.)"""
    invitation = Invitation.objects.select_related("tenant", "invited_by", "partner_organization").get(pk=invitation_id)
    if not invitation.is_open():
        return False  # withdrawn or used meanwhile: nothing to send
    if not token or hash_token(token) != invitation.token_hash:
        token = invitation.link_token()
    if hash_token(token) != invitation.token_hash:
        # SECRET_KEY changed since the invitation was issued: the link would not work. Re-inviting issues a new one.
        logger.warning("Not sending invitation %s: its link no longer matches (SECRET_KEY changed?).", invitation.pk)
        return False
    link = settings.SITE_URL.rstrip("/") + reverse("invitation_accept", args=[invitation.tenant.slug, token])
    context = {"invitation": invitation, "tenant": invitation.tenant, "link": link}
    # Someone who already has an account reads it in their language; a newcomer in the program's.
    invitee = get_user_model().objects.filter(email__iexact=invitation.email).first()
    with recipient_locale(invitee, invitation.tenant):
        send_mail(
            subject=_("You are invited to %(program)s") % {"program": invitation.tenant.display_name},
            message=render_to_string("emails/invitation.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[invitation.email],
        )
    return True


@shared_task
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def relay_events(*, tenant_id: int) -> int:
    """Relay the tenant's pending events and retry its failed subscribers that are due.

    Not a TenantTask: that runs the body in one transaction, and a relay must commit event by event (a long batch
    would hold its row locks, and one error would undo the lot). prm.events.relay enters the tenant's context for
    each event and each retry."""
    from prm.events import relay

    return relay.relay_tenant(tenant=Tenant.objects.get(pk=tenant_id))


# Events older than this with no relay are left over from a crash (a relay normally runs within a second).
OUTBOX_SWEEP_AGE = timedelta(seconds=30)


@shared_task
def sweep_outbox() -> int:
    """Beat: enqueue a relay for every tenant with events a crash left unrelayed, or with failed subscribers whose
    next attempt is due."""
    from prm.events.relay import RETRYING

    now = timezone.now()
    with all_tenants():
        unrelayed = Event.unscoped.filter(relayed_at__isnull=True, occurred_at__lt=now - OUTBOX_SWEEP_AGE)
        due = EventHandlerFailure.unscoped.filter(RETRYING, next_attempt_at__lte=now)
        tenant_ids = set(unrelayed.order_by().values_list("tenant_id", flat=True).distinct())
        tenant_ids |= set(due.order_by().values_list("tenant_id", flat=True).distinct())
    for tenant_id in sorted(tenant_ids):
        relay_events.delay(tenant_id=tenant_id)
    return len(tenant_ids)


@shared_task
def prune_idempotency_records() -> int:
    """Beat: Idempotency-Key responses are kept for 24 hours."""
    with all_tenants():
        deleted, _ = IdempotencyRecord.unscoped.filter(created_at__lt=timezone.now() - timedelta(hours=24)).delete()
    return deleted
