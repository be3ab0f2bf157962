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
