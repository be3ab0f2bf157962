"""Use cases of the platform core. Each is one transaction, checks permission and state, and is recorded in
history by database triggers (pghistory) with the acting user from the request context."""

from __future__ import annotations

import re
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prm import policy
from prm.errors import InvalidTransition, PermissionDenied, ValidationFailed
from prm.events import record_event
from prm.i18n import clean_language, clean_time_zone
from prm.models import HEX_COLOUR, Invitation, Membership, Tenant, hash_token, invitation_link_token
from prm.roles import PARTNER_ROLES, STAFF_ROLES, Role
from prm.tenancy import current_tenant, tenant_context
from prm.uploads import validate_logo

User = get_user_model()


# The settings a tenant admin edits (besides the logo), as they appear in `tenant.settings_updated` events.
TENANT_SETTINGS = (
    "program_name",
    "primary_colour",
    "require_mfa_for_staff",
    "require_mfa_for_partners",
    "default_language",
    "default_time_zone",
)


@transaction.atomic
def tenant_settings_update(
    *,
    actor: Membership,
    program_name: str,
    primary_colour: str,
    require_mfa_for_staff: bool,
    require_mfa_for_partners: str | None = None,
    default_language: str = "",
    default_time_zone: str = "",
    logo=None,
    remove_logo: bool = False,
) -> Tenant:
    """Branding, security policy and the language and time zone members see until they choose their own; tenant
    admins only. Two-factor sign-in can be required of staff and of partner users (`Tenant.PartnerMfa`: none,
    partner admins, all; None leaves it as it is)."""
    policy.require(actor, "tenant.manage_settings")
    try:
        HEX_COLOUR(primary_colour)
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0], field="primary_colour") from exc
    if require_mfa_for_partners is not None and require_mfa_for_partners not in Tenant.PartnerMfa.values:
        raise ValidationFailed(
            _("Choose which partner users must use two-factor authentication."), field="require_mfa_for_partners"
        )
    default_language = clean_language(default_language, field="default_language")
    default_time_zone = clean_time_zone(default_time_zone, field="default_time_zone")
    tenant = Tenant.objects.select_for_update().get(pk=actor.tenant_id)
    before = {field: getattr(tenant, field) for field in TENANT_SETTINGS}
    logo_before = tenant.logo.name
    tenant.program_name = program_name.strip()
    tenant.primary_colour = primary_colour.lower()
    tenant.require_mfa_for_staff = require_mfa_for_staff
    if require_mfa_for_partners is not None:
        tenant.require_mfa_for_partners = require_mfa_for_partners
    tenant.default_language, tenant.default_time_zone = default_language, default_time_zone
    if logo is not None:
        extension = validate_logo(logo)
        tenant.logo.save(f"{tenant.slug}/logo-{secrets.token_hex(8)}.{extension}", logo, save=False)
    elif remove_logo:
        tenant.logo = ""
    tenant.save()
    changed = [field for field in TENANT_SETTINGS if getattr(tenant, field) != before[field]]
    if tenant.logo.name != logo_before:
        changed.append("logo")
    if changed:
        settings_now = {field: getattr(tenant, field) for field in TENANT_SETTINGS}
        payload = {"tenant_id": tenant.pk, "changed": changed, **settings_now, "has_logo": bool(tenant.logo)}
        record_event("tenant.settings_updated", subject=tenant, payload=payload, actor=actor)
    return tenant


def _invitation_payload(invitation: Invitation) -> dict:
    """What events say about an invitation: ids, address and role; never the token or its hash."""
    return {
        "invitation_id": invitation.pk,
        "email": invitation.email,
        "role": invitation.role,
        "partner_organization_id": invitation.partner_organization_id,
        "invited_by_id": invitation.invited_by_id,
    }


