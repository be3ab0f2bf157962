"""Event subscribers of prm.notifications (imported at start-up by prm.apps): domain events become notifications.

Each handler runs in its own savepoint of the event's relay transaction, which also marks the event relayed: a
handler that fails rolls its notifications back (and the emails they would send on commit) and is retried on its
own, so its rows and emails exist once or not at all.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from prm import policy
from prm.events import subscribe
from prm.i18n import lazy_format
from prm.models import ApiKey, Event, Invitation, Membership
from prm.notifications import notify
from prm.roles import Role
from prm.tenancy import current_tenant


def _tenant_url(name: str, *args) -> str:
    return reverse(name, args=[current_tenant().slug, *args])


# Titles and bodies are lazy: notify() writes each in its reader's language.
def _person(user):
    return (user.get_full_name() or user.email) if user is not None else _("Someone")


def _actor(event: Event):
    if event.actor_user_id:
        return _person(event.actor_user)
    if event.actor_api_key_id:
        return _("An integration (API key)")
    return _("The platform team")


@subscribe("invitation.accepted")
def tell_inviter_their_invitation_was_accepted(event: Event) -> None:
    invitation = (
        Invitation.objects.select_related("invited_by", "accepted_by", "partner_organization")
        .filter(pk=event.subject_id)
        .first()
    )
    if invitation is None or invitation.invited_by is None or invitation.invited_by_id == invitation.accepted_by_id:
        return
    inviter = Membership.objects.filter(user_id=invitation.invited_by_id, is_active=True).first()
    if inviter is None:
        return  # left the program since: nothing to tell them
    role = Role(invitation.role).label
    if invitation.partner_organization is not None:
        body = lazy_format(
            _("%(email)s joined the program as %(role)s at %(organization)s."),
            email=invitation.email,
            role=role,
            organization=invitation.partner_organization.name,
        )
    else:
        body = lazy_format(_("%(email)s joined the program as %(role)s."), email=invitation.email, role=role)
    notify(
        users=[invitation.invited_by],
        kind="invitation.accepted",
        title=lazy_format(_("%(person)s accepted your invitation"), person=_person(invitation.accepted_by)),
        body=body,
        url=_invitee_url(inviter, invitation, event.payload.get("membership_id")),
    )


def _invitee_url(inviter: Membership, invitation: Invitation, membership_id) -> str:
    """Where the inviter sees the new member: the member's page for tenant admins, else the organization."""
    if membership_id and policy.can(inviter, "members.manage"):
        return _tenant_url("membership_detail", membership_id)
    organization = invitation.partner_organization
    if organization is not None and policy.can(inviter, "partners.view_list"):
        return _tenant_url("partner_detail", organization.pk)
    if policy.can(inviter, "partner_team.view"):
        return _tenant_url("partner_team")
    return ""


@subscribe("api_key.created", "api_key.revoked")
def tell_tenant_admins_about_api_keys(event: Event) -> None:
    api_key = ApiKey.objects.filter(pk=event.subject_id).first()
    name = api_key.name if api_key else event.payload.get("name", "")
    prefix = event.payload.get("prefix", "")
    if event.type == "api_key.created":
        title = lazy_format(_("API key “%(name)s” created"), name=name)
        scopes = ", ".join(event.payload.get("scopes", []))
        body = lazy_format(
            _("%(actor)s created the API key %(prefix)s… with access to %(scopes)s."),
            actor=_actor(event),
            prefix=prefix,
            scopes=scopes,
        )
    else:
        title = lazy_format(_("API key “%(name)s” revoked"), name=name)
        body = lazy_format(
            _("%(actor)s revoked the API key %(prefix)s…: integrations using it can no longer reach the program."),
            actor=_actor(event),
            prefix=prefix,
        )
    try:
        url = _tenant_url("api_keys")  # the API keys page, once it exists
    except NoReverseMatch:
        url = _tenant_url("tenant_settings")
    admins = Membership.objects.select_related("user").filter(role=Role.TENANT_ADMIN, is_active=True)
    notify(users=[admin.user for admin in admins], kind=event.type, title=title, body=body, url=url)
