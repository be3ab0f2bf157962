"""Program agreements: tenant admins write versioned agreements and publish them with a re-acceptance deadline;
a partner admin accepts the current version on behalf of the organization (click-to-accept evidence: who, when,
from which address, the exact text and its SHA-256); reminders go out before the deadline and the owning channel
manager hears of the partners that missed it.

Rules: an agreement has at most one draft; version numbers follow each other per agreement; a published version's
text never changes; only the current (latest published) version can be accepted, once per partner.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from partners.models import Agreement, AgreementAcceptance, AgreementVersion, PartnerOrganization
from partners.selectors import agreements as selectors
from partners.selectors.program_settings import program_settings_get
from partners.services.cleaning import clean_agreement_body, clean_ip_address, clean_partner_type
from prm import policy
from prm.cleaning import clean_text
from prm.errors import InvalidTransition, PermissionDenied, ValidationFailed
from prm.events import record_event
from prm.i18n import lazy_format
from prm.models import Membership
from prm.notifications import notify
from prm.policy import Actor
from prm.roles import Role
from prm.tenancy import current_tenant

# Days before the deadline at which partners that have not accepted are reminded; 0 marks the overdue notice to
# their channel managers (AgreementVersion.reminders_sent keeps which went out).
REMINDER_DAYS = (7, 1)
OVERDUE_NOTICE = 0
NAME_MAX_LENGTH = Agreement._meta.get_field("name").max_length
BODY_MAX_LENGTH = 100_000
# The overdue notice names this many partners, then says how many more.
OVERDUE_NAMES_SHOWN = 20


def default_reaccept_by(*, today: date | None = None) -> date:
    days = program_settings_get().agreement_reaccept_days
    return (today or timezone.localdate()) + timedelta(days=int(days))


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _format_day(value: date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


# Lazy: a notification shows the day in each reader's own format (notify() renders it per reader).
_day = lazy(_format_day, str)


# Staff: agreements and versions ---------------------------------------------------------------------------------


@transaction.atomic
def agreement_create(*, actor: Actor, name: str, partner_type: str = "") -> Agreement:
    """Tenant admins add an agreement for every partner (no type) or for one partner type."""
    policy.require(actor, "agreements.manage")
    name = clean_text(name, field="name", max_length=NAME_MAX_LENGTH, required=_("Name the agreement."))
    partner_type = clean_partner_type(partner_type)
    if Agreement.objects.filter(name__iexact=name).exists():
        raise ValidationFailed(_("An agreement with this name exists already."), field="name")
    return Agreement.objects.create(name=name, partner_type=partner_type)


@transaction.atomic
def agreement_version_create(*, actor: Actor, agreement: Agreement, body: str) -> AgreementVersion:
    """Start the agreement's next version as a draft. There is one draft at a time: it takes the next number."""
    policy.require(actor, "agreements.manage", agreement)
    body = clean_agreement_body(body, max_length=BODY_MAX_LENGTH)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    draft = selectors.draft_of(agreement)
    if draft is not None:
        raise InvalidTransition(
            _("%(agreement)s has a draft already (v%(number)s): edit it.")
            % {"agreement": agreement.name, "number": draft.number},
            field="body",
        )
    last = AgreementVersion.objects.filter(agreement=agreement).aggregate(last=Max("number"))["last"] or 0
    return AgreementVersion.objects.create(agreement=agreement, number=last + 1, body=body)


@transaction.atomic
def agreement_version_update(*, actor: Actor, version: AgreementVersion, body: str) -> AgreementVersion:
    """Change a draft's text. A published version's text never changes: partners accepted exactly that text."""
    policy.require(actor, "agreements.manage", version)
    body = clean_agreement_body(body, max_length=BODY_MAX_LENGTH)
    version = AgreementVersion.objects.select_for_update().select_related("agreement").get(pk=version.pk)
    if version.published_at is not None:
        raise InvalidTransition(
            _("%(agreement)s v%(number)s is published: its text never changes. Write a new version instead.")
            % {"agreement": version.agreement.name, "number": version.number},
            field="body",
        )
    if version.body != body:
        version.body = body
        version.save(update_fields=["body", "updated_at"])
    return version