@transaction.atomic
def invitation_create(*, actor: Membership, email: str, role: str, partner_organization=None) -> tuple[Invitation, str]:
    """Invite someone by email. Tenant admins invite anyone; channel managers invite partner users; partner
    admins invite colleagues of their own organization only. The token is returned once and stored hashed."""
    email = email.strip().lower()
    if role not in Role.values:
        raise ValidationFailed(_("Choose a role."), field="role")
    if role in PARTNER_ROLES and partner_organization is None:
        raise ValidationFailed(_("A partner role needs a partner organization."), field="partner_organization")
    if role in STAFF_ROLES:
        partner_organization = None
    if partner_organization is not None and partner_organization.tenant_id != actor.tenant_id:
        raise ValidationFailed(_("Unknown partner organization."), field="partner_organization")
    org_id = partner_organization.pk if partner_organization else None
    if not policy.may_invite(actor, role=role, partner_organization_id=org_id):
        raise PermissionDenied(_("You may not invite someone with this role."))
    if Membership.objects.filter(user__email__iexact=email).exists():
        raise ValidationFailed(_("%(email)s is already a member of this program.") % {"email": email}, field="email")

    now = timezone.now()
    # Re-inviting replaces the earlier invitation, so only the newest link works; but only an inviter who may
    # manage that earlier invitation may replace it (a partner admin must not withdraw a staff invitation).
    earlier = list(
        Invitation.objects.select_for_update().filter(email=email, accepted_at__isnull=True, revoked_at__isnull=True)
    )
    for previous in earlier:
        if previous.is_open() and not policy.may_invite(
            actor, role=previous.role, partner_organization_id=previous.partner_organization_id
        ):
            raise ValidationFailed(
                _("%(email)s already has a pending invitation to this program.") % {"email": email}, field="email"
            )
    Invitation.objects.filter(pk__in=[previous.pk for previous in earlier]).update(revoked_at=now)
    try:
        with transaction.atomic():
            invitation, token = _issue_invitation(
                email=email, role=role, partner_organization=partner_organization, invited_by=actor.user
            )
    except IntegrityError as exc:
        # Someone else invited this address at the same moment (one open invitation per address is a constraint).
        raise ValidationFailed(
            _("%(email)s was invited by someone else a moment ago.") % {"email": email}, field="email"
        ) from exc
    record_event("invitation.created", subject=invitation, payload=_invitation_payload(invitation), actor=actor)
    for previous in earlier:
        payload = {**_invitation_payload(previous), "reason": "replaced", "replaced_by_id": invitation.pk}
        record_event("invitation.revoked", subject=previous, payload=payload, actor=actor)
    return invitation, token


def _issue_invitation(*, email: str, role: str, partner_organization, invited_by) -> tuple[Invitation, str]:
    """Store the invitation (hashed token) and email its link once the transaction commits."""
    from prm.tasks import send_invitation_email

    expires_at = timezone.now() + settings.PRM_INVITATION_TTL
    token = invitation_link_token(tenant_id=current_tenant().pk, email=email, expires_at=expires_at)
    invitation = Invitation.objects.create(
        email=email,
        role=role,
        partner_organization=partner_organization,
        token_hash=hash_token(token),
        invited_by=invited_by,
        expires_at=expires_at,
    )
    # Ids only: the task rebuilds the link from the invitation, so the token never sits in the broker.
    transaction.on_commit(
        lambda: send_invitation_email.delay(tenant_id=invitation.tenant_id, invitation_id=invitation.pk)
    )
    return invitation, token


@transaction.atomic
def tenant_create(
    *, slug: str, name: str, admin_email: str, program_name: str = "", base_currency: str = "USD"
) -> tuple[Tenant, Invitation, str]:
    """Platform work, not a tenant's: open a new program and invite its first tenant admin. The invitation's
    link is returned once (the operator may hand it over) and emailed."""
    slug, name, admin_email = slug.strip().lower(), name.strip(), admin_email.strip().lower()
    try:
        validate_slug(slug)
    except ValidationError as exc:
        raise ValidationFailed(_("Use lowercase letters, digits and hyphens for the slug."), field="slug") from exc
    if not name:
        raise ValidationFailed(_("Enter the vendor's name."), field="name")
    try:
        validate_email(admin_email)
    except ValidationError as exc:
        raise ValidationFailed(
            _("Enter a valid email address for the first tenant admin."), field="admin_email"
        ) from exc
    if not re.fullmatch(r"[A-Z]{3}", base_currency):
        raise ValidationFailed(_("Use a three-letter ISO 4217 currency code, such as USD."), field="base_currency")
    if Tenant.objects.filter(slug=slug).exists():
        raise ValidationFailed(_("A program with the slug '%(slug)s' exists already.") % {"slug": slug}, field="slug")
    tenant = Tenant.objects.create(slug=slug, name=name, program_name=program_name.strip(), base_currency=base_currency)
    with tenant_context(tenant):
        invitation, token = _issue_invitation(
            email=admin_email, role=Role.TENANT_ADMIN, partner_organization=None, invited_by=None
        )
        record_event("invitation.created", subject=invitation, payload=_invitation_payload(invitation))
    return tenant, invitation, token


