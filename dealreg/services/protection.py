"""Protection after approval: extension requests and their decision, the nightly expiry with its warning ahead,
and the close of a protected deal as won or lost (by the partner, by staff, or by the CRM through the API)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

from dealreg.models import (
    DealActivityKind,
    DealExtensionRequest,
    DealRegistration,
    DealStatus,
    ExtensionStatus,
)
from dealreg.services.cleaning import clean_closed_date, clean_whole_number
from dealreg.services.common import (
    add_activity,
    check_may_register,
    deal_payload,
    deal_url,
    is_partner_actor,
    lock,
    notify_partner,
    owning_channel_managers,
    person,
    refuse,
    shown_date,
    shown_money,
    shown_time,
    status_label,
    tenant_admins,
    user_of,
)
from dealreg.services.registrations import resolve_crm_opportunity
from dealreg.services.rules import engagement_rules_get
from prm import policy
from prm.cleaning import clean_text
from prm.errors import InvalidTransition, PermissionDenied, ValidationFailed
from prm.events import record_event
from prm.i18n import lazy_format
from prm.money import clean_amount
from prm.notifications import notify
from prm.policy import Actor, ProgramActor

REASON_MAX_LENGTH = 2000
LOST_REASON_MAX_LENGTH = 500


# Extensions ---------------------------------------------------------------------------------------------------


def may_decide_extension(actor: Actor, registration: DealRegistration, rules=None) -> bool:
    """The rules of engagement name who decides extensions: channel managers (and tenant admins), or tenant
    admins only."""
    rules = rules or engagement_rules_get()
    if rules.extension_approver == "tenant_admin":
        return policy.can(actor, "deals.manage_rules", registration)
    return policy.can(actor, "deals.review", registration)


def _extension_approvers(registration: DealRegistration, rules) -> list:
    if rules.extension_approver == "tenant_admin":
        return tenant_admins()
    return owning_channel_managers(registration.partner_organization)


def _check_protected(registration: DealRegistration, *, today: date) -> None:
    if registration.status != DealStatus.APPROVED:
        raise InvalidTransition(
            _("Only a protected (approved) registration can be extended; this one has the status “%(status)s”.")
            % {"status": status_label(registration.status)},
            field="status",
        )
    if registration.protected_until is not None and registration.protected_until < today:
        raise InvalidTransition(
            _("The protection ended on %(date)s: it can no longer be extended.")
            % {"date": shown_date(registration.protected_until)},
            field="status",
        )


@transaction.atomic
def deal_request_extension(*, actor: Actor, registration: DealRegistration, days, reason: str) -> DealExtensionRequest:
    """The partner asks for more protection while it lasts: at most `extension_days` days at a time, at most
    `max_extensions` times, one request waiting at a time, with a reason."""
    registration = lock(registration)
    check_may_register(actor, registration)
    _check_protected(registration, today=timezone.localdate())
    rules = engagement_rules_get()
    if rules.max_extensions == 0:
        raise ValidationFailed(_("The program does not extend protection."), field="days")
    if registration.extensions_used >= rules.max_extensions:
        message = ngettext(
            "This registration was already extended once, the most the program allows.",
            "This registration was already extended %(count)s times, the most the program allows.",
            rules.max_extensions,
        ) % {"count": rules.max_extensions}
        raise ValidationFailed(message, field="days")
    if registration.extension_requests.filter(status=ExtensionStatus.PENDING).exists():
        raise ValidationFailed(_("An extension request is already waiting for a decision."), field="days")
    days = clean_whole_number(
        days,
        field="days",
        low=1,
        high=rules.extension_days,
        message=_("Ask for 1 to %(days)s days.") % {"days": rules.extension_days},
    )
    reason = clean_text(reason, field="reason", max_length=REASON_MAX_LENGTH, required=_("Say why you need more time."))
    extension = DealExtensionRequest.objects.create(
        registration=registration, requested_by=user_of(actor), reason=reason, days=days
    )
    add_activity(
        registration,
        DealActivityKind.EXTENSION_REQUESTED,
        actor=actor,
        message=ngettext("%(days)s more day asked: %(reason)s", "%(days)s more days asked: %(reason)s", days)
        % {"days": days, "reason": reason},
    )
    notify(
        users=_extension_approvers(registration, rules),
        kind="deal.extension_requested",
        title=lazy_format(
            ngettext_lazy(
                "%(partner)s asks %(days)s more day for %(customer)s",
                "%(partner)s asks %(days)s more days for %(customer)s",
                days,
            ),
            partner=registration.partner_organization.name,
            days=days,
            customer=registration.customer_name,
        ),
        body=reason[:300],
        url=deal_url(registration),
    )
    return extension


@transaction.atomic
def deal_decide_extension(
    *, actor: Actor, extension: DealExtensionRequest, approve: bool, note: str = ""
) -> DealExtensionRequest:
    """Approve (protection extended by the days asked, from its current end) or decline a waiting extension
    request. Only the role the rules of engagement name decides."""
    registration = lock(extension.registration)
    rules = engagement_rules_get()
    if not may_decide_extension(actor, registration, rules):
        raise PermissionDenied(_("You may not decide extension requests."))
    extension = DealExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    if extension.status != ExtensionStatus.PENDING:
        params = {"person": person(extension.decided_by) if extension.decided_by_id else _("the program")}
        params["time"] = shown_time(extension.decided_at)
        approved = extension.status == ExtensionStatus.APPROVED
        if extension.decided_at:
            message = (
                _("This extension request was already approved by %(person)s at %(time)s.")
                if approved
                else _("This extension request was already declined by %(person)s at %(time)s.")
            )
        else:
            message = (
                _("This extension request was already approved by %(person)s.")
                if approved
                else _("This extension request was already declined by %(person)s.")
            )
        raise InvalidTransition(message % params, field="status")
    note = clean_text(note, field="note", max_length=REASON_MAX_LENGTH)
    now = timezone.now()
    if approve:
        _check_protected(registration, today=timezone.localdate())
        if registration.extensions_used >= rules.max_extensions:
            raise ValidationFailed(_("This registration has had every extension the program allows."), field="status")
        registration.protected_until = registration.protected_until + timedelta(days=extension.days)
        registration.extensions_used += 1
        registration.expiry_warned_at = None  # a new warning comes before the new end
        registration.save(update_fields=["protected_until", "extensions_used", "expiry_warned_at", "updated_at"])
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.DECLINED
    extension.decided_by = user_of(actor)
    extension.decided_at = now
    extension.decision_note = note
    extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    until = shown_date(registration.protected_until)
    if approve:
        extended = ngettext(
            "Protection extended by %(days)s day, until %(date)s.",
            "Protection extended by %(days)s days, until %(date)s.",
            extension.days,
        ) % {"days": extension.days, "date": until}
        add_activity(
            registration,
            DealActivityKind.EXTENDED,
            actor=actor,
            message=extended + (f" {note}" if note else ""),
        )
        record_event(
            "deal.extended",
            subject=registration,
            payload=deal_payload(registration, days=extension.days, extension_id=extension.pk),
            actor=actor,
        )
        title = lazy_format(
            gettext_lazy("%(customer)s: protection extended until %(date)s"),
            customer=registration.customer_name,
            date=until,
        )
    else:
        add_activity(
            registration,
            DealActivityKind.EXTENSION_DECLINED,
            actor=actor,
            message=_("Extension declined.") + (f" {note}" if note else ""),
        )
        title = lazy_format(
            gettext_lazy("%(customer)s: extension declined (protected until %(date)s)"),
            customer=registration.customer_name,
            date=until,
        )
    notify_partner(registration, kind="deal.extension_decided", title=title, body=note)
    return extension


def _close_pending_extensions(registration: DealRegistration, *, why: str) -> None:
    """A registration that leaves protection has no use for a waiting extension request: it is declined."""
    registration.extension_requests.filter(status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.DECLINED, decided_at=timezone.now(), decision_note=why, updated_at=timezone.now()
    )


# Expiry -------------------------------------------------------------------------------------------------------


def _expire(registration: DealRegistration) -> None:
    """Write the expiry of a locked approved registration whose protection ended: the program's doing (its rules
    end protection), so no person is named."""
    program = ProgramActor(registration.tenant_id)
    registration.status = DealStatus.EXPIRED
    registration.save(update_fields=["status", "updated_at"])
    ended = shown_date(registration.protected_until)
    add_activity(
        registration,
        DealActivityKind.EXPIRED,
        actor=program,
        message=_("Protection ended on %(date)s without a close.") % {"date": ended},
        from_status=DealStatus.APPROVED,
        to_status=DealStatus.EXPIRED,
    )
    _close_pending_extensions(registration, why=_("The protection ended."))
    record_event("deal.expired", subject=registration, payload=deal_payload(registration), actor=program)
    notify_partner(
        registration,
        kind="deal.expired",
        title=lazy_format(
            gettext_lazy("Protection of %(customer)s ended on %(date)s"),
            customer=registration.customer_name,
            date=ended,
        ),
        body=gettext_lazy("The registration has expired. Register the deal again if you are still working it."),
    )


@dataclass
class ExpiryRun:
    expired: int = 0
    warned: int = 0


def protection_expiry_run(*, today: date | None = None) -> ExpiryRun:
    """For the current tenant: approved registrations whose protection ended (protected_until before today)
    expire — `deal.expired`, the partner notified; those whose protection ends within `expiry_warning_days` get
    one warning. Each row is its own transaction and checks its state first, so a repeated run changes nothing."""
    today = today or timezone.localdate()
    run = ExpiryRun()
    lapsed = DealRegistration.objects.filter(status=DealStatus.APPROVED, protected_until__lt=today)
    for registration_id in list(lapsed.order_by("protected_until", "id").values_list("pk", flat=True)):
        with transaction.atomic():
            registration = lock(DealRegistration(pk=registration_id))
            if registration.status == DealStatus.APPROVED and registration.protected_until < today:
                _expire(registration)
                run.expired += 1
    rules = engagement_rules_get()
    if rules.expiry_warning_days:
        horizon = today + timedelta(days=rules.expiry_warning_days)
        ending = DealRegistration.objects.filter(
            status=DealStatus.APPROVED,
            expiry_warned_at__isnull=True,
            protected_until__gte=today,
            protected_until__lte=horizon,
        )
        now = timezone.now()
        for registration in list(ending.select_related("partner_organization").order_by("protected_until", "id")):
            with transaction.atomic():
                claimed = DealRegistration.objects.filter(
                    pk=registration.pk, status=DealStatus.APPROVED, expiry_warned_at__isnull=True
                ).update(expiry_warned_at=now)
                if not claimed:
                    continue
                until = shown_date(registration.protected_until)
                days_left = (registration.protected_until - today).days
                add_activity(
                    registration,
                    DealActivityKind.EXPIRY_WARNING,
                    message=ngettext(
                        "Protection ends on %(date)s (%(days)s day left).",
                        "Protection ends on %(date)s (%(days)s days left).",
                        days_left,
                    )
                    % {"date": until, "days": days_left},
                )
                extendable = registration.extensions_used < rules.max_extensions
                notify_partner(
                    registration,
                    kind="deal.expiring",
                    title=lazy_format(
                        gettext_lazy("Protection of %(customer)s ends on %(date)s"),
                        customer=registration.customer_name,
                        date=until,
                    ),
                    body=gettext_lazy("Close the deal, or ask for an extension from the registration's page.")
                    if extendable
                    else gettext_lazy("Close the deal before then: it can no longer be extended."),
                )
                run.warned += 1
    return run


# Won / lost -------------------------------------------------------------------------------------------------------


def _close(registration: DealRegistration, *, actor: Actor, to: str, message: Promise, extra: dict) -> None:
    """`message` is lazy: the timeline keeps it in the closer's language, the partner reads it in theirs."""
    add_activity(
        registration,
        DealActivityKind.WON if to == DealStatus.WON else DealActivityKind.LOST,
        actor=actor,
        message=str(message),
        from_status=DealStatus.APPROVED,
        to_status=to,
    )
    _close_pending_extensions(
        registration, why=_("The deal was won.") if to == DealStatus.WON else _("The deal was lost.")
    )
    record_event(
        f"deal.{to}",
        subject=registration,
        payload=deal_payload(registration, closed_at=registration.closed_at.isoformat(), **extra),
        actor=actor,
    )
    if not is_partner_actor(actor):
        title = (
            gettext_lazy("%(customer)s is marked won")
            if to == DealStatus.WON
            else gettext_lazy("%(customer)s is marked lost")
        )
        notify_partner(
            registration,
            kind="deal.closed",
            title=lazy_format(title, customer=registration.customer_name),
            body=message,
        )


