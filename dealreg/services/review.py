"""A channel manager's side: start a review, approve (optionally assigning a vendor seller for co-sell), reject
with a reason, ask the partner a question; bulk decisions on the queue; the review SLA's reminders and escalation.

Every decision locks the registration's row and checks its status inside the transaction: when two channel
managers decide the same registration at the same moment, the first one wins and the second is told who decided
and when. Each decision writes the timeline, its event and a notification to the partner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dealreg.models import (
    AWAITING_REVIEW_STATUSES,
    DealActivityKind,
    DealRegistration,
    DealStatus,
    RejectionReason,
)
from dealreg.services.common import (
    add_activity,
    check_may_review,
    check_transition,
    deal_payload,
    deal_url,
    lock,
    notify_partner,
    owning_channel_managers,
    person,
    shown_date,
    shown_time,
    tenant_admins,
    user_of,
)
from dealreg.services.partner_terms import protection_days_for
from dealreg.services.rules import engagement_rules_get
from prm.cleaning import clean_text
from prm.errors import DomainError, ValidationFailed
from prm.events import record_event
from prm.i18n import lazy_format
from prm.models import Membership
from prm.notifications import notify
from prm.policy import Actor, ProgramActor
from prm.roles import Role
from prm.tenancy import current_tenant

NOTE_MAX_LENGTH = 5000
QUESTION_MAX_LENGTH = 5000
# The review SLA: a reminder this long before the due time, then an escalation once it has passed.
SLA_REMINDER_BEFORE = timedelta(hours=4)
# On the queue, "due soon" means due within this time.
SLA_DUE_SOON = timedelta(hours=24)
BULK_LIMIT = 200
# Who a registration may be assigned to for co-sell: the vendor's own people.
ASSIGNABLE_ROLES = (Role.TENANT_ADMIN, Role.CHANNEL_MANAGER, Role.MARKETING, Role.FINANCE, Role.ANALYST)


# Decisions (shared by the manual steps and the automatic rules) ---------------------------------------------------


def approve(registration: DealRegistration, *, actor: Actor, rules, note: str = "", assign_to=None, auto: bool = False):
    """Write an approval on a locked, checked registration: protected until today + the protection period."""
    now = timezone.now()
    before = registration.status
    registration.status = DealStatus.APPROVED
    registration.approved_at = registration.decided_at = now
    registration.decided_by = user_of(actor)
    registration.auto_approved = auto
    registration.protected_until = timezone.localdate() + timedelta(
        days=protection_days_for(registration.partner_organization_id, rules)
    )
    registration.decision_note = note
    registration.rejection_reason = ""
    if assign_to is not None:
        registration.assigned_to = assign_to
    registration.save()
    until = shown_date(registration.protected_until)
    if auto:
        message = _("Approved automatically (rules of engagement). Protected until %(date)s.") % {"date": until}
    else:
        message = _("Approved. Protected until %(date)s.") % {"date": until}
    add_activity(
        registration,
        DealActivityKind.APPROVED,
        actor=actor,
        message=message + (f" {note}" if note else ""),
        from_status=before,
        to_status=DealStatus.APPROVED,
    )
    if assign_to is not None:
        add_activity(
            registration,
            DealActivityKind.ASSIGNED,
            actor=actor,
            message=_("%(person)s works the deal with you (co-sell).") % {"person": person(assign_to)},
        )
    record_event(
        "deal.approved",
        subject=registration,
        payload=deal_payload(
            registration,
            auto_approved=auto,
            assigned_to_id=registration.assigned_to_id,
            approved_at=now.isoformat(),
        ),
        actor=actor,
    )
    notify_partner(
        registration,
        kind="deal.approved",
        title=lazy_format(
            gettext_lazy("%(customer)s is approved: protected until %(date)s"),
            customer=registration.customer_name,
            date=until,
        ),
        body=note,
    )
    if assign_to is not None:
        notify(
            users=[assign_to],
            kind="deal.assigned",
            title=lazy_format(
                gettext_lazy("You are assigned to %(customer)s (co-sell with %(partner)s)"),
                customer=registration.customer_name,
                partner=registration.partner_organization.name,
            ),
            url=deal_url(registration),
        )
    return registration


def reject(registration: DealRegistration, *, actor: Actor, reason: str, note: str = "", winner_id: int | None = None):
    """Write a rejection on a locked, checked registration."""
    now = timezone.now()
    before = registration.status
    registration.status = DealStatus.REJECTED
    registration.decided_at = now
    registration.decided_by = user_of(actor)
    registration.rejection_reason = reason
    registration.decision_note = note
    registration.save()
    label = RejectionReason(reason).label
    add_activity(
        registration,
        DealActivityKind.REJECTED,
        actor=actor,
        message=f"{label}." + (f" {note}" if note else ""),
        from_status=before,
        to_status=DealStatus.REJECTED,
    )
    extra = {"rejection_reason": reason, "automatic": isinstance(actor, ProgramActor)}
    record_event("deal.rejected", subject=registration, payload=deal_payload(registration, **extra), actor=actor)
    notify_partner(
        registration,
        kind="deal.rejected",
        title=lazy_format(
            gettext_lazy("Your registration of %(customer)s was turned down"), customer=registration.customer_name
        ),
        body=format_lazy("{}. {}", label, note) if note else format_lazy("{}.", label),
    )
    return registration


# Channel manager steps ----------------------------------------------------------------------------------------


def _assignee(assign_to):
    """A vendor person (active staff member of the tenant) to co-sell with; refused otherwise."""
    if assign_to is None:
        return None
    user_id = getattr(assign_to, "pk", assign_to)
    member = (
        Membership.objects.select_related("user")
        .filter(user_id=user_id, is_active=True, role__in=ASSIGNABLE_ROLES)
        .first()
        if isinstance(user_id, int) and not isinstance(user_id, bool)
        else None
    )
    if member is None:
        raise ValidationFailed(_("Assign the deal to one of the vendor's active people."), field="assign_to")
    return member.user


@transaction.atomic
def deal_start_review(*, actor: Actor, registration: DealRegistration) -> DealRegistration:
    """A channel manager takes a submitted registration: it can no longer be changed by the partner."""
    registration = lock(registration)
    check_may_review(actor, registration)
    check_transition(registration, DealStatus.UNDER_REVIEW)
    before = registration.status
    registration.status = DealStatus.UNDER_REVIEW
    registration.save(update_fields=["status", "updated_at"])
    add_activity(
        registration,
        DealActivityKind.NOTE,
        actor=actor,
        message=_("%(person)s started the review.")
        % {"person": person(user_of(actor)) if user_of(actor) else _("The vendor")},
        from_status=before,
        to_status=DealStatus.UNDER_REVIEW,
    )
    return registration


@transaction.atomic
def deal_approve(*, actor: Actor, registration: DealRegistration, note: str = "", assign_to=None) -> DealRegistration:
    """Approve a registration waiting for review: it is protected until today + the protection period (a date the
    partner sees). With `assign_to`, a vendor person joins for co-sell."""
    registration = lock(registration)
    check_may_review(actor, registration)
    check_transition(registration, DealStatus.APPROVED)
    note = clean_text(note, field="note", max_length=NOTE_MAX_LENGTH)
    assignee = _assignee(assign_to)
    return approve(registration, actor=actor, rules=engagement_rules_get(), note=note, assign_to=assignee)


@transaction.atomic
def deal_reject(*, actor: Actor, registration: DealRegistration, reason: str, note: str = "") -> DealRegistration:
    """Turn a registration down with a reason from the list (RejectionReason) and, for "other", words of one's
    own."""
    registration = lock(registration)
    check_may_review(actor, registration)
    check_transition(registration, DealStatus.REJECTED)
    if reason not in RejectionReason.values:
        raise ValidationFailed(_("Choose the reason from the list."), field="reason")
    note = clean_text(note, field="note", max_length=NOTE_MAX_LENGTH)
    if reason == RejectionReason.OTHER and not note:
        raise ValidationFailed(_("Say why the registration is turned down."), field="note")
    return reject(registration, actor=actor, reason=reason, note=note)


@transaction.atomic
def deal_request_info(*, actor: Actor, registration: DealRegistration, question: str) -> DealRegistration:
    """Ask the partner a question: the registration waits for the answer, and the review SLA is paused meanwhile
    (the answer resumes it for the time that was left)."""
    registration = lock(registration)
    check_may_review(actor, registration)
    check_transition(registration, DealStatus.INFO_REQUESTED)
    question = clean_text(
        question, field="question", max_length=QUESTION_MAX_LENGTH, required=_("Write your question.")
    )
    before = registration.status
    registration.status = DealStatus.INFO_REQUESTED
    registration.decided_at = timezone.now()
    registration.decided_by = user_of(actor)
    registration.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    add_activity(
        registration,
        DealActivityKind.INFO_REQUESTED,
        actor=actor,
        message=question,
        from_status=before,
        to_status=DealStatus.INFO_REQUESTED,
    )
    record_event(
        "deal.info_requested",
        subject=registration,
        payload=deal_payload(registration, question=question),
        actor=actor,
    )
    notify_partner(
        registration,
        kind="deal.info_requested",
        title=lazy_format(
            gettext_lazy("A question about your registration of %(customer)s"), customer=registration.customer_name
        ),
        body=question[:300],
    )
    return registration


@dataclass
class BulkResult:
    decided: list[DealRegistration] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (registration id, message)


def deals_bulk_decide(
    *, actor: Actor, registration_ids: list[int], decision: str, reason: str = "", note: str = ""
) -> BulkResult:
    """Approve or reject several registrations of the queue. Each one is its own decision (own transaction): one
    that someone else decided meanwhile is reported back with its message, the others go through."""
    if decision not in ("approve", "reject"):
        raise ValidationFailed(_("Choose approve or reject."), field="decision")
    ids = list(dict.fromkeys(i for i in registration_ids if isinstance(i, int) and not isinstance(i, bool)))
    if not ids:
        raise ValidationFailed(_("Select at least one registration."), field="registrations")
    if len(ids) > BULK_LIMIT:
        raise ValidationFailed(
            _("Decide at most %(count)s registrations at once.") % {"count": BULK_LIMIT}, field="registrations"
        )
    if decision == "reject" and reason not in RejectionReason.values:
        raise ValidationFailed(_("Choose the reason from the list."), field="reason")
    result = BulkResult()
    found = {r.pk: r for r in DealRegistration.objects.filter(pk__in=ids)}
    for registration_id in ids:
        registration = found.get(registration_id)
        if registration is None:
            result.refused.append((registration_id, _("Not found.")))
            continue
        try:
            with transaction.atomic():
                if decision == "approve":
                    decided = deal_approve(actor=actor, registration=registration, note=note)
                else:
                    decided = deal_reject(actor=actor, registration=registration, reason=reason, note=note)
        except DomainError as error:
            result.refused.append((registration_id, error.message))
        else:
            result.decided.append(decided)
    return result


# The review SLA -------------------------------------------------------------------------------------------------


@dataclass
class SlaRun:
    reminded: int = 0
    escalated: int = 0


def review_sla_check(*, now=None) -> SlaRun:
    """For the current tenant: remind the owning channel manager (the partner's owner, else the tenant admins) of
    each registration whose review falls due within SLA_REMINDER_BEFORE, once; and escalate, once, each whose due
    time has passed to the tenant admins (the program has no "lead of a channel manager" yet: its admins are the
    escalation level). Registrations waiting for a partner's answer are paused and skipped."""
    now = now or timezone.now()
    run = SlaRun()
    program = ProgramActor(current_tenant().pk)  # the SLA's clock acts, no person
    awaiting = DealRegistration.objects.filter(status__in=AWAITING_REVIEW_STATUSES, review_due_at__isnull=False)
    due_soon = list(
        awaiting.filter(
            sla_reminded_at__isnull=True, review_due_at__gt=now, review_due_at__lte=now + SLA_REMINDER_BEFORE
        )
        .select_related("partner_organization")
        .order_by("review_due_at", "id")
    )
    for registration in due_soon:
        with transaction.atomic():
            # Claim the reminder (a second run at the same time finds it taken).
            if not DealRegistration.objects.filter(pk=registration.pk, sla_reminded_at__isnull=True).update(
                sla_reminded_at=now
            ):
                continue
            due = shown_time(registration.review_due_at)
            add_activity(
                registration,
                DealActivityKind.SLA_REMINDER,
                actor=program,
                message=_("Review due at %(time)s.") % {"time": due},
                visible_to_partner=False,
            )
            notify(
                users=owning_channel_managers(registration.partner_organization),
                kind="deal.review_due",
                title=lazy_format(
                    gettext_lazy("Review %(customer)s (%(partner)s) by %(time)s"),
                    customer=registration.customer_name,
                    partner=registration.partner_organization.name,
                    time=due,
                ),
                url=deal_url(registration),
            )
            run.reminded += 1
    overdue = list(
        awaiting.filter(sla_escalated_at__isnull=True, review_due_at__lte=now)
        .select_related("partner_organization")
        .order_by("review_due_at", "id")
    )
    admins = tenant_admins() if overdue else []
    for registration in overdue:
        with transaction.atomic():
            if not DealRegistration.objects.filter(pk=registration.pk, sla_escalated_at__isnull=True).update(
                sla_escalated_at=now
            ):
                continue
            due = shown_time(registration.review_due_at)
            add_activity(
                registration,
                DealActivityKind.SLA_ESCALATED,
                actor=program,
                message=_("The review was due at %(time)s: escalated to the program's admins.") % {"time": due},
                visible_to_partner=False,
            )
            owners = owning_channel_managers(registration.partner_organization)
            notify(
                users=[*admins, *owners],
                kind="deal.review_overdue",
                title=lazy_format(
                    gettext_lazy("Overdue review: %(customer)s (%(partner)s) was due %(time)s"),
                    customer=registration.customer_name,
                    partner=registration.partner_organization.name,
                    time=due,
                ),
                url=deal_url(registration),
            )
            run.escalated += 1
    return run


def sla_status(registration: DealRegistration, *, now=None) -> str:
    """ "paused" (waiting for the partner), "overdue", "due_soon" (within SLA_DUE_SOON), "on_time", or "" when the
    registration is not waiting for review."""
    if registration.status == DealStatus.INFO_REQUESTED:
        return "paused"
    if registration.status not in AWAITING_REVIEW_STATUSES or registration.review_due_at is None:
        return ""
    now = now or timezone.now()
    if registration.review_due_at <= now:
        return "overdue"
    if registration.review_due_at <= now + SLA_DUE_SOON:
        return "due_soon"
    return "on_time"
