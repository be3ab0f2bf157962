"""Two relays completing the last two required steps of one onboarding at the same moment: the onboarding row lock
serialises them, so the second sees the first's step done and completes the onboarding (once)."""

import threading

import pytest
from django.db import DatabaseError, connection
from django.utils import timezone

from partners.models import OnboardingStatus, PartnerOnboarding, PartnerStatus
from partners.services import onboarding as onboarding_services
from prm.errors import DomainError
from prm.models import Event
from prm.tenancy import tenant_context
from tests.concurrency import wait_until_waiting_for_a_lock
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
    outcome = {}
    connected = threading.Event()

    def second_relay():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                outcome["pid"] = cursor.fetchone()[0]
            connected.set()
            with tenant_context(tenant):
                claimed = Event.objects.select_for_update().get(pk=deal.pk)  # as the relay claims its events
                outcome["steps"] = onboarding_services.onboarding_steps_complete_from_event(claimed)
        except (DomainError, DatabaseError) as exc:
            outcome["error"] = exc
        finally:
            connected.set()
            connection.close()

    with tenant_context(tenant):
        claimed = Event.objects.select_for_update().get(pk=agreement.pk)
        assert onboarding_services.onboarding_steps_complete_from_event(claimed)
        assert PartnerOnboarding.objects.get(pk=onboarding.pk).status == OnboardingStatus.IN_PROGRESS
        second = threading.Thread(target=second_relay)
        second.start()
        assert connected.wait(timeout=30)
        # The second relay waits for the onboarding this one holds.
        with connection.cursor() as cursor:
            wait_until_waiting_for_a_lock(cursor, outcome["pid"])
    second.join(timeout=30)

    assert "error" not in outcome, outcome
    assert [step.title for step in outcome["steps"]] == ["Deal"]
    with tenant_context(tenant):
        assert PartnerOnboarding.objects.get(pk=onboarding.pk).status == OnboardingStatus.COMPLETED
        assert Event.objects.filter(type="onboarding.completed").count() == 1
        partner.refresh_from_db()
    assert partner.status == PartnerStatus.ACTIVE
