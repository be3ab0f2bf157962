"""The partner lifecycle: steps (apply, approve, activate, suspend, reject, offboard, reactivate) that move a
partner through STATUS_TRANSITIONS, each recording who, when and why (the row's history and a domain event)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import (
    STATUS_TRANSITIONS,
    PartnerOrganization,
    PartnerStatus,
)
from partners.services.organization import partner_payload
from prm import policy
from prm.access import partner_access_revoke
from prm.errors import InvalidTransition, ValidationFailed
from prm.events import record_event
from prm.policy import Actor

# Lifecycle ----------------------------------------------------------------------------------------------------

# Steps that take a partner's access away, or turn it down, must say why: the reason is shown to staff in the
# history and sent with the event.
REASON_REQUIRED = frozenset({PartnerStatus.SUSPENDED, PartnerStatus.OFFBOARDED, PartnerStatus.REJECTED})
REASON_MAX_LENGTH = PartnerOrganization._meta.get_field("status_reason").max_length
# Whole sentences, so each language can word them its own way (a status is not always an adjective).
_REASON_REQUIRED_MESSAGES = {
    PartnerStatus.SUSPENDED: lambda: _("Say why the partner is suspended."),
    PartnerStatus.OFFBOARDED: lambda: _("Say why the partner is offboarded."),
    PartnerStatus.REJECTED: lambda: _("Say why the partner is rejected."),
}


def _status_label(status: str) -> str:
    return str(PartnerStatus(status).label) if status in PartnerStatus.values else status


def _refuse(partner: PartnerOrganization, to: str) -> InvalidTransition:
    allowed = sorted(_status_label(s) for s in STATUS_TRANSITIONS.get(partner.status, ()))
    params = {"partner": partner.name, "from": _status_label(partner.status), "to": _status_label(to)}
    if allowed:
        message = _("%(partner)s cannot go from %(from)s to %(to)s. From %(from)s it can go to: %(allowed)s.") % {
            **params,
            "allowed": ", ".join(allowed),
        }
    else:
        message = _("%(partner)s cannot go from %(from)s to %(to)s.") % params
    return InvalidTransition(message, field="status")


def _checked(*, actor: Actor, partner: PartnerOrganization, to: str, reason: str) -> tuple[PartnerOrganization, str]:
    """Permission, row lock, transition table and reason: the partner (locked, fresh) and the cleaned reason."""
    policy.require(actor, "partners.change_status", partner)
    partner = PartnerOrganization.objects.select_for_update().get(pk=partner.pk)
    if not partner.can_transition_to(to):
        raise _refuse(partner, to)
    reason = (reason or "").strip()
    if to in REASON_REQUIRED and not reason:
        raise ValidationFailed(_REASON_REQUIRED_MESSAGES[to](), field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationFailed(
            _("Keep the reason under %(limit)s characters.") % {"limit": REASON_MAX_LENGTH}, field="reason"
        )
    return partner, reason


def _apply(
    *,
    actor: Actor,
    partner: PartnerOrganization,
    to: str,
    reason: str,
    event_type: str,
    stamp: str | None = None,
    extra: dict | None = None,
) -> PartnerOrganization:
    """Write a checked change: status, reason, the time-to-value stamp (set only the first time), history
    (pghistory records status and status_reason with the acting user) and the event with from, to and reason."""
    before = partner.status
    partner.status, partner.status_reason = to, reason
    fields = ["status", "status_reason", "updated_at"]
    if stamp and getattr(partner, stamp) is None:
        setattr(partner, stamp, timezone.now())
        fields.append(stamp)
    partner.save(update_fields=fields)
    payload = {**partner_payload(partner), "from": before, "to": to, "reason": reason, **(extra or {})}
    record_event(event_type, subject=partner, payload=payload, actor=actor)
    return partner


def _change_status(
    *, actor: Actor, partner: PartnerOrganization, to: str, reason: str, event_type: str, stamp: str | None = None
) -> PartnerOrganization:
    partner, reason = _checked(actor=actor, partner=partner, to=to, reason=reason)
    return _apply(actor=actor, partner=partner, to=to, reason=reason, event_type=event_type, stamp=stamp)


@transaction.atomic
def partner_apply(*, actor: Actor, partner: PartnerOrganization, reason: str = "") -> PartnerOrganization:
    """A prospect (or a rejected partner trying again) has applied to the program."""
    return _change_status(
        actor=actor,
        partner=partner,
        to=PartnerStatus.APPLIED,
        reason=reason,
        event_type="partner.applied",
        stamp="applied_at",
    )


@transaction.atomic
def partner_approve(*, actor: Actor, partner: PartnerOrganization, reason: str = "") -> PartnerOrganization:
    """A prospect or an applicant is accepted into the program and starts onboarding."""
    partner_now = PartnerOrganization.objects.select_for_update().get(pk=partner.pk)
    if partner_now.status not in (PartnerStatus.PROSPECT, PartnerStatus.APPLIED):
        raise _refuse(partner_now, PartnerStatus.ONBOARDING)
    return _change_status(
        actor=actor,
        partner=partner,
        to=PartnerStatus.ONBOARDING,
        reason=reason,
        event_type="partner.approved",
        stamp="approved_at",
    )


@transaction.atomic
def partner_activate(*, actor: Actor, partner: PartnerOrganization, reason: str = "") -> PartnerOrganization:
    """An onboarding partner goes live. `activated_at` keeps the first activation (time to value)."""
    partner_now = PartnerOrganization.objects.select_for_update().get(pk=partner.pk)
    if partner_now.status != PartnerStatus.ONBOARDING:
        raise _refuse(partner_now, PartnerStatus.ACTIVE)
    return _change_status(
        actor=actor,
        partner=partner,
        to=PartnerStatus.ACTIVE,
        reason=reason,
        event_type="partner.activated",
        stamp="activated_at",
    )


@transaction.atomic
def partner_suspend(*, actor: Actor, partner: PartnerOrganization, reason: str) -> PartnerOrganization:
    """Put an onboarding or active partner on hold, with a reason.

    Suspension takes no access away: the partner's people still sign in, see the portal and their records, and
    their partner-bound API keys keep working; the partner's pages say it is suspended and why. Later use cases
    (deal registration, funds) refuse new submissions from a suspended partner. Offboarding is what cuts access."""
    return _change_status(
        actor=actor, partner=partner, to=PartnerStatus.SUSPENDED, reason=reason, event_type="partner.suspended"
    )


@transaction.atomic
def partner_reject(*, actor: Actor, partner: PartnerOrganization, reason: str) -> PartnerOrganization:
    """Turn down a prospect or an applicant, with a reason (they may apply again later)."""
    return _change_status(
        actor=actor, partner=partner, to=PartnerStatus.REJECTED, reason=reason, event_type="partner.rejected"
    )


@transaction.atomic
def partner_offboard(*, actor: Actor, partner: PartnerOrganization, reason: str) -> PartnerOrganization:
    """End the partnership, with a reason, and cut the partner's access at once, in this one transaction
    (memberships, partner-bound API keys, open invitations, sessions: prm.access.partner_access_revoke).

    Nothing is deleted: the organization, its people, keys, invitations and history stay as records."""
    partner, reason = _checked(actor=actor, partner=partner, to=PartnerStatus.OFFBOARDED, reason=reason)
    access_removed = partner_access_revoke(actor=actor, partner_organization=partner, reason="partner offboarded")
    return _apply(
        actor=actor,
        partner=partner,
        to=PartnerStatus.OFFBOARDED,
        reason=reason,
        event_type="partner.offboarded",
        stamp="offboarded_at",
        extra={"access_removed": access_removed},
    )


# What offboarding did elsewhere is added to the reason after this, on the offboarding record.
OFFBOARDING_NOTE_SEPARATOR = " — "


@transaction.atomic
def partner_offboarding_note(*, actor: Actor, partner_id: int, note: str) -> PartnerOrganization | None:
    """Add to an offboarded partner's record what another part of the program did because of the offboarding
    (deal registration: "3 open deal registrations withdrawn, 2 protections ended"): the status reason, which the
    partner's page shows and its history keeps, gets the note after the reason given (shortened, if need be, to
    leave the note room). A note already there is not added again (events are delivered at least once); a partner
    that is no longer offboarded (reactivated since) is left as it is. Records `partner.updated`."""
    partner = PartnerOrganization.objects.select_for_update().filter(pk=partner_id).first()
    if partner is None:
        return None
    policy.require(actor, "partners.change_status", partner)
    note = " ".join((note or "").split())[:REASON_MAX_LENGTH]
    if partner.status != PartnerStatus.OFFBOARDED or not note or note in partner.status_reason:
        return partner
    reason = partner.status_reason
    room = REASON_MAX_LENGTH - len(note) - len(OFFBOARDING_NOTE_SEPARATOR)
    if len(reason) > room:
        reason = reason[: max(room - 1, 0)].rstrip() + "…"
    partner.status_reason = f"{reason}{OFFBOARDING_NOTE_SEPARATOR}{note}" if reason else note
    partner.save(update_fields=["status_reason", "updated_at"])
    payload = {**partner_payload(partner), "changed": ["status_reason"]}
    record_event("partner.updated", subject=partner, payload=payload, actor=actor)
    return partner


@transaction.atomic
def partner_reactivate(*, actor: Actor, partner: PartnerOrganization, reason: str = "") -> PartnerOrganization:
    """Bring a partner back: suspended → active, offboarded → onboarding (agreement and profile again).

    Only the status changes. Offboarding's other effects are not undone: memberships stay inactive until a
    tenant admin reactivates people one by one on the member page, revoked API keys stay revoked (issue new ones)
    and withdrawn invitations stay withdrawn. Months may pass between offboarding and coming back; people leave
    the partner in between, so re-enabling everyone at once would hand access to whoever held it last."""
    partner_now = PartnerOrganization.objects.select_for_update().get(pk=partner.pk)
    targets = {PartnerStatus.SUSPENDED: PartnerStatus.ACTIVE, PartnerStatus.OFFBOARDED: PartnerStatus.ONBOARDING}
    if partner_now.status not in targets:
        raise InvalidTransition(
            _("%(partner)s is %(status)s: only suspended or offboarded partners can be reactivated.")
            % {"partner": partner_now.name, "status": _status_label(partner_now.status).lower()},
            field="status",
        )
    to = targets[partner_now.status]
    stamp = "activated_at" if to == PartnerStatus.ACTIVE else None
    return _change_status(
        actor=actor, partner=partner, to=to, reason=reason, event_type="partner.reactivated", stamp=stamp
    )


@transaction.atomic
def partner_change_status(
    *, actor: Actor, partner: PartnerOrganization, status: str, reason: str = ""
) -> PartnerOrganization:
    """Move a partner to `status` through the use case that leads there (the lifecycle card posts a target)."""
    policy.require(actor, "partners.change_status", partner)
    if status not in PartnerStatus.values:
        raise ValidationFailed(_("Choose a status."), field="status")
    current = PartnerOrganization.objects.select_for_update().get(pk=partner.pk)
    if not current.can_transition_to(status):
        raise _refuse(current, status)
    use_case = {
        PartnerStatus.APPLIED: partner_apply,
        PartnerStatus.ONBOARDING: partner_reactivate if current.status == PartnerStatus.OFFBOARDED else partner_approve,
        PartnerStatus.ACTIVE: partner_reactivate if current.status == PartnerStatus.SUSPENDED else partner_activate,
        PartnerStatus.SUSPENDED: partner_suspend,
        PartnerStatus.OFFBOARDED: partner_offboard,
        PartnerStatus.REJECTED: partner_reject,
    }[status]
    return use_case(actor=actor, partner=current, reason=reason)
