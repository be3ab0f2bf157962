"""Applications to join the program, their ideal-partner-profile score, and the decisions on them.

The journey: a company applies on the tenant's public page (`application_submit`: waiting for email
confirmation) or through the API (`application_create`: the integration vouches for it, so it is submitted at
once). Confirming the emailed link (`application_confirm`) submits it: it is scored against the tenant's
criteria, recorded (`partner.applied`, `application.submitted`), announced to the channel team, and the tenant's
auto rule may decide it on the spot. Otherwise a channel manager approves it (`application_approve`: the partner
organization is created, approved into onboarding, and its admin invited) or declines it
(`application_decline`: a polite email). Every use case is one transaction: nothing is half-written.
"""

from __future__ import annotations

import logging
import re
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import (
    OPEN_APPLICATION_STATUSES,
    ApplicationStatus,
    IppCriterion,
    PartnerApplication,
    PartnerOrganization,
    PartnerStatus,
    RevenueBand,
)
from partners.selectors.program_settings import program_language, recruitment_settings
from partners.services.application_decisions import application_payload, approve, decline
from partners.services.cleaning import (
    PROFILE_CLEANERS,
    clean_choice,
    clean_email,
    clean_list,
    clean_partner_type,
    clean_phone,
    clean_website,
)
from partners.services.ipp import ipp_score
from prm import policy
from prm.cleaning import clean_text
from prm.domains import registrable_domain
from prm.errors import DomainError, InvalidTransition, ValidationFailed
from prm.events import record_event
from prm.i18n import language_codes, lazy_format
from prm.models import Membership, hash_token
from prm.notifications import notify
from prm.policy import Actor
from prm.roles import Role
from prm.tenancy import current_tenant

logger = logging.getLogger(__name__)

# How long the emailed confirmation link works; an unconfirmed application older than this no longer blocks its
# domain (a new application for the domain replaces it).
CONFIRMATION_TTL = timedelta(days=getattr(settings, "PRM_APPLICATION_CONFIRMATION_DAYS", 7))
# Applications one address may send to one program per window (every attempt counts, so a flood of invalid
# posts is stopped as well and the duplicate-domain answer cannot be used to list a vendor's partners).
APPLY_RATE_LIMIT = getattr(settings, "PRM_APPLICATION_RATE_LIMIT", 5)
APPLY_RATE_WINDOW = timedelta(hours=1)
MESSAGE_MAX_LENGTH = 5000

# Webmail providers: an address there says nothing about the company, so such applicants must give a website.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "ymail.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.com",
        "yandex.com",
        "yandex.ru",
        "qq.com",
        "163.com",
        "zoho.com",
    }
)

# The fields an application is made of (the page's form and the API's body use these names).
APPLICATION_FIELDS = (
    "company_name",
    "legal_name",
    "website",
    "contact_first_name",
    "contact_last_name",
    "contact_email",
    "contact_phone",
    "contact_job_title",
    "partner_type",
    "country",
    "regions",
    "industries",
    "company_size",
    "annual_revenue_band",
    "customer_count",
    "certifications",
    "message",
)


class DuplicateApplication(ValidationFailed):
    """The company already has an open application, or already is a partner (the API answers 409)."""


# Checking an application --------------------------------------------------------------------------------------


def application_clean(data: dict) -> dict:
    """The application's fields, checked and normalised, plus `email_domain`: the registrable domain of the
    website, else of the contact's email (lower case). Raises ValidationFailed naming the first bad field."""
    cleaned = {
        "company_name": clean_text(
            data.get("company_name"), field="company_name", max_length=200, required=_("Enter your company's name.")
        ),
        "legal_name": clean_text(data.get("legal_name"), field="legal_name", max_length=200),
    }
    cleaned["website"] = clean_website(data.get("website"))
    website_domain = registrable_domain(urlsplit(cleaned["website"]).hostname or "") if cleaned["website"] else ""
    if cleaned["website"] and not website_domain:
        raise ValidationFailed(
            _("Enter your company's public web address (a domain such as acme.com, not an IP address)."),
            field="website",
        )
    cleaned["contact_first_name"] = clean_text(
        data.get("contact_first_name"), field="contact_first_name", max_length=100, required=_("Enter your first name.")
    )
    cleaned["contact_last_name"] = clean_text(data.get("contact_last_name"), field="contact_last_name", max_length=100)
    cleaned["contact_email"] = clean_email(
        data.get("contact_email"), field="contact_email", required=_("Enter your email address.")
    )
    email_domain = registrable_domain(cleaned["contact_email"])
    cleaned["contact_phone"] = clean_phone(data.get("contact_phone"), field="contact_phone")
    cleaned["contact_job_title"] = clean_text(data.get("contact_job_title"), field="contact_job_title", max_length=100)
    cleaned["partner_type"] = clean_partner_type(
        data.get("partner_type"), required=_("Choose the kind of partner you are.")
    )
    for field in ("country", "regions", "industries", "company_size", "customer_count"):
        cleaned[field] = PROFILE_CLEANERS[field](data.get(field))
    cleaned["annual_revenue_band"] = clean_choice(
        data.get("annual_revenue_band"), field="annual_revenue_band", choices=RevenueBand
    )
    cleaned["certifications"] = clean_list(data.get("certifications"), field="certifications", max_length=100)
    cleaned["message"] = clean_text(data.get("message"), field="message", max_length=MESSAGE_MAX_LENGTH)
    if website_domain:
        cleaned["email_domain"] = website_domain
    elif not email_domain:
        raise ValidationFailed(_("Use an email address at your company's domain."), field="contact_email")
    elif email_domain in FREE_MAIL_DOMAINS:
        raise ValidationFailed(
            _("Enter your company's website: a %(domain)s address does not tell us which company you are.")
            % {"domain": email_domain},
            field="website",
        )
    else:
        cleaned["email_domain"] = email_domain
    cleaned["_domain_field"] = "website" if website_domain else "contact_email"
    return cleaned


