"""Recruitment: applications to join the program, their ideal-partner-profile score, and the decisions on them.

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
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from partners.models import (
    OPEN_APPLICATION_STATUSES,
    ApplicationStatus,
    IppAttribute,
    IppCriterion,
    IppOperator,
    PartnerApplication,
    PartnerOrganization,
    PartnerStatus,
    RevenueBand,
)
from partners.services.ipp import OPERATORS_FOR, ORDERED_CHOICES, ipp_score
from partners.services.lifecycle import partner_approve
from partners.services.organization import partner_payload, partner_type_is_known
from partners.services.profile import PHONE_PATTERN, PROFILE_CLEANERS, _clean_list
from prm import policy
from prm.cleaning import clean_text
from prm.domains import registrable_domain
from prm.errors import DomainError, InvalidTransition, ValidationFailed
from prm.events import record_event
from prm.models import Membership, Tenant, hash_token
from prm.notifications import notify
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
REASON_MAX_LENGTH = PartnerApplication._meta.get_field("decision_reason").max_length

# What a tenant's recruitment settings hold (Tenant.settings["recruitment"]), and their defaults.
RECRUITMENT_DEFAULTS = {"open": True, "auto_approve_at": None, "auto_decline_below": None}

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

_url_validator = URLValidator(schemes=["http", "https"])


class DuplicateApplication(ValidationFailed):
    """The company already has an open application, or already is a partner (the API answers 409)."""


# Recruitment settings -----------------------------------------------------------------------------------------


def recruitment_settings(tenant: Tenant) -> dict:
    """The tenant's recruitment settings with defaults filled in: open (bool), auto_approve_at and
    auto_decline_below (0–100 or None)."""
    stored = (tenant.settings or {}).get("recruitment") or {}
    return {key: stored.get(key, default) for key, default in RECRUITMENT_DEFAULTS.items()}


def _clean_threshold(value, *, field: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(str(value).strip())
    except ValueError as exc:
        raise ValidationFailed("Enter a score from 0 to 100, or leave it empty.", field=field) from exc
    if isinstance(value, bool) or not 0 <= number <= 100:
        raise ValidationFailed("Enter a score from 0 to 100, or leave it empty.", field=field)
    return number


@transaction.atomic
def recruitment_settings_update(*, actor, is_open: bool, auto_approve_at=None, auto_decline_below=None) -> dict:
    """Tenant admins open or close the application page and set the auto rule: an application scoring at least
    `auto_approve_at` is approved at once, one scoring below `auto_decline_below` declined at once (either may
    be off). The approve threshold must be above the decline threshold. History keeps who changed what."""
    policy.require(actor, "recruitment.manage")
    approve_at = _clean_threshold(auto_approve_at, field="auto_approve_at")
    decline_below = _clean_threshold(auto_decline_below, field="auto_decline_below")
    if approve_at is not None and decline_below is not None and approve_at <= decline_below:
        raise ValidationFailed(
            f"The auto-approve score must be above the auto-decline score ({decline_below}).", field="auto_approve_at"
        )
    tenant = Tenant.objects.select_for_update().get(pk=actor.tenant_id)
    values = {"open": bool(is_open), "auto_approve_at": approve_at, "auto_decline_below": decline_below}
    tenant.settings = {**(tenant.settings or {}), "recruitment": values}
    tenant.save(update_fields=["settings"])
    return values


# Checking an application --------------------------------------------------------------------------------------


def _clean_website(value) -> tuple[str, str]:
    """(website, its registrable domain). "acme.com" is taken as https://acme.com."""
    website = clean_text(value, field="website", max_length=200)
    if not website:
        return "", ""
    if "://" not in website:
        website = f"https://{website}"
    try:
        _url_validator(website)
    except DjangoValidationError as exc:
        raise ValidationFailed("Enter your company's web address, such as https://acme.com.", field="website") from exc
    domain = registrable_domain(urlsplit(website).hostname or "")
    if not domain:
        raise ValidationFailed(
            "Enter your company's public web address (a domain such as acme.com, not an IP address).",
            field="website",
        )
    return website, domain


def _clean_email(value) -> tuple[str, str]:
    """(address, registrable domain of the address)."""
    email = clean_text(value, field="contact_email", max_length=254, required="Enter your email address.").lower()
    try:
        validate_email(email)
    except DjangoValidationError as exc:
        raise ValidationFailed("Enter a valid email address.", field="contact_email") from exc
    return email, registrable_domain(email.rpartition("@")[2])