@transaction.atomic
def agreement_version_publish(
    *, actor: Actor, version: AgreementVersion, reaccept_by: date | None = None
) -> AgreementVersion:
    """Publish a draft with a re-acceptance deadline (default: 30 days; it must be in the future). Every bound
    partner that has not accepted it is asked to, by notification and email to its partner admins."""
    policy.require(actor, "agreements.manage", version)
    agreement = Agreement.objects.select_for_update().get(pk=version.agreement_id)
    version = AgreementVersion.objects.select_for_update().get(pk=version.pk)
    version.agreement = agreement
    if version.published_at is not None:
        raise InvalidTransition(
            _("%(agreement)s v%(number)s was published already, on %(day)s.")
            % {"agreement": agreement.name, "number": version.number, "day": _day(version.published_at.date())},
            field="version",
        )
    if not version.body.strip():
        raise ValidationFailed(_("Write the agreement's text before publishing it."), field="body")
    today = timezone.localdate()
    reaccept_by = reaccept_by or default_reaccept_by(today=today)
    if reaccept_by <= today:
        raise ValidationFailed(_("The re-acceptance deadline must be in the future."), field="reaccept_by")
    version.published_at = timezone.now()
    version.published_by = getattr(actor, "user", None)
    version.reaccept_by = reaccept_by
    # The publication notice itself asks for acceptance by the deadline: reminders already due are covered by it.
    days_left = (reaccept_by - today).days
    version.reminders_sent = [days for days in REMINDER_DAYS if days_left <= days]
    version.save(update_fields=["published_at", "published_by", "reaccept_by", "reminders_sent", "updated_at"])
    agreement.save(update_fields=["updated_at"])  # API clients syncing by updated_since see the new version
    record_event(
        "agreement.published",
        subject=version,
        payload={
            "agreement_id": agreement.pk,
            "agreement_name": agreement.name,
            "partner_type": agreement.partner_type,
            "version_id": version.pk,
            "number": version.number,
            "reaccept_by": reaccept_by.isoformat(),
        },
        actor=actor,
    )
    _ask_partner_admins(
        version,
        kind="agreement.acceptance_requested",
        title=lazy_format(
            gettext_lazy("Please accept %(agreement)s v%(number)s by %(day)s"),
            agreement=agreement.name,
            number=version.number,
            day=_day(reaccept_by),
        ),
        body=lazy_format(
            gettext_lazy(
                "%(program)s published version %(number)s of %(agreement)s. Read it and accept it on behalf of your "
                "organization by %(day)s."
            ),
            program=current_tenant().display_name,
            number=version.number,
            agreement=agreement.name,
            day=_day(reaccept_by),
        ),
    )
    return version


def _ask_partner_admins(version: AgreementVersion, *, kind: str, title: Promise, body: Promise) -> int:
    """Notify the partner admins of every bound partner that has not accepted the version; returns how many
    partners were asked."""
    pending = selectors.pending_partners(version)
    admins = list(
        Membership.objects.filter(role=Role.PARTNER_ADMIN, is_active=True, partner_organization__in=pending)
        .select_related("user")
        .only("user__id", "partner_organization_id")
    )
    if admins:
        url = reverse("portal_agreement", args=[current_tenant().slug, version.agreement_id])
        notify(users=[admin.user for admin in admins], kind=kind, title=title, body=body, url=url)
    return len({admin.partner_organization_id for admin in admins})


# Partners: click-to-accept ------------------------------------------------------------------------------------


@transaction.atomic
def agreement_accept(
    *, actor: Actor, version: AgreementVersion, ip_address: str | None = None
) -> tuple[AgreementAcceptance, bool]:
    """A partner admin accepts the current version on behalf of the organization. Records the user, the time,
    the address, the exact text and its SHA-256, and the `agreement.accepted` event. Accepting again (a double
    click, two admins at once) returns the first acceptance: (acceptance, created)."""
    partner = getattr(actor, "partner_organization", None)
    if partner is None:
        raise PermissionDenied(_("Only a partner admin accepts agreements for the organization."))
    policy.require(actor, "agreements.accept", partner)
    # The agreement's row lock orders accepting against publishing a newer version and against a second accept.
    agreement = Agreement.objects.select_for_update().filter(pk=version.agreement_id).first()
    version = AgreementVersion.objects.filter(pk=version.pk, published_at__isnull=False).first()
    if agreement is None or version is None or agreement.partner_type not in ("", partner.partner_type):
        raise PermissionDenied(_("This agreement does not apply to your organization."))
    current = selectors.current_version_of(agreement)
    if current.pk != version.pk:
        raise InvalidTransition(
            _(
                "Version %(number)s of %(agreement)s was replaced by version %(current)s on %(day)s: read version "
                "%(current)s and accept it."
            )
            % {
                "number": version.number,
                "agreement": agreement.name,
                "current": current.number,
                "day": _day(timezone.localdate(current.published_at)),
            },
            field="version",
        )
    existing = _acceptance_of(version, partner)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            acceptance = AgreementAcceptance.objects.create(
                version=version,
                partner_organization=partner,
                user=actor.user,
                ip_address=clean_ip_address(ip_address),
                text=version.body,
                text_sha256=text_sha256(version.body),
            )
    except IntegrityError:
        # The unique constraint backs the lock: someone of the same organization accepted first, theirs stands.
        return AgreementAcceptance.objects.get(version=version, partner_organization=partner), False
    record_event(
        "agreement.accepted",
        subject=acceptance,
        payload={
            "partner_organization_id": partner.pk,
            "agreement_id": agreement.pk,
            "agreement_name": agreement.name,
            "version_id": version.pk,
            "number": version.number,
        },
        actor=actor,
    )
    return acceptance, True