def _partner_with_domain(domain: str) -> PartnerOrganization | None:
    """A partner organization (not a rejected one) whose email domains or website are on this domain."""
    website_on_domain = r"^https?://([^/?#@]*\.)?" + re.escape(domain) + r"(:[0-9]+)?([/?#]|$)"
    return (
        PartnerOrganization.objects.exclude(status=PartnerStatus.REJECTED)
        .filter(Q(email_domains__contains=[domain]) | Q(website__iregex=website_on_domain))
        .only("pk", "name")
        .first()
    )


def _check_domain_is_free(domain: str, *, field: str, exclude_pk: int | None = None) -> None:
    """Refuse a domain that is a partner's already or has an open application; unconfirmed applications whose
    link expired are dropped (they hold the domain no longer)."""
    if _partner_with_domain(domain) is not None:
        raise DuplicateApplication(
            _(
                "%(domain)s already belongs to a partner of this program: sign in to the partner portal, or ask your "
                "company's partner admin to invite you."
            )
            % {"domain": domain},
            field=field,
        )
    expired = PartnerApplication.objects.filter(
        email_domain=domain,
        status=ApplicationStatus.PENDING_CONFIRMATION,
        created_at__lt=timezone.now() - CONFIRMATION_TTL,
    )
    if exclude_pk is not None:
        expired = expired.exclude(pk=exclude_pk)
    expired.delete()
    existing = PartnerApplication.objects.filter(email_domain=domain, status__in=OPEN_APPLICATION_STATUSES)
    if exclude_pk is not None:
        existing = existing.exclude(pk=exclude_pk)
    existing = existing.only("status").first()
    if existing is not None:
        raise _duplicate(domain, field, existing.status)


def _duplicate(domain: str, field: str, status: str | None = None) -> DuplicateApplication:
    if status == ApplicationStatus.PENDING_CONFIRMATION:
        message = _(
            "An application for %(domain)s is waiting for its email confirmation: follow the link in the email we "
            "sent (look in the spam folder too)."
        ) % {"domain": domain}
    else:
        message = _("An application for %(domain)s is already open: we will be in touch about it.") % {"domain": domain}
    return DuplicateApplication(message, field=field)


def _store(application: PartnerApplication, *, domain_field: str) -> None:
    """Save; the database's one-open-application-per-domain rule answers a race with the same message."""
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:
        if "application_external_id_unique" in str(exc):
            raise ValidationFailed(_("Another application has this external_id."), field="external_id") from exc
        raise _duplicate(application.email_domain, domain_field) from exc


def _new_application(cleaned: dict, **extra) -> tuple[PartnerApplication, str]:
    fields = {k: v for k, v in cleaned.items() if not k.startswith("_")}
    application = PartnerApplication(**fields, **extra)
    return application, cleaned["_domain_field"]


# The public page ----------------------------------------------------------------------------------------------


def apply_attempt_allowed(*, tenant_id: int, ip: str | None) -> bool:
    """Count one application attempt from `ip` to the tenant's page; False once the address has used up its
    attempts for the window (APPLY_RATE_LIMIT per APPLY_RATE_WINDOW, counted in the cache)."""
    key = f"apply-rate:{tenant_id}:{ip or 'unknown'}"
    seconds = int(APPLY_RATE_WINDOW.total_seconds())
    cache.add(key, 0, seconds)
    try:
        attempts = cache.incr(key)
    except ValueError:  # the entry expired between add and incr
        cache.set(key, 1, seconds)
        attempts = 1
    return attempts <= APPLY_RATE_LIMIT


