"""Two channel managers deciding the same application at once: the row lock serves them one after the other,
one decision wins and the other is told what happened, with nothing half-written."""

import pytest

from partners import services
from partners.models import ApplicationStatus, PartnerApplication, PartnerOrganization
from prm.errors import InvalidTransition
from prm.models import Event
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.concurrency import race
from tests.factories import PartnerApplicationFactory, StaffFactory


@pytest.mark.django_db(transaction=True)
def test_approve_and_decline_at_once_one_wins_and_the_other_gets_a_clear_message(tenant):
    first = StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER, user__first_name="Ada", user__last_name="King")
    second = StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER)
    application = PartnerApplicationFactory(tenant=tenant, company_name="Litware")
    # The second waits on the application's row lock until the first commits.
    _, refused = race(
        tenant,
        lambda: services.application_approve(actor=first, application=application),
        lambda: services.application_decline(actor=second, application=application, reason="Too small."),
    )

    assert isinstance(refused, InvalidTransition), refused
    assert refused.message.startswith("Litware was approved by Ada King at ")
    with tenant_context(tenant):
        application.refresh_from_db()
        assert application.status == ApplicationStatus.APPROVED and application.decided_by_id == first.user_id
        assert PartnerOrganization.objects.count() == 1
        assert not Event.objects.filter(type="application.declined").exists()
        assert PartnerApplication.objects.get().decision_reason == ""
