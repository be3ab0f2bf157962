"""Two people acting at once: the database constraint decides, and the loser gets a clear message, not an error."""

import threading

import pytest
from django.db import DatabaseError, connection

from prm import services
from prm.errors import DomainError, ValidationFailed
from prm.models import Invitation
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.concurrency import race, wait_until_waiting_for_a_lock
from tests.factories import StaffFactory


@pytest.mark.django_db(transaction=True)
def test_two_admins_inviting_the_same_address_at_once_get_one_invitation_and_a_clear_message(tenant):
    first_admin, second_admin = StaffFactory(tenant=tenant), StaffFactory(tenant=tenant)
    outcome = {}
    connected = threading.Event()

    def second_invites():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                outcome["pid"] = cursor.fetchone()[0]
            connected.set()
            with tenant_context(tenant):
                services.invitation_create(actor=second_admin, email="dana@example.com", role=Role.ANALYST)
            outcome["result"] = "invited"
        except (DomainError, DatabaseError) as exc:
            outcome["result"] = exc
        finally:
            connected.set()
            connection.close()

    with tenant_context(tenant):
        first, _token = services.invitation_create(actor=first_admin, email="dana@example.com", role=Role.ANALYST)
        second = threading.Thread(target=second_invites)
        second.start()
        assert connected.wait(timeout=30)
        # The second saw no open invitation (the first is not committed) and now waits on the unique index.
        with connection.cursor() as cursor:
            wait_until_waiting_for_a_lock(cursor, outcome["pid"])
    second.join(timeout=30)

    assert isinstance(outcome["result"], ValidationFailed), outcome
    assert outcome["result"].field == "email"
    assert "was invited by someone else a moment ago" in outcome["result"].message
    with tenant_context(tenant):
        assert list(Invitation.objects.values_list("pk", flat=True)) == [first.pk]


@pytest.mark.django_db(transaction=True)
def test_two_admins_demoting_each_other_at_once_leave_one_admin_and_a_clear_message(tenant):
    first_admin, second_admin = StaffFactory(tenant=tenant), StaffFactory(tenant=tenant)

    # The second waits for the first's lock on the admins instead of deadlocking with it.
    _, refused = race(
        tenant,
        lambda: services.membership_update(
            actor=first_admin, membership=second_admin, role=Role.ANALYST, is_active=True
        ),
        lambda: services.membership_update(
            actor=second_admin, membership=first_admin, role=Role.CHANNEL_MANAGER, is_active=True
        ),
    )

    assert isinstance(refused, ValidationFailed), refused
    assert "at least one active tenant admin" in refused.message
    with tenant_context(tenant):
        first_admin.refresh_from_db()
        second_admin.refresh_from_db()
    assert (first_admin.role, second_admin.role) == (Role.TENANT_ADMIN, Role.ANALYST)
