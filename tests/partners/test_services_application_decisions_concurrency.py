"""Two channel managers deciding the same application at once: the row lock serves them one after the other,
one decision wins and the other is told what happened, with nothing half-written."""

import threading

import pytest
from django.db import DatabaseError, connection

from partners import services
from partners.models import ApplicationStatus, PartnerApplication, PartnerOrganization
from prm.errors import DomainError, InvalidTransition
from prm.models import Event
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.concurrency import wait_until_waiting_for_a_lock
from tests.factories import PartnerApplicationFactory, StaffFactory


@pytest.mark.django_db(transaction=True)
def test_approve_and_decline_at_once_one_wins_and_the_other_gets_a_clear_message(tenant):
    first = StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER, user__first_name="Ada", user__last_name="King")
    second = StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER)
    application = PartnerApplicationFactory(tenant=tenant, company_name="Litware")
    outcome = {}
    connected = threading.Event()

    def second_declines():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                outcome["pid"] = cursor.fetchone()[0]
            connected.set()
            with tenant_context(tenant):
                services.application_decline(actor=second, application=application, reason="Too small.")
            outcome["result"] = "declined"
        except (DomainError, DatabaseError) as exc:
            outcome["result"] = exc
        finally:
            connected.set()
            connection.close()

    with tenant_context(tenant):
        services.application_approve(actor=first, application=application)
        other = threading.Thread(target=second_declines)
        other.start()
        assert connected.wait(timeout=30)
        # The second waits on the application's row lock until the first commits.
        with connection.cursor() as cursor:
            wait_until_waiting_for_a_lock(cursor, outcome["pid"])
    other.join(timeout=30)

    assert isinstance(outcome["result"], InvalidTransition), outcome
    assert outcome["result"].message.startswith("Litware was approved by Ada King at ")
    with tenant_context(tenant):
        application.refresh_from_db()
        assert application.status == ApplicationStatus.APPROVED and application.decided_by_id == first.user_id
        assert PartnerOrganization.objects.count() == 1
        assert not Event.objects.filter(type="application.declined").exists()
        assert PartnerApplication.objects.get().decision_reason == ""
