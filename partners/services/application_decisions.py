"""Decisions on submitted applications: a channel manager approves one (the partner organization is created, approved
into onboarding, and its admin invited) or declines it (a polite email); the program's automatic rule
(partners.services.applications) decides through the same steps, as the program."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from partners.models import ApplicationStatus, PartnerApplication, PartnerOrganization, PartnerStatus
from partners.selectors.program_settings import program_language
from partners.services.lifecycle import partner_approve
from partners.services.organization import partner_payload
from prm import policy
from prm.cleaning import clean_text
from prm.errors import InvalidTransition, ValidationFailed
from prm.events import record_event
from prm.models import Membership
from prm.policy import Actor
from prm.roles import Role

REASON_MAX_LENGTH = PartnerApplication._meta.get_field("decision_reason").max_length


def application_payload(application: PartnerApplication, **extra) -> dict:
    """The payload of the application events."""
    return {
        "application_id": application.pk,
        "company": application.company_name,
        "domain": application.email_domain,
        "score": application.ipp_score,
        "status": application.status,
        "source": application.source,
        **extra,
    }


def _locked_undecided(application: PartnerApplication) -> PartnerApplication:
    """The application, locked: two people deciding at once are served one after the other, and the second
    learns what the first decided."""
    # No join here: after waiting for the lock, PostgreSQL hands back the row as the other decision left it, but
    # a joined row (who decided) as it was before. `decided_by` is read afterwards, from the fresh row.
    application = PartnerApplication.objects.select_for_update().get(pk=application.pk)
    if application.status == ApplicationStatus.SUBMITTED:
        return application
    if application.status == ApplicationStatus.PENDING_CONFIRMATION:
        raise InvalidTransition(_("This application waits for its email confirmation: it cannot be decided yet."))
    params = {
        "company": application.company_name,
        "status": str(application.get_status_display()).lower(),
        "person": str(application.decided_by) if application.decided_by_id else "",
        "when": formats.date_format(timezone.localtime(application.decided_at), "DATETIME_FORMAT")
        if application.decided_at
        else "",
    }
    if application.auto_decided:
        message = _("%(company)s was %(status)s automatically at %(when)s: nothing was changed.")
    elif application.decided_by_id:
        message = _("%(company)s was %(status)s by %(person)s at %(when)s: nothing was changed.")
    else:
        message = _("%(company)s was %(status)s through the API at %(when)s: nothing was changed.")
    raise InvalidTransition(message % params, field="status")


def _decider(actor: Actor):
    user = getattr(actor, "user", None)
    return user if getattr(user, "pk", None) else None


@transaction.atomic
def application_approve(*, actor: Actor, application: PartnerApplication, partner_name: str = "", reason: str = ""):
    """Tenant admins and channel managers approve a submitted application: the partner organization is created
    from it (owned by the approving channel manager), approved into onboarding (`partner.approved`, which starts
    the onboarding plan), and the applicant invited as its partner admin. Refused when another partner has the
    name (approve under another `partner_name`) or when the application was decided already."""
    policy.require(actor, "applications.decide", application)
    return approve(actor, application, partner_name=partner_name, reason=reason, auto=False)


def approve(
    actor: Actor, application: PartnerApplication, *, partner_name: str, reason: str, auto: bool
) -> PartnerApplication:
    """Approve, as a person (`application_approve`) or as the program's automatic rule (`auto`)."""
    application = _locked_undecided(application)
    reason = clean_text(reason, field="reason", max_length=REASON_MAX_LENGTH)
    name = clean_text(partner_name, field="partner_name", max_length=200) or application.company_name
    if PartnerOrganization.objects.filter(name__iexact=name).exists():
        raise ValidationFailed(
            _("A partner named “%(name)s” exists already: approve under another name, or decline.") % {"name": name},
            field="partner_name",
        )
    partner = PartnerOrganization(
        name=name,
        legal_name=application.legal_name,
        website=application.website,
        email_domains=[application.email_domain],
        partner_type=application.partner_type,
        country=application.country,
        regions=application.regions,
        industries=application.industries,
        company_size=application.company_size,
        customer_count=application.customer_count,
        ipp_score=application.ipp_score,
        owner=_decider(actor) if not auto else None,
        status=PartnerStatus.APPLIED,
        applied_at=application.confirmed_at or application.created_at,
    )
    try:
        with transaction.atomic():
            partner.save()
    except IntegrityError as exc:
        raise ValidationFailed(
            _("A partner named “%(name)s” was added a moment ago: approve under another name.") % {"name": name},
            field="partner_name",
        ) from exc
    record_event("partner.created", subject=partner, payload=partner_payload(partner), actor=actor)
    status_reason = reason
    if not status_reason:
        # The partner's status reason is the program's record, read by the whole team: in the program's language.
        with program_language():
            params = {"number": application.pk, "score": application.ipp_score}
            if auto:
                status_reason = _("Application #%(number)s approved automatically (IPP score %(score)s)") % params
            else:
                status_reason = _("Application #%(number)s approved (IPP score %(score)s)") % params
    partner = partner_approve(actor=actor, partner=partner, reason=status_reason)
    application.status = ApplicationStatus.APPROVED
    application.partner_organization = partner
    application.decided_by = None if auto else _decider(actor)
    application.decided_at = timezone.now()
    application.decision_reason = reason
    application.auto_decided = auto
    application.save()
    invitation_id = _invite_applicant(actor, application, partner)
    payload = application_payload(
        application, partner_organization_id=partner.pk, auto=auto, invitation_id=invitation_id
    )
    record_event("application.approved", subject=application, payload=payload, actor=actor)
    application.invitation_id = invitation_id  # for the caller's message: None when nobody could be invited
    return application


def _invite_applicant(actor: Actor, application: PartnerApplication, partner: PartnerOrganization) -> int | None:
    """Invite the applicant as the new partner's admin; someone who is a member of the program already cannot be
    invited again (staff add them from the partner's page), so then nobody is invited."""
    from prm.services import invitation_create

    if Membership.objects.filter(user__email__iexact=application.contact_email).exists():
        return None
    invitation, _token = invitation_create(
        actor=actor, email=application.contact_email, role=Role.PARTNER_ADMIN, partner_organization=partner
    )
    return invitation.pk


@transaction.atomic
def application_decline(*, actor: Actor, application: PartnerApplication, reason: str) -> PartnerApplication:
    """Tenant admins and channel managers decline a submitted application, saying why (kept for the team and
    sent with the event; the applicant gets a polite email without it)."""
    policy.require(actor, "applications.decide", application)
    return decline(actor, application, reason=reason, auto=False)


def decline(actor: Actor, application: PartnerApplication, *, reason: str, auto: bool) -> PartnerApplication:
    """Decline, as a person (`application_decline`) or as the program's automatic rule (`auto`)."""
    application = _locked_undecided(application)
    reason = clean_text(
        reason, field="reason", max_length=REASON_MAX_LENGTH, required=_("Say why the application is declined.")
    )
    application.status = ApplicationStatus.DECLINED
    application.decided_by = None if auto else _decider(actor)
    application.decided_at = timezone.now()
    application.decision_reason = reason
    application.auto_decided = auto
    application.save()
    record_event(
        "application.declined",
        subject=application,
        payload=application_payload(application, reason=reason, auto=auto),
        actor=actor,
    )
    from partners.tasks.recruitment import send_application_declined_email

    tenant_id, application_id = application.tenant_id, application.pk
    transaction.on_commit(
        lambda: send_application_declined_email.delay(tenant_id=tenant_id, application_id=application_id)
    )
    return application
