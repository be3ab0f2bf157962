"""Two relays completing the last two required steps of one onboarding at the same moment: the onboarding row lock
serialises them, so the second sees the first's step done and completes the onboarding (once)."""

import pytest
from django.utils import timezone

from partners.models import OnboardingStatus, PartnerOnboarding, PartnerStatus
from partners.services import onboarding as onboarding_services
from prm.models import Event
from prm.tenancy import tenant_context
from tests.concurrency import race
from tests.factories import PartnerOrganizationFactory
from tests.partners.onboarding_support import make_plan, start


@pytest.mark.django_db(transaction=True)
def test_two_steps_completing_at_once_complete_the_onboarding_once(tenant):
    make_plan(
        tenant,
        [
            {"title": "Agreement", "kind": "accept_agreement"},
            {"title": "Deal", "kind": "register_deal"},
        ],
    )
    partner = PartnerOrganizationFactory(tenant=tenant, status=PartnerStatus.ONBOARDING)
    onboarding = start(tenant, partner)
    ids = {"partner_organization_id": partner.pk}
    with tenant_context(tenant):
        # Outbox rows only (record_event would relay them at once here, with Celery eager), taken by the two
        # "relays" below; marked relayed so that no other relay picks them up meanwhile.
        subject = {"subject_type": "partnerorganization", "subject_id": str(partner.pk), "payload": ids}
        agreement = Event.objects.create(type="agreement.accepted", relayed_at=timezone.now(), **subject)
        deal = Event.objects.create(type="deal.submitted", relayed_at=timezone.now(), **subject)

    def first_relay():
        claimed = Event.objects.select_for_update().get(pk=agreement.pk)  # as the relay claims its events
        assert onboarding_services.onboarding_steps_complete_from_event(claimed)
        assert PartnerOnboarding.objects.get(pk=onboarding.pk).status == OnboardingStatus.IN_PROGRESS

    def second_relay():
        claimed = Event.objects.select_for_update().get(pk=deal.pk)
        return onboarding_services.onboarding_steps_complete_from_event(claimed)

    # The second relay waits for the onboarding the first one holds.
    _, steps = race(tenant, first_relay, second_relay)

    assert isinstance(steps, list), steps
    assert [step.title for step in steps] == ["Deal"]
    with tenant_context(tenant):
        assert PartnerOnboarding.objects.get(pk=onboarding.pk).status == OnboardingStatus.COMPLETED
        assert Event.objects.filter(type="onboarding.completed").count() == 1
        partner.refresh_from_db()
    assert partner.status == PartnerStatus.ACTIVE