@transaction.atomic
def deal_mark_won(
    *, actor: Actor, registration: DealRegistration, closed_amount, closed_date=None, crm_opportunity=None
) -> DealRegistration:
    """A protected deal is won, with the amount actually closed and the date (today when not given, never in the
    future); optionally linked to the CRM opportunity by its external id. `deal.won` carries the partner (its
    time to value follows it)."""
    registration = lock(registration)
    check_may_register(actor, registration)
    if not registration.can_transition_to(DealStatus.WON):
        raise refuse(registration, DealStatus.WON)
    amount = clean_amount(closed_amount, field="closed_amount", label=_("The closed amount"))
    closed = clean_closed_date(closed_date)
    opportunity = resolve_crm_opportunity(actor, crm_opportunity)
    registration.status = DealStatus.WON
    registration.closed_amount = amount
    registration.closed_at = closed
    fields = ["status", "closed_amount", "closed_at", "updated_at"]
    if opportunity is not None:
        registration.crm_opportunity = opportunity
        fields.append("crm_opportunity")
    registration.save(update_fields=fields)
    _close(
        registration,
        actor=actor,
        to=DealStatus.WON,
        message=lazy_format(
            gettext_lazy("Won: %(amount)s on %(date)s."),
            amount=shown_money(amount, registration.currency),
            date=shown_date(closed),
        ),
        extra={"closed_amount": str(amount)},
    )
    return registration