def _acceptance_of(version: AgreementVersion, partner: PartnerOrganization) -> AgreementAcceptance | None:
    return AgreementAcceptance.objects.filter(version=version, partner_organization=partner).first()


# Reminders ----------------------------------------------------------------------------------------------------


@transaction.atomic
def agreement_reminders_send(*, today: date | None = None) -> int:
    """For the current tenant: remind the partner admins of partners that have not accepted a current version 7
    days and 1 day before its deadline, and tell the owning channel managers (or the tenant admins) once, after
    the deadline, which partners missed it. Each goes out once per version (reminders_sent); returns how many
    notices went out. Versions another run is handling are skipped."""
    today = today or timezone.localdate()
    versions = (
        selectors.current_versions()
        .filter(reaccept_by__isnull=False, reaccept_by__lte=today + timedelta(days=max(REMINDER_DAYS)))
        .exclude(reminders_sent__contains=[OVERDUE_NOTICE])
        .select_related("agreement")
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("id")
    )
    sent = 0
    for version in versions:
        done = set(version.reminders_sent or [])
        days_left = (version.reaccept_by - today).days
        if days_left < 0:
            sent += _tell_owners_about_overdue_partners(version)
            done.add(OVERDUE_NOTICE)
        else:
            due = sorted(days for days in REMINDER_DAYS if days_left <= days and days not in done)
            if not due:
                continue
            if days_left == 0:
                left = gettext_lazy("today")
            elif days_left == 1:
                left = gettext_lazy("tomorrow")
            else:
                left = lazy_format(ngettext_lazy("in %(days)s day", "in %(days)s days", days_left), days=days_left)
            sent += _ask_partner_admins(
                version,
                kind="agreement.reminder",
                title=lazy_format(
                    gettext_lazy("Reminder: accept %(agreement)s v%(number)s by %(day)s"),
                    agreement=version.agreement.name,
                    number=version.number,
                    day=_day(version.reaccept_by),
                ),
                body=lazy_format(
                    gettext_lazy(
                        "Your organization has not yet accepted version %(number)s of %(agreement)s. The deadline is "
                        "%(day)s (%(left)s)."
                    ),
                    number=version.number,
                    agreement=version.agreement.name,
                    day=_day(version.reaccept_by),
                    left=left,
                ),
            )
            done.update(due)
        version.reminders_sent = sorted(done, reverse=True)
        version.save(update_fields=["reminders_sent", "updated_at"])
    return sent


def _tell_owners_about_overdue_partners(version: AgreementVersion) -> int:
    overdue = list(selectors.pending_partners(version).only("pk", "name", "owner_id").order_by("name", "id"))
    if not overdue:
        return 0
    managers = set(
        Membership.objects.filter(
            user_id__in={p.owner_id for p in overdue if p.owner_id},
            is_active=True,
            role__in=[Role.TENANT_ADMIN, Role.CHANNEL_MANAGER],
        ).values_list("user_id", flat=True)
    )
    by_owner: dict[int | None, list[PartnerOrganization]] = defaultdict(list)
    for partner in overdue:
        by_owner[partner.owner_id if partner.owner_id in managers else None].append(partner)
    admins = None
    agreement = version.agreement
    notices = []
    url = reverse("agreement_version", args=[current_tenant().slug, agreement.pk, version.pk])
    for owner_id, partners in by_owner.items():
        if owner_id is None:
            if admins is None:
                admins = list(
                    Membership.objects.filter(role=Role.TENANT_ADMIN, is_active=True).values_list("user", flat=True)
                )
            user_ids = admins
        else:
            user_ids = [owner_id]
        names = ", ".join(p.name for p in partners[:OVERDUE_NAMES_SHOWN])
        if len(partners) > OVERDUE_NAMES_SHOWN:
            names = lazy_format(
                gettext_lazy("%(names)s and %(count)s more"), names=names, count=len(partners) - OVERDUE_NAMES_SHOWN
            )
        title = lazy_format(
            ngettext_lazy(
                "%(count)s partner missed the deadline for %(agreement)s v%(number)s",
                "%(count)s partners missed the deadline for %(agreement)s v%(number)s",
                len(partners),
            ),
            count=len(partners),
            agreement=agreement.name,
            number=version.number,
        )
        body = lazy_format(
            gettext_lazy("Not accepted by %(day)s: %(names)s."), day=_day(version.reaccept_by), names=names
        )
        notices.append((user_ids, title, body))
    # notify() writes each notice in its reader's language, so it needs the readers themselves.
    users = get_user_model().objects.in_bulk({pk for user_ids, _title, _body in notices for pk in user_ids})
    for user_ids, title, body in notices:
        notify(
            users=[users[pk] for pk in user_ids if pk in users],
            kind="agreement.overdue",
            title=title,
            body=body,
            url=url,
        )
    return len(by_owner)
