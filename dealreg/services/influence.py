"""Influence: a partner that materially advanced a deal it did not register gets an `influenced` share of it.

Two ways in:

- a partner **claims** influence (`influence_claim_create`): it names the customer — never a registration or CRM
  record, which it may not know of (a partner never learns which partner or CRM opportunity holds a customer) —,
  says what it did and gives evidence. A reviewer finds the deal (another partner's registration, or one of the
  vendor's own CRM opportunities), and accepts the claim with a share (`influence_claim_accept`) or declines it with
  a reason (`influence_claim_decline`);
- staff, or the CRM through the API, **add** an influencing partner directly (`influence_add`).

Either way the partner becomes a participant with the role `influenced` and the share given, on the registration or
on the CRM opportunity (DealParticipant has one of the two). Within the influenced roles the shares of a deal add up
to at most 100 (checked under the deal's row lock, so two reviewers at once cannot pass 100 together); a partner is
on a deal once; a registration's attribution closes when it is final (attribution_open). A participant partner then
sees the registration in its list, read-only (dealreg.selectors.registrations_visible_to).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dealreg.models import (
    AttributionRole,
    CrmOpportunity,
    DealActivityKind,
    DealParticipant,
    DealRegistration,
    InfluenceClaim,
    InfluenceClaimStatus,
)
from dealreg.services.attribution import attribution_open, check_group_totals
from dealreg.services.cleaning import clean_country, clean_share, clean_website
from dealreg.services.common import add_activity, lock, reviewing_channel_managers, status_label, user_of
from partners.selectors import partner_get, partners_by_id
from prm import policy
from prm.cleaning import clean_text
from prm.errors import InvalidTransition, ValidationFailed
from prm.events import record_event
from prm.i18n import lazy_format
from prm.models import Membership
from prm.notifications import notify
from prm.policy import Actor
from prm.roles import PARTNER_ROLES, Role
from prm.tenancy import current_tenant

if TYPE_CHECKING:
    from partners.models import PartnerOrganization

TEXT_MAX_LENGTH = 5000
EVIDENCE_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


# Who is told --------------------------------------------------------------------------------------------------


def claims_url() -> str:
    return reverse("influence_claims", args=[current_tenant().slug])


def claim_queue_url() -> str:
    return reverse("influence_queue", args=[current_tenant().slug])


def _claimant_recipients(claim: InfluenceClaim) -> list:
    """The person who claimed, while they belong to the partner; otherwise the partner's admins."""
    members = list(
        Membership.objects.select_related("user").filter(
            partner_organization_id=claim.partner_organization_id, is_active=True, role__in=sorted(PARTNER_ROLES)
        )
    )
    claimant = [m.user for m in members if m.user_id == claim.claimed_by_id]
    return claimant or [m.user for m in members if m.role == Role.PARTNER_ADMIN]


def _claim_payload(claim: InfluenceClaim, **extra) -> dict:
    return {
        "claim_id": claim.pk,
        "partner_organization_id": claim.partner_organization_id,
        "status": claim.status,
        "customer_name": claim.customer_name,
        "customer_domain": claim.customer_domain,
        "registration_id": claim.registration_id,
        "crm_opportunity_id": claim.crm_opportunity_id,
        "share": str(claim.share) if claim.share is not None else None,
        **extra,
    }


# Cleaning -----------------------------------------------------------------------------------------------------


def _clean_evidence_url(value) -> str:
    url = clean_text(value, field="evidence_url", max_length=500)
    if url and not EVIDENCE_URL.match(url):
        raise ValidationFailed(
            _("Enter a web address starting with https:// (or leave it empty)."), field="evidence_url"
        )
    return url


def _clean_influence_share(value, *, field: str = "share") -> Decimal:
    if value in (None, ""):
        raise ValidationFailed(_("Enter the partner's share as a percentage, such as 20."), field=field)
    share = clean_share(value, field=field)
    if share <= 0:
        raise ValidationFailed(_("An influence share is greater than 0%."), field=field)
    return share


def resolve_registration(value) -> DealRegistration | None:
    """A registration of the tenant named by itself or its id (None when not given); an unknown one is refused."""
    if value in (None, ""):
        return None
    if isinstance(value, DealRegistration):
        return value
    registration_id = int(value) if isinstance(value, str) and value.strip().isdigit() else value
    if isinstance(registration_id, bool) or not isinstance(registration_id, int):
        raise ValidationFailed(_("Name the registration by its number."), field="registration")
    registration = DealRegistration.objects.filter(pk=registration_id).first()
    if registration is None:
        raise ValidationFailed(
            _("There is no registration #%(id)s in the program.") % {"id": registration_id}, field="registration"
        )
    return registration


