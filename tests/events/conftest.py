"""Subscribers the tests control (registered for the test only), a real webhook receiver, and failures to act on."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.db import connection

from prm.events import record_event, subscribe, subscriber_name, unsubscribe
from prm.events.relay import record_failure
from prm.models import EventHandlerFailure
from prm.tenancy import tenant_context
from tests.factories import PartnerOrganizationFactory
from tests.webhooks.conftest import allow_private, endpoint, receiver, record_partner, run  # noqa: F401 - fixtures


@dataclass
class Controlled:
    """A subscriber to `partner.created` that fails (a database error, which aborts its transaction unless it runs
    in a savepoint) while `failures_left` says so, or for the partners named in `poison`. `effect` runs before the
    failure, so a rolled-back attempt leaves nothing behind."""

    name: str = ""
    failures_left: int = 0
    poison: set[str] = field(default_factory=set)
    calls: list[int] = field(default_factory=list)
    effect: object = None

    def fail_now(self, event) -> bool:
        if event.payload.get("name") in self.poison:
            return True
        if self.failures_left:
            self.failures_left -= 1
            return True
        return False


def _division_by_zero():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 / 0")


@pytest.fixture
def controlled():
    """A test-only subscriber, removed again after the test so that no other test sees it."""
    state = Controlled()

    def controlled_subscriber(event):
        state.calls.append(event.pk)
        if state.effect is not None:
            state.effect(event)
        if state.fail_now(event):
            _division_by_zero()

    state.name = subscriber_name(controlled_subscriber)
    subscribe("partner.created")(controlled_subscriber)
    yield state
    unsubscribe(controlled_subscriber)


@pytest.fixture
def make_failure(tenant, tenant_admin, controlled):
    """make_failure(dead=False) records a partner.created event and a failure of the controlled subscriber on it,
    without relaying anything; `attempts` failures are counted (dead-lettered at the limit)."""

    def make(*, attempts: int = 1, name: str = "Contoso Defence", tenant_=None):
        owner = tenant_ or tenant
        partner = PartnerOrganizationFactory(tenant=owner, name=name)
        with tenant_context(owner):
            event = record_event("partner.created", subject=partner, payload={"name": name})
            event.relayed_at = event.occurred_at
            event.save(update_fields=["relayed_at"])
            failure = None
            for _ in range(attempts):
                failure = record_failure(
                    event=event, subscriber_name=controlled.name, error="DataError: division by zero", failure=failure
                )
        return failure

    return make


def failures(tenant) -> list[EventHandlerFailure]:
    with tenant_context(tenant):
        return list(EventHandlerFailure.objects.select_related("event").order_by("id"))