def invitation_by_token(*, token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("partner_organization", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


def invitation_check_usable(invitation: Invitation) -> None:
    status = invitation.status
    if status == "expired":
        raise InvalidTransition(_("This invitation has expired. Ask the person who invited you for a new one."))
    if status == "accepted":
        raise InvalidTransition(_("This invitation has already been used. Sign in to continue."))
    if status == "revoked":
        raise InvalidTransition(_("This invitation was withdrawn. Ask the person who invited you for a new one."))


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """A signed-in user whose verified email matches the invitation joins the tenant in the invited role."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    invitation_check_usable(invitation)
    if not EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists():
        raise ValidationFailed(
            _("This invitation is for %(email)s. Sign in with that address to accept it.")
            % {"email": invitation.email},
            field="email",
        )
    if Membership.objects.filter(user=user).exists():
        raise ValidationFailed(_("You are already a member of this program."), field="email")
    membership = Membership.objects.create(
        user=user, role=invitation.role, partner_organization=invitation.partner_organization
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    payload = {**_invitation_payload(invitation), "membership_id": membership.pk, "user_id": user.pk}
    record_event("invitation.accepted", subject=invitation, payload=payload, actor=user)
    return membership


@transaction.atomic
def invitation_accept_as_new_user(
    *, invitation: Invitation, first_name: str, last_name: str, password: str
) -> Membership:
    """Someone without an account accepts: the account is created with the invited (now proven) email."""
    # Lock first: two submissions of the same link must not both get past the checks.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    invitation_check_usable(invitation)
    if not first_name.strip():
        raise ValidationFailed(_("Enter your first name."), field="first_name")
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationFailed(_("An account with this email exists: sign in to accept."), field="email")
    user = User(email=invitation.email, first_name=first_name.strip(), last_name=last_name.strip())
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), field="password") from exc
    user.set_password(password)
    user.save()
    # The invitation link reached this inbox, which proves the address.
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return invitation_accept(invitation=invitation, user=user)


@transaction.atomic
def invitation_revoke(*, actor: Membership, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not policy.may_invite(actor, role=invitation.role, partner_organization_id=invitation.partner_organization_id):
        raise PermissionDenied(_("You may not withdraw this invitation."))
    if invitation.status != "pending":
        raise InvalidTransition(
            _("This invitation is %(status)s and can no longer be withdrawn.") % {"status": invitation.status}
        )
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    payload = {**_invitation_payload(invitation), "reason": "withdrawn"}
    record_event("invitation.revoked", subject=invitation, payload=payload, actor=actor)
    return invitation


@transaction.atomic
def membership_update(*, actor: Membership, membership: Membership, role: str, is_active: bool) -> Membership:
    """Tenant admins change a member's role or access. Staff stay staff and partner users stay in their
    organization's roles; the last active tenant admin cannot be demoted or deactivated."""
    policy.require(actor, "members.manage")
    active_admin_ids = []
    if Membership.objects.filter(pk=membership.pk, role=Role.TENANT_ADMIN).exists():
        # Two admins demoting each other at once must queue, not deadlock: every change that may take an admin
        # away locks all active admins in one order (by id) before anything else.
        active_admin_ids = list(
            Membership.objects.select_for_update()
            .filter(role=Role.TENANT_ADMIN, is_active=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if role not in Role.values:
        raise ValidationFailed(_("Choose a role."), field="role")
    if (role in STAFF_ROLES) != (membership.role in STAFF_ROLES):
        raise ValidationFailed(_("A staff member cannot take a partner role, nor the reverse."), field="role")
    losing_admin = membership.role == Role.TENANT_ADMIN and (role != Role.TENANT_ADMIN or not is_active)
    if losing_admin and membership.is_active:
        if not [pk for pk in active_admin_ids if pk != membership.pk]:
            field = "role" if role != Role.TENANT_ADMIN else "is_active"
            raise ValidationFailed(_("A program needs at least one active tenant admin."), field=field)
    previous = {"role": membership.role, "is_active": membership.is_active}
    membership.role = role
    membership.is_active = is_active
    membership.save(update_fields=["role", "is_active"])
    if previous != {"role": role, "is_active": is_active}:
        payload = {
            "membership_id": membership.pk,
            "user_id": membership.user_id,
            "email": membership.user.email,
            "role": role,
            "is_active": is_active,
            "partner_organization_id": membership.partner_organization_id,
            "previous": previous,
        }
        record_event("membership.updated", subject=membership, payload=payload, actor=actor)
    return membership