def resolve_crm_opportunity(value) -> CrmOpportunity | None:
    """A CRM opportunity named by itself, its id (a number) or its external id (text); None when not given."""
    if value in (None, ""):
        return None
    if isinstance(value, CrmOpportunity):
        return value
    if isinstance(value, bool):
        raise ValidationFailed(_("Name the CRM opportunity by its external id."), field="crm_opportunity")
    if isinstance(value, int):
        opportunity = CrmOpportunity.objects.filter(pk=value).first()
    else:
        external_id = clean_text(value, field="crm_opportunity", max_length=100)
        opportunity = CrmOpportunity.objects.filter(external_id=external_id).first()
    if opportunity is None:
        raise ValidationFailed(
            _("There is no CRM opportunity “%(opportunity)s”.") % {"opportunity": value}, field="crm_opportunity"
        )
    return opportunity


# Adding an influencing partner ----------------------------------------------------------------------------------


def _add_influencer(
    *,
    actor: Actor,
    partner_organization: PartnerOrganization,
    share: Decimal,
    registration: DealRegistration | None,
    crm_opportunity: CrmOpportunity | None,
    note: str = "",
) -> DealParticipant:
    """Add the partner as `influenced` with `share` to one deal, under the deal's row lock (the caller's
    transaction): the partner not on it yet, the influenced shares at most 100 with this one."""
    if (registration is None) == (crm_opportunity is None):
        raise ValidationFailed(
            _("Choose the deal: a partner's registration or one of the vendor's CRM opportunities (one of the two)."),
            field="registration",
        )
    if registration is not None:
        registration = lock(registration)
        if not attribution_open(registration):
            raise InvalidTransition(
                _("The registration is final (%(status)s): its attribution can no longer be changed.")
                % {"status": status_label(registration.status)},
                field="registration",
            )
        existing = list(registration.participants.all())
    else:
        crm_opportunity = CrmOpportunity.objects.select_for_update().get(pk=crm_opportunity.pk)
        existing = list(crm_opportunity.participants.all())
    if any(p.partner_organization_id == partner_organization.pk for p in existing):
        raise ValidationFailed(
            _("%(partner)s is already on this deal.") % {"partner": partner_organization.name},
            field="partner_organization",
        )
    check_group_totals([(p.role, p.share) for p in existing] + [(AttributionRole.INFLUENCED, share)], field="share")
    participant = DealParticipant.objects.create(
        registration=registration,
        crm_opportunity=crm_opportunity,
        partner_organization=partner_organization,
        role=AttributionRole.INFLUENCED,
        share=share,
        added_by=user_of(actor),
    )
    if registration is not None:
        message = _("%(partner)s added as an influencing partner: %(share)s%%.") % {
            "partner": partner_organization.name,
            "share": f"{share.normalize():f}",
        }
        add_activity(
            registration,
            DealActivityKind.PARTNER_ADDED,
            actor=actor,
            message=f"{message} {note}".strip(),
            visible_to_partner=False,
        )
    return participant


@transaction.atomic
def influence_add(
    *,
    actor: Actor,
    partner_organization,
    share,
    registration=None,
    crm_opportunity=None,
    note: str = "",
) -> DealParticipant:
    """Staff, or the CRM through a tenant key, add an influencing partner to a registration or to a CRM opportunity
    (named by itself, its id, or for an opportunity its external id) with a share. Emits `deal.influence_accepted`
    (without a claim)."""
    policy.require(actor, "deals.review")
    organization_id = getattr(partner_organization, "pk", partner_organization)
    if isinstance(organization_id, bool) or not isinstance(organization_id, int):
        raise ValidationFailed(_("Choose a partner."), field="partner_organization")
    organization = partners_by_id(partner_ids=[organization_id]).get(organization_id)
    if organization is None:
        raise ValidationFailed(_("Choose a partner of the program."), field="partner_organization")
    share = _clean_influence_share(share)
    note = clean_text(note, field="note", max_length=TEXT_MAX_LENGTH)
    participant = _add_influencer(
        actor=actor,
        partner_organization=organization,
        share=share,
        registration=resolve_registration(registration),
        crm_opportunity=resolve_crm_opportunity(crm_opportunity),
        note=note,
    )
    record_event(
        "deal.influence_accepted",
        subject=participant.registration or participant.crm_opportunity,
        payload={
            "claim_id": None,
            "partner_organization_id": organization.pk,
            "status": InfluenceClaimStatus.ACCEPTED,
            "customer_name": "",
            "customer_domain": "",
            "registration_id": participant.registration_id,
            "crm_opportunity_id": participant.crm_opportunity_id,
            "share": str(share),
            "role": AttributionRole.INFLUENCED,
        },
        actor=actor,
    )
    return participant


# Claims -----------------------------------------------------------------------------------------------------


