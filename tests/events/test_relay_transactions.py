"""A relay commits batch by batch (CLAIM_BATCH events): no transaction, and no row lock, is held across batches."""

import threading

import pytest
from django.db import connection

from prm.events import relay
from prm.models import Event, EventHandlerFailure
from prm.tasks import relay_events
from prm.tenancy import tenant_context
from tests.factories import PartnerOrganizationFactory


@pytest.mark.django_db(transaction=True)
def test_each_batch_is_committed_and_unlocked_before_the_next_one_is_relayed(tenant, controlled, monkeypatch):
    monkeypatch.setattr(relay, "CLAIM_BATCH", 1)  # two events, two batches
    with tenant_context(tenant):
        # Outbox rows only: record_event would relay them at once here (Celery runs eagerly on commit).
        events = [
            Event.objects.create(
                type="partner.created", subject_type="partnerorganization", subject_id=str(partner.pk), payload=payload
            )
            for partner, payload in (
                (PartnerOrganizationFactory(tenant=tenant, name=name), {"name": name}) for name in ("First", "Second")
            )
        ]
    seen = {}

    def look_from_another_session(event):
        def look():
            try:
                with tenant_context(tenant):
                    relayed = list(Event.objects.filter(relayed_at__isnull=False).values_list("pk", flat=True))
                    # NOWAIT: raises at once if the relay still held a lock on an earlier event.
                    list(Event.objects.select_for_update(nowait=True).filter(pk__in=relayed))
                    recorded = EventHandlerFailure.objects.count()
                seen[event.payload["name"]] = (relayed, recorded)
            finally:
                connection.close()

        other = threading.Thread(target=look)
        other.start()
        other.join()

    controlled.effect = look_from_another_session
    controlled.poison = {"First"}

    assert relay_events(tenant_id=tenant.pk) == 2

    # While the second event was relayed, the first was committed: relayed, unlocked, its failure on record.
    assert seen == {"First": ([], 0), "Second": ([events[0].pk], 1)}


@pytest.mark.django_db(transaction=True)
def test_the_events_of_one_batch_commit_together_and_a_failing_subscriber_stops_only_its_event(tenant, controlled):
    with tenant_context(tenant):
        events = [
            Event.objects.create(
                type="partner.created", subject_type="partnerorganization", subject_id=str(partner.pk), payload=payload
            )
            for partner, payload in (
                (PartnerOrganizationFactory(tenant=tenant, name=name), {"name": name}) for name in ("First", "Second")
            )
        ]
    seen = {}

    def look_from_another_session(event):
        def look():
            try:
                with tenant_context(tenant):
                    seen[event.payload["name"]] = Event.objects.filter(relayed_at__isnull=False).count()
            finally:
                connection.close()

        other = threading.Thread(target=look)
        other.start()
        other.join()

    controlled.effect = look_from_another_session
    controlled.poison = {"First"}

    assert relay_events(tenant_id=tenant.pk) == 2

    # One transaction for both: nothing was committed while the second ran; then both relayed, one failure.
    assert seen == {"First": 0, "Second": 0}
    with tenant_context(tenant):
        assert Event.objects.filter(pk__in=[e.pk for e in events], relayed_at__isnull=False).count() == 2
        assert list(EventHandlerFailure.objects.values_list("event_id", flat=True)) == [events[0].pk]
