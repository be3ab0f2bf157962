"""What every deal registration use case shares: who may act, the transition check with its message, the
timeline entry, the event payload and the people to notify."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from dealreg.models import DEAL_TRANSITIONS, DealActivity, DealRegistration, DealStatus
from prm import policy
from prm.errors import InvalidTransition, PermissionDenied
from prm.models import Membership
from prm.notifications import notify
from prm.policy import Actor
from prm.roles import PARTNER_ROLES, Role
from prm.tenancy import current_tenant

# Statuses a channel manager's decision leads to: a second decision on the same registration names the first.
DECISION_WORDS = {
    DealStatus.APPROVED: "approved",
    DealStatus.REJECTED: "rejected",
    DealStatus.INFO_REQUESTED: "sent back to the partner with a question",
}


def status_label(status: str) -> str:
    return DealStatus(status).label if status in DealStatus.values else status


def user_of(actor: Actor | None):
    """The person behind an actor (a membership), or None for an API key or the platform itself."""
    user = getattr(actor, "user", None)
    return user if getattr(user, "pk", None) else None


def person(user) -> str:
    return (user.get_full_name() or user.email) if user is not None else "someone"


# Who may act ------------------------------------------------------------------------------------------------------


def may_register(actor: Actor, partner_organization) -> bool:
    """Partner users with `deals.register` for their own organization; reviewers (staff) on behalf of any."""
    return policy.can(actor, "deals.register", partner_organization) or policy.can(
        actor, "deals.review", partner_organization
    )


def check_may_register(actor: Actor, obj) -> None:
    if not may_register(actor, obj):
        raise PermissionDenied("You may not register or change deals for this partner.")


def check_may_review(actor: Actor, registration: DealRegistration) -> None:
    policy.require(actor, "deals.review", registration)


def is_partner_actor(actor: Actor | None) -> bool:
    return getattr(actor, "role", None) in PARTNER_ROLES


# Status changes ---------------------------------------------------------------------------------------------------


def lock(registration: DealRegistration) -> DealRegistration:
    """The registration's row, locked until the use case's transaction ends, as it is now (fresh)."""
    # Only the partner is joined: it never changes. A row that another transaction changed while we waited for its
    # lock is read again as it is now, but a joined row would not be (decided_by would come back empty).
    return (
        DealRegistration.objects.select_for_update(of=("self",))
        .select_related("partner_organization")
        .get(pk=registration.pk)
    )


def refuse(registration: DealRegistration, to: str) -> InvalidTransition:
    """The message for a step the registration's status does not allow, naming both states — and, when another
    reviewer decided first, who and when (two channel managers deciding at once: the second reads this)."""
    current, target = status_label(registration.status), status_label(to)
    message = f"A registration cannot go from {current} to {target}."
    if registration.status in DECISION_WORDS and registration.decided_at is not None:
        who = person(registration.decided_by) if registration.decided_by_id else "the program's rules"
        when = timezone.localtime(registration.decided_at).strftime("%Y-%m-%d %H:%M %Z")
        message = f"Already {DECISION_WORDS[registration.status]} by {who} at {when}. {message}"
    allowed = sorted(status_label(s) for s in DEAL_TRANSITIONS.get(registration.status, ()))
    if allowed:
        message += f" From {current} it can go to: {', '.join(allowed)}."
    return InvalidTransition(message, field="status")


def check_transition(registration: DealRegistration, to: str) -> None:
    if not registration.can_transition_to(to):
        raise refuse(registration, to)


def add_activity(
    registration: DealRegistration,
    kind: str,
    *,
    actor: Actor | None = None,
    message: str = "",
    from_status: str = "",
    to_status: str = "",
    visible_to_partner: bool = True,
) -> DealActivity:
    activity = new_activity(
        registration,
        kind,
        actor=actor,
        message=message,
        from_status=from_status,
        to_status=to_status,
        visible_to_partner=visible_to_partner,
    )
    activity.save(force_insert=True)
    return activity


def new_activity(
    registration: DealRegistration,
    kind: str,
    *,
    actor: Actor | None = None,
    message: str = "",
    from_status: str = "",
    to_status: str = "",
    visible_to_partner: bool = True,
) -> DealActivity:
    """A timeline entry not saved yet (for a use case that writes several at once)."""
    return DealActivity(
        registration=registration,
        kind=kind,
        actor=user_of(actor),
        message=message,
        from_status=from_status,
        to_status=to_status,
        visible_to_partner=visible_to_partner,
    )


def deal_payload(registration: DealRegistration, **extra) -> dict:
    """What every `deal.*` event carries: enough for a webhook consumer or a subscriber to act without a read.
    `partner_organization_id` names the partner the event concerns."""
    return {
        "registration_id": registration.pk,
        "partner_organization_id": registration.partner_organization_id,
        "status": registration.status,
        "customer_name": registration.customer_name,
        "customer_domain": registration.customer_domain,
        "amount": str(registration.amount),
        "currency": registration.currency,
        "expected_close_date": registration.expected_close_date.isoformat()
        if registration.expected_close_date
        else None,
        "protected_until": registration.protected_until.isoformat() if registration.protected_until else None,
        "external_id": registration.external_id,
        **extra,
    }


# Who hears of it --------------------------------------------------------------------------------------------------


def deal_url(registration: DealRegistration) -> str:
    return reverse("deal_detail", args=[current_tenant().slug, registration.pk])


def partner_recipients(registration: DealRegistration) -> list:
    """The partner people a registration's news goes to: the person who registered it when they belong to the
    partner; otherwise (registered by staff on the partner's behalf, or the person left) the partner's admins."""
    organization_id = registration.partner_organization_id
    members = list(
        Membership.objects.select_related("user").filter(
            partner_organization_id=organization_id, is_active=True, role__in=sorted(PARTNER_ROLES)
        )
    )
    registrant = [m.user for m in members if m.user_id == registration.registered_by_id]
    if registrant:
        return registrant
    return [m.user for m in members if m.role == Role.PARTNER_ADMIN]


def tenant_admins() -> list:
    return [m.user for m in Membership.objects.select_related("user").filter(role=Role.TENANT_ADMIN, is_active=True)]


def owning_channel_managers(partner_organization) -> list:
    """The channel manager who owns the partner, when they are an active reviewer; else the tenant admins."""
    owner_id = partner_organization.owner_id
    if owner_id:
        owner = (
            Membership.objects.select_related("user")
            .filter(user_id=owner_id, is_active=True, role__in=[Role.TENANT_ADMIN, Role.CHANNEL_MANAGER])
            .first()
        )
        if owner is not None:
            return [owner.user]
    return tenant_admins()


def notify_partner(registration: DealRegistration, *, kind: str, title: str, body: str = "") -> None:
    notify(users=partner_recipients(registration), kind=kind, title=title, body=body, url=deal_url(registration))


def notify_staff(users, registration: DealRegistration, *, kind: str, title: str, body: str = "") -> None:
    notify(users=users, kind=kind, title=title, body=body, url=deal_url(registration))
