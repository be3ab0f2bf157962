"""Multi-partner deals: the partners on a deal, each with a role and a share of the attribution. The registering
partner is always one of them. Shares are counted per group of roles — sourced, and influenced (influenced,
fulfillment, services: what `influenced_revenue_by_partner` sums) — and within each group they add up to at most 100,
so no dollar of a deal is counted twice as sourced, nor twice as influenced."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from dealreg.models import DEAL_TRANSITIONS, AttributionRole, DealActivityKind, DealParticipant, DealRegistration
from dealreg.services.cleaning import clean_share
from dealreg.services.common import add_activity, check_may_review, deal_payload, lock, status_label, user_of
from partners.selectors import partners_by_id
from prm.errors import InvalidTransition, ValidationFailed
from prm.events import record_event
from prm.policy import Actor

if TYPE_CHECKING:
    from partners.models import PartnerOrganization

MAX_PARTICIPANTS = 20
HUNDRED = Decimal("100")
# The groups within which shares may not exceed 100 (the revenue selectors sum each group separately).
INFLUENCE_GROUP = frozenset({AttributionRole.INFLUENCED, AttributionRole.FULFILLMENT, AttributionRole.SERVICES})


def attribution_group(role: str) -> str:
    """ "sourced" or "influenced": the group of roles a role's share counts in."""
    return "influenced" if role in INFLUENCE_GROUP else "sourced"


def check_group_totals(rows, *, field: str = "participants") -> None:
    """Refuse shares that add up to more than 100 within a group of roles (rows of (role, share))."""
    totals = {"sourced": Decimal("0"), "influenced": Decimal("0")}
    for role, share in rows:
        totals[attribution_group(role)] += share
    for group, total in totals.items():
        if total > HUNDRED:
            label = _("sourced") if group == "sourced" else _("influenced")
            raise ValidationFailed(
                _(
                    "The %(group)s shares add up to %(total)s%%: within sourced, and within influenced, the shares of "
                    "a deal add up to at most 100%%, so no amount is counted twice."
                )
                % {"group": label, "total": f"{total.normalize():f}"},
                field=field,
            )


def attribution_open(registration: DealRegistration) -> bool:
    """Attribution is set while the deal is open: once it is final (rejected, won, lost, expired, withdrawn: no
    status follows) the shares stay as they were decided."""
    return bool(DEAL_TRANSITIONS.get(registration.status))


@transaction.atomic
def deal_set_participants(
    *, actor: Actor, registration: DealRegistration, participants: list[dict]
) -> list[DealParticipant]:
    """Replace the partners on a deal with `participants`: [{"partner_organization": org or id, "role", "share"}].
    The whole set is checked at once: known partners of the program, each once, a role from the list, shares
    from 0 to 100 that add up to at most 100 within sourced and within influenced (check_group_totals), and the
    registering partner among them. Refused once the registration is final (attribution_open)."""
    registration = lock(registration)
    check_may_review(actor, registration)
    if not attribution_open(registration):
        raise InvalidTransition(
            _("The registration is final (%(status)s): its attribution can no longer be changed.")
            % {"status": status_label(registration.status)},
            field="participants",
        )
    if not isinstance(participants, list | tuple) or not participants:
        raise ValidationFailed(_("List the partners on the deal."), field="participants")
    if len(participants) > MAX_PARTICIPANTS:
        raise ValidationFailed(
            _("At most %(count)s partners on a deal.") % {"count": MAX_PARTICIPANTS}, field="participants"
        )
    wanted_ids = []
    for index, row in enumerate(participants):
        organization = row.get("partner_organization") if isinstance(row, dict) else None
        organization_id = getattr(organization, "pk", organization)
        if isinstance(organization_id, bool) or not isinstance(organization_id, int):
            raise ValidationFailed(_("Choose a partner."), field=f"participants[{index}].partner_organization")
        wanted_ids.append(organization_id)
    organizations = partners_by_id(partner_ids=wanted_ids)
    cleaned: list[tuple[PartnerOrganization, str, Decimal]] = []
    seen = set()
    for index, row in enumerate(participants):
        organization = organizations.get(wanted_ids[index])
        if organization is None:
            raise ValidationFailed(
                _("Choose a partner of the program."), field=f"participants[{index}].partner_organization"
            )
        if organization.pk in seen:
            raise ValidationFailed(
                _("%(partner)s is listed twice: give each partner one role and one share.")
                % {"partner": organization.name},
                field=f"participants[{index}].partner_organization",
            )
        seen.add(organization.pk)
        role = row.get("role")
        if role not in AttributionRole.values:
            raise ValidationFailed(_("Choose the partner's role from the list."), field=f"participants[{index}].role")
        cleaned.append((organization, role, clean_share(row.get("share"), field=f"participants[{index}].share")))
    if registration.partner_organization_id not in seen:
        raise ValidationFailed(
            _("%(partner)s registered the deal: it stays on it.") % {"partner": registration.partner_organization.name},
            field="participants",
        )
    check_group_totals([(role, share) for _org, role, share in cleaned])
    existing = {p.partner_organization_id: p for p in registration.participants.all()}
    registration.participants.exclude(partner_organization_id__in=seen).delete()
    saved = []
    added = []
    for organization, role, share in cleaned:
        participant = existing.get(organization.pk)
        if participant is None:
            participant = DealParticipant.objects.create(
                registration=registration,
                partner_organization=organization,
                role=role,
                share=share,
                added_by=user_of(actor),
            )
            added.append(organization.name)
        elif (participant.role, participant.share) != (role, share):
            participant.role, participant.share = role, share
            participant.save(update_fields=["role", "share", "updated_at"])
        saved.append(participant)
    summary = "; ".join(
        f"{organization.name}: {AttributionRole(role).label} {share.normalize():f}%"
        for organization, role, share in cleaned
    )
    add_activity(
        registration,
        DealActivityKind.PARTNER_ADDED if added else DealActivityKind.NOTE,
        actor=actor,
        message=_("Attribution: %(shares)s.") % {"shares": summary},
        visible_to_partner=False,
    )
    record_event(
        "deal.updated",
        subject=registration,
        payload=deal_payload(
            registration,
            changed=["participants"],
            participants=[
                {"partner_organization_id": o.pk, "role": role, "share": str(share)} for o, role, share in cleaned
            ],
        ),
        actor=actor,
    )
    return saved