@transaction.atomic
def influence_claim_create(
    *,
    actor: Actor,
    customer_name,
    activity,
    customer_website="",
    customer_country="",
    evidence="",
    evidence_url="",
) -> InfluenceClaim:
    """A partner user claims influence on a deal of the customer it names: what it did (required), evidence as text
    and/or a link (optional). The claim waits for a reviewer; the partner's reviewing channel managers are told
    (`deal.influence_claimed`)."""
    policy.require(actor, "deals.claim_influence")
    customer_name = clean_text(customer_name, field="customer_name", max_length=255)
    if not customer_name:
        raise ValidationFailed(_("Name the customer company."), field="customer_name")
    website, domain = clean_website(customer_website, field="customer_website")
    country = clean_country(customer_country, field="customer_country")
    activity = clean_text(activity, field="activity", max_length=TEXT_MAX_LENGTH)
    if not activity:
        raise ValidationFailed(_("Say what your organization did to advance the deal."), field="activity")
    evidence = clean_text(evidence, field="evidence", max_length=TEXT_MAX_LENGTH)
    evidence_url = _clean_evidence_url(evidence_url)
    partner = partner_get(partner_id=actor.partner_organization_id)
    claim = InfluenceClaim.objects.create(
        partner_organization=partner,
        claimed_by=user_of(actor),
        customer_name=customer_name,
        customer_website=website,
        customer_domain=domain,
        customer_country=country,
        activity=activity,
        evidence=evidence,
        evidence_url=evidence_url,
    )
    record_event("deal.influence_claimed", subject=claim, payload=_claim_payload(claim), actor=actor)
    notify(
        users=reviewing_channel_managers(partner),
        kind="deal.influence_claimed",
        title=lazy_format(
            gettext_lazy("%(partner)s claims influence on a deal with %(customer)s"),
            partner=partner.name,
            customer=customer_name,
        ),
        body=activity[:500],
        url=claim_queue_url(),
    )
    return claim


def _lock_pending(actor: Actor, claim: InfluenceClaim) -> InfluenceClaim:
    policy.require(actor, "deals.review")
    claim = (
        InfluenceClaim.objects.select_for_update(of=("self",)).select_related("partner_organization").get(pk=claim.pk)
    )
    if claim.status != InfluenceClaimStatus.PENDING:
        raise InvalidTransition(
            _("This claim was already decided: %(status)s.") % {"status": claim.get_status_display()}, field="status"
        )
    return claim


@transaction.atomic
def influence_claim_accept(
    *, actor: Actor, claim: InfluenceClaim, share, registration=None, crm_opportunity=None, note: str = ""
) -> InfluenceClaim:
    """A reviewer accepts a pending claim on the deal they found (a registration, or a CRM opportunity) with a share:
    the partner becomes an influencing participant of it (the rules of `_add_influencer`). Emits
    `deal.influence_accepted`; the partner is told."""
    claim = _lock_pending(actor, claim)
    share = _clean_influence_share(share)
    note = clean_text(note, field="note", max_length=TEXT_MAX_LENGTH)
    participant = _add_influencer(
        actor=actor,
        partner_organization=claim.partner_organization,
        share=share,
        registration=resolve_registration(registration),
        crm_opportunity=resolve_crm_opportunity(crm_opportunity),
        note=_("Influence claimed: %(activity)s") % {"activity": claim.activity[:300]},
    )
    claim.status = InfluenceClaimStatus.ACCEPTED
    claim.registration_id = participant.registration_id
    claim.crm_opportunity_id = participant.crm_opportunity_id
    claim.share = share
    claim.decided_by = user_of(actor)
    claim.decided_at = timezone.now()
    claim.decision_reason = note
    claim.save()
    record_event(
        "deal.influence_accepted",
        subject=claim,
        payload=_claim_payload(claim, role=AttributionRole.INFLUENCED),
        actor=actor,
    )
    notify(
        users=_claimant_recipients(claim),
        kind="deal.influence_decided",
        title=lazy_format(
            gettext_lazy("Your influence on %(customer)s is recognised: %(share)s%%"),
            customer=claim.customer_name,
            share=f"{share.normalize():f}",
        ),
        body=note,
        url=claims_url(),
    )
    return claim


@transaction.atomic
def influence_claim_decline(*, actor: Actor, claim: InfluenceClaim, reason) -> InfluenceClaim:
    """A reviewer declines a pending claim with a reason, which the partner reads. Emits `deal.influence_declined`."""
    claim = _lock_pending(actor, claim)
    reason = clean_text(reason, field="reason", max_length=TEXT_MAX_LENGTH)
    if not reason:
        raise ValidationFailed(_("Say why the claim is declined: the partner reads it."), field="reason")
    claim.status = InfluenceClaimStatus.DECLINED
    claim.decided_by = user_of(actor)
    claim.decided_at = timezone.now()
    claim.decision_reason = reason
    claim.save()
    record_event("deal.influence_declined", subject=claim, payload=_claim_payload(claim, reason=reason), actor=actor)
    notify(
        users=_claimant_recipients(claim),
        kind="deal.influence_decided",
        title=lazy_format(
            gettext_lazy("Your influence claim on %(customer)s was declined"), customer=claim.customer_name
        ),
        body=reason,
        url=claims_url(),
    )
    return claim
