"""What every deal registration use case shares: who may act, the transition check with its message, the
timeline entry, the event payload and the people to notify."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dealreg.models import DEAL_TRANSITIONS, DealActivity, DealRegistration, DealStatus
from prm import policy
from prm.errors import InvalidTransition, PermissionDenied
from prm.models import Membership
from prm.notifications import notify
from prm.policy import Actor
from prm.roles import PARTNER_ROLES, Role
from prm.templatetags.prm_format import money
from prm.tenancy import current_tenant

# Statuses a channel manager's decision leads to: a second decision on the same registration names the first.
DECIDED_ALREADY = {
    DealStatus.APPROVED: gettext_lazy("Already approved by %(person)s at %(time)s."),
    DealStatus.REJECTED: gettext_lazy("Already rejected by %(person)s at %(time)s."),
    DealStatus.INFO_REQUESTED: gettext_lazy(
        "Already sent back to the partner with a question by %(person)s at %(time)s."
    ),
}


def status_label(status: str) -> str:
    return str(DealStatus(status).label) if status in DealStatus.values else status


def user_of(actor: Actor | None):
    """The person behind an actor (a membership), or None for an API key or the platform itself."""
    user = getattr(actor, "user", None)
    return user if getattr(user, "pk", None) else None


def person(user) -> str | Promise:
    return (user.get_full_name() or user.email) if user is not None else gettext_lazy("someone")


# Dates, times and amounts in what people read: formatted when the text is shown, so each reader of a notification
# gets their own language and time zone (a message or an error shown at once is formatted at once, the same way).
def _date_text(value) -> str:
    return date_format(value, "DATE_FORMAT") if value else ""


def _time_text(value) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else ""


shown_date = lazy(_date_text, str)  # 9 Dec 2026 · 9. Dezember 2026
shown_time = lazy(_time_text, str)  # 9 Dec 2026, 13:49 CET, in the reader's zone
shown_money = lazy(money, str)  # 25,000.00 EUR · 25.000,00 EUR


# Who may act ------------------------------------------------------------------------------------------------------


def may_register(actor: Actor, partner_organization) -> bool:
    """Partner users with `deals.register` for their own organization; reviewers (staff) on behalf of any."""
    return policy.can(actor, "deals.register", partner_organization) or policy.can(
        actor, "deals.review", partner_organization
    )


def check_may_register(actor: Actor, obj) -> None:
    if not may_register(actor, obj):
        raise PermissionDenied(_("You may not register or change deals for this partner."))


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
    message = _("A registration cannot go from %(current)s to %(target)s.") % {"current": current, "target": target}
    if registration.status in DECIDED_ALREADY and registration.decided_at is not None:
        who = person(registration.decided_by) if registration.decided_by_id else _("the program's rules")
        decided = DECIDED_ALREADY[registration.status] % {"person": who, "time": _time_text(registration.decided_at)}
        message = f"{decided} {message}"
    allowed = sorted(str(status_label(s)) for s in DEAL_TRANSITIONS.get(registration.status, ()))
    if allowed:
        message += " " + _("From %(current)s it can go to: %(allowed)s.") % {
            "current": current,
            "allowed": ", ".join(allowed),
        }
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


def reviewing_channel_managers(partner_organization) -> list:
    """Who reviews a partner's registrations: the channel manager who owns the partner, when they are an active
    reviewer; otherwise every active reviewer (channel managers and tenant admins), so that a registration of a
    partner nobody owns reaches the people who decide it. One query."""
    reviewers = list(
        Membership.objects.select_related("user")
        .filter(is_active=True, role__in=[Role.TENANT_ADMIN, Role.CHANNEL_MANAGER])
        .order_by("user_id")
    )
    owner = [m.user for m in reviewers if partner_organization.owner_id and m.user_id == partner_organization.owner_id]
    return owner or [m.user for m in reviewers]


# Titles and bodies are lazy (prm.i18n.lazy_format): notify() writes each in its reader's language.
def notify_partner(registration: DealRegistration, *, kind: str, title, body="") -> None:
    notify(users=partner_recipients(registration), kind=kind, title=title, body=body, url=deal_url(registration))


def notify_staff(users, registration: DealRegistration, *, kind: str, title, body="") -> None:
    notify(users=users, kind=kind, title=title, body=body, url=deal_url(registration))