def _clean_choice(value, *, field: str, choices) -> str:
    value = (value or "").strip() if isinstance(value, str) else value
    if value in (None, ""):
        return ""
    if value not in choices.values:
        raise ValidationFailed(f"Choose one of: {', '.join(choices.values)}.", field=field)
    return value


def application_clean(data: dict) -> dict:
    """The application's fields, checked and normalised, plus `email_domain`: the registrable domain of the
    website, else of the contact's email (lower case). Raises ValidationFailed naming the first bad field."""
    cleaned = {
        "company_name": clean_text(
            data.get("company_name"), field="company_name", max_length=200, required="Enter your company's name."
        ),
        "legal_name": clean_text(data.get("legal_name"), field="legal_name", max_length=200),
    }
    cleaned["website"], website_domain = _clean_website(data.get("website"))
    cleaned["contact_first_name"] = clean_text(
        data.get("contact_first_name"), field="contact_first_name", max_length=100, required="Enter your first name."
    )
    cleaned["contact_last_name"] = clean_text(data.get("contact_last_name"), field="contact_last_name", max_length=100)
    cleaned["contact_email"], email_domain = _clean_email(data.get("contact_email"))
    phone = clean_text(data.get("contact_phone"), field="contact_phone", max_length=40)
    if phone and not PHONE_PATTERN.match(phone):
        raise ValidationFailed("Enter a phone number of digits, spaces and + ( ) - . /", field="contact_phone")
    cleaned["contact_phone"] = phone
    cleaned["contact_job_title"] = clean_text(data.get("contact_job_title"), field="contact_job_title", max_length=100)
    partner_type = clean_text(
        data.get("partner_type"), field="partner_type", max_length=32, required="Choose the kind of partner you are."
    )
    if not partner_type_is_known(partner_type):
        raise ValidationFailed("Choose one of the partner types offered.", field="partner_type")
    cleaned["partner_type"] = partner_type
    for field in ("country", "regions", "industries", "company_size", "customer_count"):
        cleaned[field] = PROFILE_CLEANERS[field](data.get(field))
    cleaned["annual_revenue_band"] = _clean_choice(
        data.get("annual_revenue_band"), field="annual_revenue_band", choices=RevenueBand
    )
    cleaned["certifications"] = _clean_list(data.get("certifications"), field="certifications", max_length=100)
    cleaned["message"] = clean_text(data.get("message"), field="message", max_length=MESSAGE_MAX_LENGTH)
    if website_domain:
        cleaned["email_domain"] = website_domain
    elif not email_domain:
        raise ValidationFailed("Use an email address at your company's domain.", field="contact_email")
    elif email_domain in FREE_MAIL_DOMAINS:
        raise ValidationFailed(
            f"Enter your company's website: a {email_domain} address does not tell us which company you are.",
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
            f"{domain} already belongs to a partner of this program: sign in to the partner portal, or ask your "
            "company's partner admin to invite you.",
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
        message = (
            f"An application for {domain} is waiting for its email confirmation: follow the link in the email we "
            "sent (look in the spam folder too)."
        )
    else:
        message = f"An application for {domain} is already open: we will be in touch about it."
    return DuplicateApplication(message, field=field)


def _store(application: PartnerApplication, *, domain_field: str) -> None:
    """Save; the database's one-open-application-per-domain rule answers a race with the same message."""
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:
        if "application_external_id_unique" in str(exc):
            raise ValidationFailed("Another application has this external_id.", field="external_id") from exc
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
    if not recruitment_settings(current_tenant())["open"]:
        raise InvalidTransition("This program is not taking applications at the moment.")
    cleaned = application_clean(data)
    _check_domain_is_free(cleaned["email_domain"], field=cleaned["_domain_field"])
    token = secrets.token_urlsafe(32)
    application, domain_field = _new_application(
        cleaned,
        status=ApplicationStatus.PENDING_CONFIRMATION,
        source="web",
        submitted_ip=ip,
        confirmation_token_hash=hash_token(token),
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
            f"This link was used already: the application of {application.company_name} was confirmed and is "
            f"{ApplicationStatus(application.status).label.lower()}."
        )
    if confirmation_expires_at(application) <= timezone.now():
        raise InvalidTransition("This confirmation link has expired. Apply again: the new application gets a new link.")


@transaction.atomic
def application_confirm(*, application: PartnerApplication) -> PartnerApplication:
    """The applicant followed the emailed link: the application is submitted (see `_submit`)."""
    application = PartnerApplication.objects.select_for_update().get(pk=application.pk)
    application_check_confirmable(application)
    application.confirmed_at = timezone.now()
    return _submit(application, actor=None)


# Submitted: scored, recorded, announced, perhaps decided -------------------------------------------------------


def _payload(application: PartnerApplication, **extra) -> dict:
    return {
        "application_id": application.pk,
        "company": application.company_name,
        "domain": application.email_domain,
        "score": application.ipp_score,
        "status": application.status,
        "source": application.source,
        **extra,
    }


def _criteria() -> list[IppCriterion]:
    return list(IppCriterion.objects.order_by("position", "id"))


def _score(application: PartnerApplication, criteria: list[IppCriterion] | None = None) -> None:
    result = ipp_score(profile=application, criteria=_criteria() if criteria is None else criteria)
    application.ipp_score, application.ipp_explanation = result.score, result.explanation


def _submit(application: PartnerApplication, *, actor) -> PartnerApplication:
    """Submit a confirmed application: score it, record `partner.applied` and `application.submitted`, apply the
    tenant's auto rule, and tell the channel team (in the caller's transaction)."""
    application.status = ApplicationStatus.SUBMITTED
    _score(application)
    application.save()
    applied = {k: v for k, v in _payload(application).items() if k in ("application_id", "company", "domain", "score")}
    record_event("partner.applied", subject=application, payload=applied, actor=actor)
    record_event("application.submitted", subject=application, payload=_payload(application), actor=actor)
    application, refusal = _apply_auto_rule(application)
    _announce(application, refusal)
    return application


def _apply_auto_rule(application: PartnerApplication) -> tuple[PartnerApplication, str]:
    """Decide at once when the score passes one of the tenant's thresholds. An automatic approval the program
    refuses (a partner of that name exists) leaves the application in the queue. Returns the application as it
    is now, and why an automatic approval was refused ("" when it was not)."""
    rule = recruitment_settings(current_tenant())
    score = application.ipp_score or 0
    system = policy.ProgramActor(application.tenant_id)
    if rule["auto_approve_at"] is not None and score >= rule["auto_approve_at"]:
        try:
            with transaction.atomic():
                return _approve(system, application, partner_name="", reason="", auto=True), ""
        except DomainError as error:
            logger.info("application %s not approved automatically: %s", application.pk, error.message)
            return application, error.message
    if rule["auto_decline_below"] is not None and score < rule["auto_decline_below"]:
        reason = f"IPP score {score} is below {rule['auto_decline_below']}, the program's automatic decline threshold."
        return _decline(system, application, reason=reason, auto=True), ""
    return application, ""


def _announce(application: PartnerApplication, refusal: str = "") -> None:
    """Tell the tenant admins and channel managers about the application (in-app, and by email unless they
    opted out of the kind)."""
    score = f"IPP score {application.ipp_score}"
    if application.status == ApplicationStatus.APPROVED:
        title = f"{application.company_name} was approved automatically ({score})"
        body = f"{application.company_name} is onboarding; its admin {application.contact_email} was invited."
    elif application.status == ApplicationStatus.DECLINED:
        title = f"{application.company_name}'s application was declined automatically ({score})"
        body = application.decision_reason
    else:
        title = f"New partner application: {application.company_name} ({score})"
        body = f"{application.company_name} ({application.email_domain}) applied to join the program."
        if refusal:
            body += f" It could not be approved automatically: {refusal}"
    staff = Membership.objects.select_related("user").filter(
        role__in=[Role.TENANT_ADMIN, Role.CHANNEL_MANAGER], is_active=True
    )
    url = reverse("application_detail", args=[current_tenant().slug, application.pk])
    notify(users=[m.user for m in staff], kind="application.submitted", title=title, body=body, url=url)


# The API ------------------------------------------------------------------------------------------------------


@transaction.atomic
def application_create(*, actor, external_id: str = "", **data) -> PartnerApplication:
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
def application_update(*, actor, application: PartnerApplication, **data) -> PartnerApplication:
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
            f"This application was {ApplicationStatus(application.status).label.lower()} already: it no longer "
            "changes.",
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


# Decisions ----------------------------------------------------------------------------------------------------


def _locked_undecided(application: PartnerApplication) -> PartnerApplication:
    """The application, locked: two people deciding at once are served one after the other, and the second
    learns what the first decided."""
    # No join here: after waiting for the lock, PostgreSQL hands back the row as the other decision left it, but
    # a joined row (who decided) as it was before. `decided_by` is read afterwards, from the fresh row.
    application = PartnerApplication.objects.select_for_update().get(pk=application.pk)
    if application.status == ApplicationStatus.SUBMITTED:
        return application
    if application.status == ApplicationStatus.PENDING_CONFIRMATION:
        raise InvalidTransition("This application waits for its email confirmation: it cannot be decided yet.")
    if application.auto_decided:
        who = "automatically"
    elif application.decided_by_id:
        who = f"by {application.decided_by}"
    else:
        who = "through the API"
    when = timezone.localtime(application.decided_at).strftime("%Y-%m-%d %H:%M") if application.decided_at else ""
    raise InvalidTransition(
        f"{application.company_name} was {application.get_status_display().lower()} {who}"
        f"{' at ' + when if when else ''}: nothing was changed.",
        field="status",
    )


def _decider(actor):
    user = getattr(actor, "user", None)
    return user if getattr(user, "pk", None) else None


@transaction.atomic
def application_approve(*, actor, application: PartnerApplication, partner_name: str = "", reason: str = ""):
    """Tenant admins and channel managers approve a submitted application: the partner organization is created
    from it (owned by the approving channel manager), approved into onboarding (`partner.approved`, which starts
    the onboarding plan), and the applicant invited as its partner admin. Refused when another partner has the
    name (approve under another `partner_name`) or when the application was decided already."""
    policy.require(actor, "applications.decide", application)
    return _approve(actor, application, partner_name=partner_name, reason=reason, auto=False)


def _approve(actor, application, *, partner_name: str, reason: str, auto: bool) -> PartnerApplication:
    application = _locked_undecided(application)
    reason = clean_text(reason, field="reason", max_length=REASON_MAX_LENGTH)
    name = clean_text(partner_name, field="partner_name", max_length=200) or application.company_name
    if PartnerOrganization.objects.filter(name__iexact=name).exists():
        raise ValidationFailed(
            f"A partner named “{name}” exists already: approve under another name, or decline.", field="partner_name"
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
            f"A partner named “{name}” was added a moment ago: approve under another name.", field="partner_name"
        ) from exc
    record_event("partner.created", subject=partner, payload=partner_payload(partner), actor=actor)
    how = f"automatically (IPP score {application.ipp_score})" if auto else f"(IPP score {application.ipp_score})"
    partner = partner_approve(
        actor=actor, partner=partner, reason=reason or f"Application #{application.pk} approved {how}"
    )
    application.status = ApplicationStatus.APPROVED
    application.partner_organization = partner
    application.decided_by = None if auto else _decider(actor)
    application.decided_at = timezone.now()
    application.decision_reason = reason
    application.auto_decided = auto
    application.save()
    invitation_id = _invite_applicant(actor, application, partner)
    payload = _payload(application, partner_organization_id=partner.pk, auto=auto, invitation_id=invitation_id)
    record_event("application.approved", subject=application, payload=payload, actor=actor)
    application.invitation_id = invitation_id  # for the caller's message: None when nobody could be invited
    return application


def _invite_applicant(actor, application: PartnerApplication, partner: PartnerOrganization) -> int | None:
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
def application_decline(*, actor, application: PartnerApplication, reason: str) -> PartnerApplication:
    """Tenant admins and channel managers decline a submitted application, saying why (kept for the team and
    sent with the event; the applicant gets a polite email without it)."""
    policy.require(actor, "applications.decide", application)
    return _decline(actor, application, reason=reason, auto=False)


def _decline(actor, application, *, reason: str, auto: bool) -> PartnerApplication:
    application = _locked_undecided(application)
    reason = clean_text(
        reason, field="reason", max_length=REASON_MAX_LENGTH, required="Say why the application is declined."
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
        payload=_payload(application, reason=reason, auto=auto),
        actor=actor,
    )
    from partners.tasks.recruitment import send_application_declined_email

    tenant_id, application_id = application.tenant_id, application.pk
    transaction.on_commit(
        lambda: send_application_declined_email.delay(tenant_id=tenant_id, application_id=application_id)
    )
    return application


# Ideal partner profile criteria -------------------------------------------------------------------------------


def _split_values(value) -> list:
    if isinstance(value, str):
        value = re.split(r"[;,\n]", value)
    if not isinstance(value, list | tuple):
        value = [value]
    return [str(v).strip() for v in value if str(v).strip()]


def _clean_criterion_value(attribute: str, operator: str, value):
    """The criterion's value in the form its operator needs: a list for in/any, a number or a choice for
    gte/lte. Values of choices must be among the choices; countries are two-letter codes."""
    if operator in (IppOperator.IN, IppOperator.ANY):
        values = list(dict.fromkeys(_split_values(value)))
        if not values:
            raise ValidationFailed("List at least one value, separated by commas.", field="value")
        if len(values) > 100:
            raise ValidationFailed("At most 100 values.", field="value")
        if any(len(v) > 100 for v in values):
            raise ValidationFailed("Each value has at most 100 characters.", field="value")
        if attribute == IppAttribute.COUNTRY:
            values = [v.upper() for v in values]
            bad = [v for v in values if not re.fullmatch(r"[A-Z]{2}", v)]
            if bad:
                raise ValidationFailed(
                    f"Use two-letter country codes such as DE (not {', '.join(bad)}).", field="value"
                )
        if attribute in ORDERED_CHOICES:
            allowed = ORDERED_CHOICES[attribute].values
            bad = [v for v in values if v not in allowed]
            if bad:
                raise ValidationFailed(f"Unknown values {', '.join(bad)}: use {', '.join(allowed)}.", field="value")
        if attribute == IppAttribute.PARTNER_TYPE:
            bad = [v for v in values if not partner_type_is_known(v)]
            if bad:
                raise ValidationFailed(f"Unknown partner types: {', '.join(bad)}.", field="value")
        return values
    # gte / lte
    if isinstance(value, list | tuple):
        value = value[0] if len(value) == 1 else ""
    if attribute == IppAttribute.CUSTOMER_COUNT:
        if isinstance(value, bool):
            value = ""
        try:
            number = int(str(value).strip())
        except ValueError as exc:
            raise ValidationFailed("Enter a whole number, such as 25.", field="value") from exc
        if not 0 <= number <= 2_147_483_647:
            raise ValidationFailed("Enter a number of 0 or more.", field="value")
        return number
    allowed = ORDERED_CHOICES[attribute].values
    value = str(value or "").strip()
    if value not in allowed:
        raise ValidationFailed(f"Choose one of: {', '.join(allowed)}.", field="value")
    return value


_OPERATOR_HINTS = {
    IppOperator.IN: "“is one of” compares a single value: use it with partner type, country, size or revenue band.",
    IppOperator.ANY: "“includes any of” compares lists: use it with regions, industries or certifications.",
    IppOperator.AT_LEAST: "“is at least” compares amounts: use it with customer count, company size or revenue band.",
    IppOperator.AT_MOST: "“is at most” compares amounts: use it with customer count, company size or revenue band.",
}


def criterion_clean(*, label: str = "", attribute: str, operator: str, value, weight) -> dict:
    """A criterion's fields, checked: a known attribute, an operator that fits it, a value of the operator's
    type, a weight of 1–100. An empty label is written from the rule ("Country is one of DE, AT")."""
    if attribute not in IppAttribute.values:
        raise ValidationFailed("Choose what the criterion looks at.", field="attribute")
    if operator not in IppOperator.values:
        raise ValidationFailed("Choose how it compares.", field="operator")
    if attribute not in OPERATORS_FOR[operator]:
        raise ValidationFailed(_OPERATOR_HINTS[operator], field="operator")
    value = _clean_criterion_value(attribute, operator, value)
    try:
        weight = int(str(weight).strip())
    except (TypeError, ValueError) as exc:
        raise ValidationFailed("Enter a weight from 1 to 100.", field="weight") from exc
    if not 1 <= weight <= 100:
        raise ValidationFailed("Enter a weight from 1 to 100.", field="weight")
    label = clean_text(label, field="label", max_length=200)
    if not label:
        shown = ", ".join(value) if isinstance(value, list) else str(value)
        label = f"{IppAttribute(attribute).label} {IppOperator(operator).label} {shown}"[:200]
    return {"label": label, "attribute": attribute, "operator": operator, "value": value, "weight": weight}


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


@transaction.atomic
def criterion_create(*, actor, label: str = "", attribute: str, operator: str, value, weight=10) -> IppCriterion:
    """Tenant admins add a criterion to the ideal partner profile; submitted applications are scored again."""
    policy.require(actor, "recruitment.manage")
    fields = criterion_clean(label=label, attribute=attribute, operator=operator, value=value, weight=weight)
    position = IppCriterion.objects.count()
    criterion = IppCriterion.objects.create(**fields, position=position)
    applications_rescore()
    return criterion


@transaction.atomic
def criterion_update(*, actor, criterion: IppCriterion, label: str = "", attribute: str, operator: str, value, weight):
    policy.require(actor, "recruitment.manage", criterion)
    fields = criterion_clean(label=label, attribute=attribute, operator=operator, value=value, weight=weight)
    criterion = IppCriterion.objects.select_for_update().get(pk=criterion.pk)
    for name, field_value in fields.items():
        setattr(criterion, name, field_value)
    criterion.save()
    applications_rescore()
    return criterion


@transaction.atomic
def criterion_delete(*, actor, criterion: IppCriterion) -> None:
    policy.require(actor, "recruitment.manage", criterion)
    IppCriterion.objects.filter(pk=criterion.pk).delete()
    applications_rescore()