@transaction.atomic
def application_submit(*, data: dict, ip: str | None = None) -> tuple[PartnerApplication, str]:
    """Someone applies on the public page. The application waits for its email confirmation; the confirmation
    link (a one-time token, stored hashed) is emailed once the transaction commits. Refused when the program
    takes no applications, the input is bad, the company's domain belongs to a partner already or has an open
    application. Returns the application and the token."""
    if not recruitment_settings()["open"]:
        raise InvalidTransition(_("This program is not taking applications at the moment."))
    cleaned = application_clean(data)
    _check_domain_is_free(cleaned["email_domain"], field=cleaned["_domain_field"])
    token = secrets.token_urlsafe(32)
    application, domain_field = _new_application(
        cleaned,
        status=ApplicationStatus.PENDING_CONFIRMATION,
        source="web",
        submitted_ip=ip,
        confirmation_token_hash=hash_token(token),
        # The page's language, so the emails to the applicant speak it too.
        language=language if (language := translation.get_language()) in language_codes() else "",
    )
    _store(application, domain_field=domain_field)
    from partners.tasks.recruitment import send_application_confirmation_email

    tenant_id = application.tenant_id
    transaction.on_commit(
        lambda: send_application_confirmation_email.delay(
            tenant_id=tenant_id, application_id=application.pk, token=token
        )
    )
    return application, token


def application_by_token(*, token: str) -> PartnerApplication | None:
    """The current tenant's application whose confirmation link carries `token`, or None."""
    if not token:
        return None
    return PartnerApplication.objects.filter(confirmation_token_hash=hash_token(token)).first()


def confirmation_expires_at(application: PartnerApplication):
    return application.created_at + CONFIRMATION_TTL


def application_check_confirmable(application: PartnerApplication) -> None:
    """Refuse a link that was used already, or has expired, with words the applicant understands."""
    if application.status != ApplicationStatus.PENDING_CONFIRMATION:
        raise InvalidTransition(
            _("This link was used already: the application of %(company)s was confirmed and is %(status)s.")
            % {"company": application.company_name, "status": str(ApplicationStatus(application.status).label).lower()}
        )
    if confirmation_expires_at(application) <= timezone.now():
        raise InvalidTransition(
            _("This confirmation link has expired. Apply again: the new application gets a new link.")
        )


@transaction.atomic
def application_confirm(*, application: PartnerApplication) -> PartnerApplication:
    """The applicant followed the emailed link: the application is submitted (see `_submit`)."""
    application = PartnerApplication.objects.select_for_update().get(pk=application.pk)
    application_check_confirmable(application)
    application.confirmed_at = timezone.now()
    return _submit(application, actor=None)


# Submitted: scored, recorded, announced, perhaps decided -------------------------------------------------------


def _criteria() -> list[IppCriterion]:
    return list(IppCriterion.objects.order_by("position", "id"))


def _score(application: PartnerApplication, criteria: list[IppCriterion] | None = None) -> None:
    # The explanation is stored and read by the whole team: written in the program's language.
    with program_language():
        result = ipp_score(profile=application, criteria=_criteria() if criteria is None else criteria)
    application.ipp_score, application.ipp_explanation = result.score, result.explanation


def _submit(application: PartnerApplication, *, actor: Actor | None) -> PartnerApplication:
    """Submit a confirmed application: score it, record `partner.applied` and `application.submitted`, apply the
    tenant's auto rule, and tell the channel team (in the caller's transaction)."""
    application.status = ApplicationStatus.SUBMITTED
    _score(application)
    application.save()
    payload = application_payload(application)
    applied = {k: v for k, v in payload.items() if k in ("application_id", "company", "domain", "score")}
    record_event("partner.applied", subject=application, payload=applied, actor=actor)
    record_event("application.submitted", subject=application, payload=payload, actor=actor)
    # What the rule writes down (a reason, why it could not approve) is the program's record: in its language.
    with program_language():
        application, refusal = _apply_auto_rule(application)
    _announce(application, refusal)
    return application


def _apply_auto_rule(application: PartnerApplication) -> tuple[PartnerApplication, str]:
    """Decide at once when the score passes one of the tenant's thresholds. An automatic approval the program
    refuses (a partner of that name exists) leaves the application in the queue. Returns the application as it
    is now, and why an automatic approval was refused ("" when it was not)."""
    rule = recruitment_settings()
    score = application.ipp_score or 0
    system = policy.ProgramActor(application.tenant_id)
    if rule["auto_approve_at"] is not None and score >= rule["auto_approve_at"]:
        try:
            with transaction.atomic():
                return approve(system, application, partner_name="", reason="", auto=True), ""
        except DomainError as error:
            logger.info("application %s not approved automatically: %s", application.pk, error.message)
            return application, error.message
    if rule["auto_decline_below"] is not None and score < rule["auto_decline_below"]:
        reason = _("IPP score %(score)s is below %(threshold)s, the program's automatic decline threshold.") % {
            "score": score,
            "threshold": rule["auto_decline_below"],
        }
        return decline(system, application, reason=reason, auto=True), ""
    return application, ""


