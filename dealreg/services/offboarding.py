"""A partner leaves the program (`partner.offboarded`): its deal registrations leave with it.

Drafts and registrations waiting for review (submitted, under review, information requested) are withdrawn, so they
leave the review queue; approved registrations are withdrawn too, which ends their protection at once. Withdrawn,
not expired: "expired" says the protection period ran out without a close (and the expiry figures count it), while
these end because the partner is gone; the timeline, the event (`previous_status`, `offboarded: true`) and the
offboarding record say why. The vendor's seller of each customer whose protection ended is told (the CRM's owner of
the account or opportunity, when that person is one of the program's people, or the person assigned for co-sell);
otherwise the partner's reviewing channel managers are. The partner's offboarding record gets the outcome ("3 open
deal registrations withdrawn, 2 protections ended").

Set-based: one locked read, one UPDATE, one INSERT for the timeline and one for the events, whatever the number of
registrations; one notification per ended protection.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from dealreg.models import (
    CrmAccount,
    CrmOpportunity,
    DealActivity,
    DealActivityKind,
    DealExtensionRequest,
    DealRegistration,
    DealStatus,
    ExtensionStatus,
)
from dealreg.services.common import deal_payload, deal_url, new_activity, reviewing_channel_managers, shown_date
from dealreg.services.common import shown_money as money_text
from partners import services as partner_services
from partners.selectors import PartnerStatus, partner_get
from partners.selectors.program_settings import program_language
from prm import policy
from prm.events import record_events
from prm.i18n import lazy_format
from prm.models import Membership
from prm.notifications import notify
from prm.policy import Actor
from prm.roles import STAFF_ROLES

# Open registrations are withdrawn; approved ones lose their protection (withdrawn as well).
OPEN_STATUSES = (DealStatus.DRAFT, DealStatus.SUBMITTED, DealStatus.UNDER_REVIEW, DealStatus.INFO_REQUESTED)
PROTECTED_STATUSES = (DealStatus.APPROVED,)


@dataclass
class OffboardingOutcome:
    withdrawn: int = 0  # drafts and registrations in review
    protections_ended: int = 0  # approved registrations

    def __bool__(self) -> bool:
        return bool(self.withdrawn or self.protections_ended)


@transaction.atomic
def deals_end_for_offboarded_partner(*, actor: Actor, partner_organization_id: int) -> OffboardingOutcome:
    """Withdraw the offboarded partner's drafts and open registrations and end its protections (see the module's
    docstring). Idempotent: a partner with nothing open left, or no longer offboarded (reactivated since), is left
    alone."""
    policy.require(actor, "deals.review")
    partner = partner_get(partner_id=partner_organization_id)
    if partner is None or partner.status != PartnerStatus.OFFBOARDED:
        return OffboardingOutcome()
    registrations = list(
        DealRegistration.objects.select_for_update(of=("self",))
        .select_related("crm_opportunity", "assigned_to")
        .filter(partner_organization_id=partner.pk, status__in=(*OPEN_STATUSES, *PROTECTED_STATUSES))
        .order_by("id")
    )
    if not registrations:
        return OffboardingOutcome()
    now = timezone.now()
    DealRegistration.objects.filter(pk__in=[r.pk for r in registrations]).update(
        status=DealStatus.WITHDRAWN, updated_at=now
    )
    ended = [r for r in registrations if r.status in PROTECTED_STATUSES]
    DealExtensionRequest.objects.filter(
        registration_id__in=[r.pk for r in ended], status=ExtensionStatus.PENDING
    ).update(
        status=ExtensionStatus.DECLINED,
        decided_at=now,
        decision_note=_("The partner left the program."),
        updated_at=now,
    )
    activities, events = [], []
    for registration in registrations:
        before, registration.status, registration.updated_at = registration.status, DealStatus.WITHDRAWN, now
        message = (
            _("Protection ended: the partner left the program (offboarded).")
            if before in PROTECTED_STATUSES
            else _("Withdrawn: the partner left the program (offboarded).")
        )
        activities.append(
            new_activity(
                registration,
                DealActivityKind.WITHDRAWN,
                actor=actor,
                message=message,
                from_status=before,
                to_status=DealStatus.WITHDRAWN,
            )
        )
        payload = deal_payload(registration, reason=message, previous_status=before, offboarded=True)
        events.append(("deal.withdrawn", registration, payload))
    DealActivity.objects.bulk_create(activities)
    record_events(events, actor=actor)
    _tell_sellers(ended, partner)
    outcome = OffboardingOutcome(withdrawn=len(registrations) - len(ended), protections_ended=len(ended))
    partner_services.partner_offboarding_note(actor=actor, partner_id=partner.pk, note=offboarding_note(outcome))
    return outcome


def offboarding_note(outcome: OffboardingOutcome) -> str:
    """What the offboarding record says, in the program's language (it is written once, for everyone)."""
    with program_language():
        parts = []
        if outcome.withdrawn:
            parts.append(
                ngettext(
                    "%(count)s open deal registration withdrawn",
                    "%(count)s open deal registrations withdrawn",
                    outcome.withdrawn,
                )
                % {"count": outcome.withdrawn}
            )
        if outcome.protections_ended:
            parts.append(
                ngettext(
                    "%(count)s deal protection ended",
                    "%(count)s deal protections ended",
                    outcome.protections_ended,
                )
                % {"count": outcome.protections_ended}
            )
        return ", ".join(parts) + "."


