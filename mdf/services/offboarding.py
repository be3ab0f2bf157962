"""A partner leaves the program (`partner.offboarded`): its funds leave with it.

Drafts, submitted requests and requests sent back for changes are cancelled; approved requests with no claim
waiting for review are cancelled too and what they still commit returns to available (a release each); then what
is available on each of the partner's allocations returns to its fund (a reallocation each). Claims already
approved stay payable and are still paid; a claim waiting for review is decided as usual (the request's remainder
is returned by the nightly expiry). The partner's offboarding record gets the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mdf.models import (
    OPEN_CLAIM_STATUSES,
    AccountKind,
    Allocation,
    FundRequest,
    LedgerAccount,
    RequestStatus,
    TransactionKind,
)
from mdf.services.ledger import accounts_of_allocations, fund_accounts, ledger_post
from mdf.services.requests import release_commitment
from partners import services as partner_services
from partners.selectors import PartnerStatus, partner_get
from partners.selectors.program_settings import program_language
from prm import policy
from prm.policy import Actor

CANCELLED_STATUSES = (RequestStatus.DRAFT, RequestStatus.SUBMITTED, RequestStatus.CHANGES_REQUESTED)


@dataclass
class MdfOffboardingOutcome:
    requests_cancelled: int = 0
    released: Decimal = Decimal("0.00")
    returned: dict[str, Decimal] = field(default_factory=dict)  # currency -> amount returned to funds

    def __bool__(self) -> bool:
        return bool(self.requests_cancelled or self.returned)


@transaction.atomic
def mdf_end_for_offboarded_partner(*, actor: Actor, partner_organization_id: int) -> MdfOffboardingOutcome:
    """See the module's docstring. Idempotent: nothing open and nothing available left → nothing happens; a partner
    no longer offboarded (reactivated since) is left alone."""
    policy.require(actor, "mdf.manage")
    partner = partner_get(partner_id=partner_organization_id)
    outcome = MdfOffboardingOutcome()
    if partner is None or partner.status != PartnerStatus.OFFBOARDED:
        return outcome
    now = timezone.now()
    requests = list(
        FundRequest.objects.select_for_update(of=("self",))
        .select_related("fund")
        .filter(
            partner_organization_id=partner.pk,
            status__in=(*CANCELLED_STATUSES, RequestStatus.APPROVED),
        )
        .exclude(status=RequestStatus.APPROVED, claims__status__in=OPEN_CLAIM_STATUSES)
        .order_by("id")
    )
    for fund_request in requests:
        if fund_request.status == RequestStatus.APPROVED:
            outcome.released += release_commitment(
                actor=actor,
                fund_request=fund_request,
                memo=_("Partner offboarded: %(title)s cancelled") % {"title": fund_request.title},
                key=f"mdf:request:{fund_request.pk}:offboarded",
            )
        fund_request.status = RequestStatus.CANCELLED
        fund_request.closed_at = now
        fund_request.decision_note = _("Cancelled: the partner left the program.")
        fund_request.save(update_fields=["status", "closed_at", "decision_note", "updated_at"])
    outcome.requests_cancelled = len(requests)
    allocations = list(Allocation.objects.select_related("fund").filter(partner_organization_id=partner.pk))
    accounts = accounts_of_allocations(a.pk for a in allocations)
    for allocation in allocations:
        available = LedgerAccount.objects.select_for_update().get(pk=accounts[allocation.pk][AccountKind.AVAILABLE].pk)
        if available.balance <= 0:
            continue
        ledger_post(
            fund=allocation.fund,
            kind=TransactionKind.REALLOCATE,
            lines=[
                (available, -available.balance),
                (fund_accounts(allocation.fund_id)[AccountKind.FUND_UNALLOCATED], available.balance),
            ],
            actor=actor,
            memo=_("Partner offboarded: allocation returned to the fund"),
        )
        currency = allocation.fund.currency
        outcome.returned[currency] = outcome.returned.get(currency, Decimal("0.00")) + available.balance
    if outcome:
        partner_services.partner_offboarding_note(actor=actor, partner_id=partner.pk, note=offboarding_note(outcome))
    return outcome


def offboarding_note(outcome: MdfOffboardingOutcome) -> str:
    """What the offboarding record says, in the program's language."""
    with program_language():
        parts = []
        if outcome.requests_cancelled:
            parts.append(
                ngettext(
                    "%(count)s fund request cancelled",
                    "%(count)s fund requests cancelled",
                    outcome.requests_cancelled,
                )
                % {"count": outcome.requests_cancelled}
            )
        for currency, amount in sorted(outcome.returned.items()):
            parts.append(
                _("%(amount)s %(currency)s of MDF returned to the funds") % {"amount": amount, "currency": currency}
            )
        return ", ".join(parts) + "."
