"""Two channel managers deciding the same registration at the same moment: one decision wins, the other is told
who decided and when — never two decisions, never a server error."""

import pytest

from dealreg import services
from dealreg.models import DealActivity, DealRegistration, DealStatus, RejectionReason
from prm.errors import InvalidTransition
from prm.models import Event
from prm.tenancy import tenant_context
from tests.concurrency import race


@pytest.mark.django_db(transaction=True)
def test_two_channel_managers_deciding_at_once_one_wins_and_the_other_is_told_who(
    tenant, channel_manager, second_manager, register
):
    registration = register()
    # The first holds the registration's row lock (inside its transaction) while the second tries.
    _approved, refused = race(
        tenant,
        lambda: services.deal_approve(actor=channel_manager, registration=registration),
        lambda: services.deal_reject(
            actor=second_manager, registration=registration, reason=RejectionReason.NOT_QUALIFIED
        ),
    )

    assert isinstance(refused, InvalidTransition), refused
    assert refused.message.startswith("Already approved by Casey Manager at ")
    with tenant_context(tenant):
        registration.refresh_from_db()
        assert registration.status == DealStatus.APPROVED
        assert registration.decided_by_id == channel_manager.user_id
        decisions = DealActivity.objects.filter(registration=registration, kind__in=["approved", "rejected"])
        assert list(decisions.values_list("kind", flat=True)) == ["approved"]
        assert list(
            Event.objects.filter(type__in=["deal.approved", "deal.rejected"]).values_list("type", flat=True)
        ) == ["deal.approved"]
        DealRegistration.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_accepting_influence_at_once_never_pass_100_percent_influenced(
    tenant, channel_manager, second_manager, register, other_partner
):
    """Two claims on one deal, 60% and 50%, accepted at the same moment: the second waits for the deal's row lock,
    then sees the first's 60% and is refused — the influenced shares never add up to more than 100."""
    from decimal import Decimal

    from dealreg.models import DealParticipant, InfluenceClaim
    from prm.errors import ValidationFailed
    from tests.factories import PartnerOrganizationFactory, PartnerUserFactory

    registration = register()
    third = PartnerUserFactory(tenant=tenant, partner_organization=PartnerOrganizationFactory(tenant=tenant))
    with tenant_context(tenant):
        claims = [
            services.influence_claim_create(actor=partner, customer_name="Initech GmbH", activity="Ran the demo")
            for partner in (other_partner, third)
        ]
    accepted, refused = race(
        tenant,
        lambda: services.influence_claim_accept(
            actor=channel_manager, claim=claims[0], registration=registration, share="60"
        ),
        lambda: services.influence_claim_accept(
            actor=second_manager, claim=claims[1], registration=registration, share="50"
        ),
    )
    assert isinstance(refused, ValidationFailed) and refused.field == "share", refused
    with tenant_context(tenant):
        influenced = DealParticipant.objects.filter(registration=registration, role="influenced")
        assert sum(p.share for p in influenced) == Decimal("60.00")
        assert sorted(InfluenceClaim.objects.values_list("status", flat=True)) == ["accepted", "pending"]
        InfluenceClaim.objects.all().delete()
        DealRegistration.objects.all().delete()
