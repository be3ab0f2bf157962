"""Two people acting at once: the database constraint decides, and the loser gets a clear message, not an error."""

import pytest

from prm import services
from prm.errors import ValidationFailed
from prm.models import Invitation
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.concurrency import race
from tests.factories import StaffFactory


@pytest.mark.django_db(transaction=True)
def test_two_admins_inviting_the_same_address_at_once_get_one_invitation_and_a_clear_message(tenant):
    first_admin, second_admin = StaffFactory(tenant=tenant), StaffFactory(tenant=tenant)
    # The second saw no open invitation (the first is not committed) and now waits on the unique index.
    (first, _token), refused = race(
        tenant,
        lambda: services.invitation_create(actor=first_admin, email="dana@example.com", role=Role.ANALYST),
        lambda: services.invitation_create(actor=second_admin, email="dana@example.com", role=Role.ANALYST),
    )

    assert isinstance(refused, ValidationFailed), refused
    assert refused.field == "email"
    assert "was invited by someone else a moment ago" in refused.message
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
