"""Celery tasks for recruitment: the applicant's emails (confirmation link, polite decline)."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from partners.models import ApplicationStatus, PartnerApplication
from prm.i18n import recipient_locale
from prm.tasks import TRANSIENT_MAIL_ERRORS, TenantTask

__all__ = ["send_application_confirmation_email", "send_application_declined_email"]


def _send(application: PartnerApplication, *, subject, template: str, **context) -> None:
    """Mail the applicant in the language they applied in (else the program's), times in the program's zone: they
    have no account to choose either. `subject` is a lazy text with a %(program)s placeholder."""
    tenant = application.tenant
    with recipient_locale(None, tenant), translation.override(application.language or translation.get_language()):
        body = render_to_string(template, {"application": application, "tenant": tenant, **context})
        send_mail(
            subject=str(subject) % {"program": tenant.display_name},
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[application.contact_email],
        )


@shared_task(
    name="partners.tasks.send_application_confirmation_email",
    base=TenantTask,
    autoretry_for=TRANSIENT_MAIL_ERRORS,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def send_application_confirmation_email(*, tenant_id: int, application_id: int, token: str) -> bool:
    """The link that confirms an application made on the public page (sent once it is stored)."""
    from partners.services.applications import confirmation_expires_at

    application = PartnerApplication.objects.select_related("tenant").filter(pk=application_id).first()
    if application is None or application.status != ApplicationStatus.PENDING_CONFIRMATION:
        return False  # replaced or confirmed meanwhile: nothing to send
    path = reverse("apply_confirm", args=[application.tenant.slug, token])
    _send(
        application,
        subject=_("Confirm your application to %(program)s"),
        template="emails/application_confirm.txt",
        link=settings.SITE_URL.rstrip("/") + path,
        expires_at=confirmation_expires_at(application),
    )
    return True


@shared_task(
    name="partners.tasks.send_application_declined_email",
    base=TenantTask,
    autoretry_for=TRANSIENT_MAIL_ERRORS,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def send_application_declined_email(*, tenant_id: int, application_id: int) -> bool:
    """A polite answer to a declined applicant; the team's reason stays with the team."""
    application = PartnerApplication.objects.select_related("tenant").filter(pk=application_id).first()
    if application is None or application.status != ApplicationStatus.DECLINED:
        return False
    _send(
        application,
        subject=_("Your application to %(program)s"),
        template="emails/application_declined.txt",
    )
    return True