def _announce(application: PartnerApplication, refusal: str = "") -> None:
    """Tell the tenant admins and channel managers about the application (in-app, and by email unless they
    opted out of the kind)."""
    # Lazy: each reader gets them in their own language (notify() renders them per reader).
    params = {"company": application.company_name, "score": application.ipp_score}
    if application.status == ApplicationStatus.APPROVED:
        title = lazy_format(gettext_lazy("%(company)s was approved automatically (IPP score %(score)s)"), **params)
        body = lazy_format(
            gettext_lazy("%(company)s is onboarding; its admin %(email)s was invited."),
            company=application.company_name,
            email=application.contact_email,
        )
    elif application.status == ApplicationStatus.DECLINED:
        title = lazy_format(
            gettext_lazy("%(company)s's application was declined automatically (IPP score %(score)s)"), **params
        )
        body = application.decision_reason
    else:
        title = lazy_format(gettext_lazy("New partner application: %(company)s (IPP score %(score)s)"), **params)
        domain = {"company": application.company_name, "domain": application.email_domain}
        if refusal:
            body = lazy_format(
                gettext_lazy(
                    "%(company)s (%(domain)s) applied to join the program. It could not be approved automatically: "
                    "%(refusal)s"
                ),
                refusal=refusal,
                **domain,
            )
        else:
            body = lazy_format(gettext_lazy("%(company)s (%(domain)s) applied to join the program."), **domain)
    staff = Membership.objects.select_related("user").filter(
        role__in=[Role.TENANT_ADMIN, Role.CHANNEL_MANAGER], is_active=True
    )
    url = reverse("application_detail", args=[current_tenant().slug, application.pk])
    notify(users=[m.user for m in staff], kind="application.submitted", title=title, body=body, url=url)


# The API ------------------------------------------------------------------------------------------------------


@transaction.atomic
def application_create(*, actor: Actor, external_id: str = "", **data) -> PartnerApplication:
    """An integration (the vendor's website form, its CRM) sends an application. The integration vouches for
    the applicant, so there is no email confirmation: it is submitted at once (scored, recorded, announced, auto
    rule). The same checks as the public page; the program's open/closed switch is for the page only."""
    policy.require(actor, "applications.decide")
    cleaned = application_clean(data)
    external_id = clean_text(external_id, field="external_id", max_length=100)
    _check_domain_is_free(cleaned["email_domain"], field=cleaned["_domain_field"])
    now = timezone.now()
    application, domain_field = _new_application(
        cleaned,
        status=ApplicationStatus.SUBMITTED,
        source="api",
        external_id=external_id,
        confirmed_at=now,
    )
    _store(application, domain_field=domain_field)
    return _submit(application, actor=actor)


@transaction.atomic
def application_update(*, actor: Actor, application: PartnerApplication, **data) -> PartnerApplication:
    """An integration sends an application again (same external_id). An undecided application takes the new
    values and is scored again; a decided one cannot change (sending it unchanged is fine)."""
    policy.require(actor, "applications.decide", application)
    application = PartnerApplication.objects.select_for_update().get(pk=application.pk)
    merged = {field: getattr(application, field) for field in APPLICATION_FIELDS}
    merged.update({k: v for k, v in data.items() if k in APPLICATION_FIELDS})
    cleaned = application_clean(merged)
    changed = sorted(
        field for field in (*APPLICATION_FIELDS, "email_domain") if getattr(application, field) != cleaned[field]
    )
    if not changed:
        return application
    if application.status not in OPEN_APPLICATION_STATUSES:
        raise InvalidTransition(
            _("This application was %(status)s already: it no longer changes.")
            % {"status": str(ApplicationStatus(application.status).label).lower()},
            field="status",
        )
    if "email_domain" in changed:
        _check_domain_is_free(cleaned["email_domain"], field=cleaned["_domain_field"], exclude_pk=application.pk)
    for field in changed:
        setattr(application, field, cleaned[field])
    if application.status == ApplicationStatus.SUBMITTED:
        _score(application)
    _store(application, domain_field=cleaned["_domain_field"])
    return application


def applications_rescore() -> int:
    """Score every submitted (undecided) application again against the current criteria; returns how many.
    The auto rule is not applied again: it decides on arrival only. Set-based: one read, batched updates."""
    criteria = _criteria()
    applications = list(PartnerApplication.objects.filter(status=ApplicationStatus.SUBMITTED))
    now = timezone.now()
    for application in applications:
        _score(application, criteria)
        application.updated_at = now
    PartnerApplication.objects.bulk_update(applications, ["ipp_score", "ipp_explanation", "updated_at"], batch_size=500)
    return len(applications)
