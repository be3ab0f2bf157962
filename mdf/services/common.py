"""What every MDF use case shares: who may act, segregation of duties, the transition checks, event payloads and
the people to tell."""

from __future__ import annotations

from django.utils.translation import gettext as _

from mdf.models import CLAIM_TRANSITIONS, REQUEST_TRANSITIONS, Claim, ClaimStatus, FundRequest, RequestStatus
from prm import policy
from prm.errors import InvalidTransition, PermissionDenied
from prm.models import Membership
from prm.notifications import notify
from prm.policy import Actor
from prm.roles import PARTNER_ROLES, Role

REVIEWER_ROLES = (Role.TENANT_ADMIN, Role.CHANNEL_MANAGER, Role.MARKETING)


def user_of(actor: Actor | None):
    """The person behind an actor (a membership), or None for an API key or the program itself."""
    user = getattr(actor, "user", None)
    return user if getattr(user, "pk", None) else None


def api_key_id_of(actor: Actor | None) -> int | None:
    return getattr(getattr(actor, "api_key", None), "pk", None)


def is_partner_actor(actor: Actor | None) -> bool:
    return getattr(actor, "role", None) in PARTNER_ROLES


def may_request_for(actor: Actor, partner_organization) -> bool:
    """A partner's people for their own organization; reviewers (staff) on behalf of any partner."""
    return policy.can(actor, "mdf.request", partner_organization) or policy.can(
        actor, "mdf.review", partner_organization
    )


def check_may_request_for(actor: Actor, obj) -> None:
    if not may_request_for(actor, obj):
        raise PermissionDenied(_("You may not ask for or claim funds for this partner."))


def same_actor(actor: Actor, *, user_ids=(), api_key_ids=()) -> bool:
    """Whether `actor` is one of these people or API keys (segregation of duties)."""
    user, key_id = user_of(actor), api_key_id_of(actor)
    if user is not None and user.pk in {u for u in user_ids if u}:
        return True
    return key_id is not None and key_id in {k for k in api_key_ids if k}


def check_segregation_for_request(actor: Actor, fund_request: FundRequest) -> None:
    """Whoever asked for the funds (a partner's person, a staff member acting for the partner, or an API key)
    never decides the request."""
    if same_actor(
        actor,
        user_ids=(fund_request.requested_by_id, fund_request.submitted_by_id),
        api_key_ids=(fund_request.requested_by_api_key_id, fund_request.submitted_by_api_key_id),
    ):
        raise PermissionDenied(
            _("You asked for these funds (or acted for the partner): someone else must decide the request."),
            field="fund_request",
        )


def check_segregation_for_claim(actor: Actor, claim: Claim, fund_request: FundRequest) -> None:
    """Whoever claimed, or asked for the funds the claim spends, never decides the claim."""
    if same_actor(
        actor,
        user_ids=(claim.claimed_by_id, fund_request.requested_by_id, fund_request.submitted_by_id),
        api_key_ids=(
            claim.claimed_by_api_key_id,
            fund_request.requested_by_api_key_id,
            fund_request.submitted_by_api_key_id,
        ),
    ):
        raise PermissionDenied(
            _("You claimed these funds or asked for them (or acted for the partner): someone else must decide."),
            field="claim",
        )


# Status changes --------------------------------------------------------------------------------------------------


def check_request_transition(fund_request: FundRequest, to: str) -> None:
    if to not in REQUEST_TRANSITIONS.get(fund_request.status, frozenset()):
        raise InvalidTransition(
            _("A fund request cannot go from %(current)s to %(target)s.")
            % {"current": RequestStatus(fund_request.status).label, "target": RequestStatus(to).label},
            field="status",
        )


def check_claim_transition(claim: Claim, to: str) -> None:
    if to not in CLAIM_TRANSITIONS.get(claim.status, frozenset()):
        raise InvalidTransition(
            _("A claim cannot go from %(current)s to %(target)s.")
            % {"current": ClaimStatus(claim.status).label, "target": ClaimStatus(to).label},
            field="status",
        )


def lock_request(fund_request: FundRequest | int) -> FundRequest:
    """The request's row, locked until the use case's transaction ends, read as it is now."""
    pk = getattr(fund_request, "pk", fund_request)
    return FundRequest.objects.select_for_update(of=("self",)).select_related("fund").get(pk=pk)


def lock_claim(claim: Claim | int) -> Claim:
    pk = getattr(claim, "pk", claim)
    return Claim.objects.select_for_update(of=("self",)).select_related("fund").get(pk=pk)


# Events ------------------------------------------------------------------------------------------------------------


def _money(value) -> str | None:
    return str(value) if value is not None else None


def request_payload(fund_request: FundRequest, **extra) -> dict:
    return {
        "fund_request_id": fund_request.pk,
        "fund_id": fund_request.fund_id,
        "partner_organization_id": fund_request.partner_organization_id,
        "status": fund_request.status,
        "activity_type": fund_request.activity_type,
        "title": fund_request.title,
        "campaign_code": fund_request.campaign_code,
        "requested_amount": _money(fund_request.requested_amount),
        "approved_amount": _money(fund_request.approved_amount),
        "currency": fund_request.currency,
        "start_date": fund_request.start_date.isoformat(),
        "end_date": fund_request.end_date.isoformat(),
        **extra,
    }


def claim_payload(claim: Claim, **extra) -> dict:
    return {
        "claim_id": claim.pk,
        "fund_request_id": claim.fund_request_id,
        "fund_id": claim.fund_id,
        "partner_organization_id": claim.partner_organization_id,
        "status": claim.status,
        "claimed_amount": _money(claim.claimed_amount),
        "approved_amount": _money(claim.approved_amount),
        "currency": claim.currency,
        "invoice_number": claim.invoice_number,
        "flags": [flag.get("kind") for flag in claim.flags or []],
        **extra,
    }


# Who hears of it --------------------------------------------------------------------------------------------------


def partner_people(partner_organization_id: int, *, prefer_user_id: int | None = None) -> list:
    """The partner's person who asked (when still a member of the partner), else its admins. One query."""
    members = list(
        Membership.objects.select_related("user").filter(
            partner_organization_id=partner_organization_id, is_active=True, role__in=sorted(PARTNER_ROLES)
        )
    )
    asked = [m.user for m in members if prefer_user_id and m.user_id == prefer_user_id]
    return asked or [m.user for m in members if m.role == Role.PARTNER_ADMIN]


def reviewers() -> list:
    """Who decides requests and claims: marketing, channel managers and tenant admins. One query."""
    return [
        m.user
        for m in Membership.objects.select_related("user")
        .filter(is_active=True, role__in=REVIEWER_ROLES)
        .order_by("user_id")
    ]


def tell(users, *, kind: str, title, body="") -> None:
    # Pages come with the portal and console (another change); notifications link there once they exist.
    notify(users=users, kind=kind, title=title, body=body)