@transaction.atomic
def deal_mark_lost(*, actor: Actor, registration: DealRegistration, reason: str, closed_date=None) -> DealRegistration:
    """A protected deal is lost, with the reason (required) and the date (today when not given)."""
    registration = lock(registration)
    check_may_register(actor, registration)
    if not registration.can_transition_to(DealStatus.LOST):
        raise refuse(registration, DealStatus.LOST)
    reason = clean_text(
        reason, field="reason", max_length=LOST_REASON_MAX_LENGTH, required=_("Say why the deal was lost.")
    )
    closed = clean_closed_date(closed_date)
    registration.status = DealStatus.LOST
    registration.lost_reason = reason
    registration.closed_at = closed
    registration.save(update_fields=["status", "lost_reason", "closed_at", "updated_at"])
    _close(
        registration,
        actor=actor,
        to=DealStatus.LOST,
        message=lazy_format(gettext_lazy("Lost on %(date)s: %(reason)s"), date=shown_date(closed), reason=reason),
        extra={"lost_reason": reason},
    )
    return registration


@transaction.atomic
def deal_expire(*, registration: DealRegistration) -> DealRegistration:
    """Expire one approved registration whose protection ended (the nightly run does this for every one)."""
    registration = lock(registration)
    if not registration.can_transition_to(DealStatus.EXPIRED):
        raise refuse(registration, DealStatus.EXPIRED)
    if registration.protected_until is not None and registration.protected_until >= timezone.localdate():
        raise InvalidTransition(
            _("The registration is protected until %(date)s: it expires after.")
            % {"date": shown_date(registration.protected_until)},
            field="status",
        )
    _expire(registration)
    return registration