# The vendor's sellers -----------------------------------------------------------------------------------------


def _crm_owners(registrations: list[DealRegistration]) -> dict[int, tuple[str, str]]:
    """For each registration, the vendor's seller of its customer as the CRM knows them, (name, email): the owner of
    its linked CRM opportunity, else of the best CRM account or open opportunity its screening matched. Two
    queries at most."""
    wanted: dict[int, list[tuple[str, int]]] = {}
    for registration in registrations:
        found = [(c.get("kind"), c.get("id")) for c in registration.conflicts or []]
        wanted[registration.pk] = [(kind, pk) for kind, pk in found if kind in ("crm_account", "crm_opportunity")]
    account_ids = {pk for found in wanted.values() for kind, pk in found if kind == "crm_account"}
    opportunity_ids = {pk for found in wanted.values() for kind, pk in found if kind == "crm_opportunity"}
    records = {("crm_account", a.pk): a for a in CrmAccount.objects.filter(pk__in=account_ids)} if account_ids else {}
    if opportunity_ids:
        records |= {("crm_opportunity", o.pk): o for o in CrmOpportunity.objects.filter(pk__in=opportunity_ids)}
    owners = {}
    for registration in registrations:
        candidates = [registration.crm_opportunity, *(records.get(key) for key in wanted[registration.pk])]
        for record in candidates:
            if record is not None and (record.owner_email or record.owner_name):
                owners[registration.pk] = (record.owner_name, record.owner_email.strip().lower())
                break
    return owners


def _tell_sellers(ended: list[DealRegistration], partner) -> None:
    """One notice per ended protection: to the seller of the customer when the program knows them (the CRM's owner,
    by email, among the vendor's people; the person assigned for co-sell), else to the partner's reviewers."""
    if not ended:
        return
    owners = _crm_owners(ended)
    emails = {email for _name, email in owners.values() if email}
    people = {}
    if emails:
        members = (
            Membership.objects.select_related("user")
            .annotate(email_lower=Lower("user__email"))
            .filter(is_active=True, role__in=sorted(STAFF_ROLES), email_lower__in=sorted(emails))
        )
        people = {member.email_lower: member.user for member in members}
    reviewers = None
    for registration in ended:
        name, email = owners.get(registration.pk, ("", ""))
        sellers = [people[email]] if email in people else []
        if registration.assigned_to is not None and registration.assigned_to not in sellers:
            sellers.append(registration.assigned_to)
        if not sellers and reviewers is None:
            reviewers = reviewing_channel_managers(partner)
        body = lazy_format(
            gettext_lazy(
                "%(partner)s left the program: its registration (%(amount)s, protected until %(date)s) was withdrawn "
                "and the customer is no longer protected for it."
            ),
            partner=partner.name,
            amount=money_text(registration.amount, registration.currency),
            date=shown_date(registration.protected_until),
        )
        if not sellers and (name or email):
            body = lazy_format(
                gettext_lazy("%(notice)s The CRM names %(owner)s as the account's owner."),
                notice=body,
                owner=name or email,
            )
        notify(
            users=sellers or reviewers,
            kind="deal.protection_ended_offboarding",
            title=lazy_format(
                gettext_lazy("%(customer)s is no longer protected: %(partner)s was offboarded"),
                customer=registration.customer_name,
                partner=partner.name,
            ),
            body=body,
            url=deal_url(registration),
        )
