"""Two channel managers deciding the same registration at the same moment: one decision wins, the other is told
who decided and when — never two decisions, never a server error."""

import threading

import pytest
from django.db import DatabaseError, connection

from dealreg import services
from dealreg.models import DealActivity, DealRegistration, DealStatus, RejectionReason
from prm.errors import DomainError, InvalidTransition
from prm.models import Event
from prm.tenancy import tenant_context
from tests.concurrency import wait_until_waiting_for_a_lock


def decide_in_a_thread(tenant, outcome, decide):
    def run():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                outcome["pid"] = cursor.fetchone()[0]
            outcome["connected"].set()
            with tenant_context(tenant):
                outcome["result"] = decide()
        except (DomainError, DatabaseError) as exc:
            outcome["result"] = exc
        finally:
            outcome["connected"].set()
            connection.close()

    return threading.Thread(target=run)


@pytest.mark.django_db(transaction=True)
def test_two_channel_managers_deciding_at_once_one_wins_and_the_other_is_told_who(
    tenant, channel_manager, second_manager, register
):
    registration = register()
    outcome = {"connected": threading.Event()}
    second = decide_in_a_thread(
        tenant,
        outcome,
        lambda: services.deal_reject(
            actor=second_manager, registration=registration, reason=RejectionReason.NOT_QUALIFIED
        ),
    )
    with tenant_context(tenant):
        # The first holds the registration's row lock (inside its transaction) while the second tries.
        services.deal_approve(actor=channel_manager, registration=registration)
        second.start()
        assert outcome["connected"].wait(timeout=30)
        with connection.cursor() as cursor:
            wait_until_waiting_for_a_lock(cursor, outcome["pid"])
    second.join(timeout=30)

    refused = outcome["result"]
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
