"""Protection after approval: the nightly expiry and its warning ahead (time frozen at the boundaries), extension
requests and their decision."""

import datetime

import pytest
import time_machine

from dealreg import services, tasks
from dealreg.models import DealExtensionRequest, DealStatus, ExtensionStatus
from prm.errors import InvalidTransition, PermissionDenied, ValidationFailed
from prm.tenancy import tenant_context
from tests.dealreg.helpers import events_of, notifications_of, refreshed

pytestmark = pytest.mark.django_db


def noon(year, month, day):
    return datetime.datetime(year, month, day, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def approved(tenant, channel_manager, rules, register):
    """A registration approved on 2030-01-10 with 90 days of protection: protected until 2030-04-10."""
    rules(protection_days=90, expiry_warning_days=14, max_extensions=2, extension_days=60)
    with time_machine.travel(noon(2030, 1, 10), tick=False):
        registration = register(expected_close_date=datetime.date(2030, 6, 30))
        with tenant_context(tenant):
            registration = services.deal_approve(actor=channel_manager, registration=registration)
    assert registration.protected_until == datetime.date(2030, 4, 10)
    return registration


def run_expiry(moment):
    with time_machine.travel(moment, tick=False):
        return tasks.expire_protection()


def test_the_partner_is_warned_once_fourteen_days_before_protection_ends(tenant, partner_admin, approved):
    run_expiry(noon(2030, 3, 26))  # 15 days before
    assert notifications_of(tenant, partner_admin.user, "deal.expiring") == []

    run_expiry(noon(2030, 3, 27))  # 14 days before
    run_expiry(noon(2030, 3, 28))
    [warning] = notifications_of(tenant, partner_admin.user, "deal.expiring")
    assert warning.title == "Protection of Initech GmbH ends on 10 Apr 2030"
    assert "ask for an extension" in warning.body
    assert refreshed(tenant, approved).expiry_warned_at == noon(2030, 3, 27)


def test_protection_ends_after_its_last_day_and_the_registration_expires_once(tenant, partner_admin, approved):
    run_expiry(datetime.datetime(2030, 4, 10, 23, 59, tzinfo=datetime.UTC))  # the last protected day
    assert refreshed(tenant, approved).status == DealStatus.APPROVED

    run_expiry(datetime.datetime(2030, 4, 11, 0, 0, tzinfo=datetime.UTC))
    run_expiry(noon(2030, 4, 12))
    assert refreshed(tenant, approved).status == DealStatus.EXPIRED
    [event] = events_of(tenant, "deal.expired")
    assert event.payload["partner_organization_id"] == partner_admin.partner_organization_id
    [notification] = notifications_of(tenant, partner_admin.user, "deal.expired")
    assert notification.title == "Protection of Initech GmbH ended on 10 Apr 2030"


def test_an_approved_extension_moves_the_end_and_brings_a_new_warning(tenant, partner_admin, channel_manager, approved):
    run_expiry(noon(2030, 3, 30))  # warned
    with time_machine.travel(noon(2030, 4, 1), tick=False), tenant_context(tenant):
        extension = services.deal_request_extension(
            actor=partner_admin, registration=approved, days=30, reason="Board meets in May"
        )
        assert notifications_of(tenant, channel_manager.user, "deal.extension_requested") == []  # no owner: admins
        services.deal_decide_extension(actor=channel_manager, extension=extension, approve=True, note="OK")

    registration = refreshed(tenant, approved)
    assert registration.protected_until == datetime.date(2030, 5, 10)
    assert registration.extensions_used == 1
    assert registration.expiry_warned_at is None
    [event] = events_of(tenant, "deal.extended")
    assert event.payload["days"] == 30 and event.payload["protected_until"] == "2030-05-10"
    [decided] = notifications_of(tenant, partner_admin.user, "deal.extension_decided")
    assert decided.title == "Initech GmbH: protection extended until 10 May 2030"

    run_expiry(noon(2030, 4, 11))
    assert refreshed(tenant, approved).status == DealStatus.APPROVED
    run_expiry(noon(2030, 4, 26))
    assert len(notifications_of(tenant, partner_admin.user, "deal.expiring")) == 2


def test_extension_requests_follow_the_rules(tenant, partner_admin, channel_manager, rules, approved):
    with time_machine.travel(noon(2030, 2, 1), tick=False), tenant_context(tenant):
        with pytest.raises(ValidationFailed) as refused:
            services.deal_request_extension(actor=partner_admin, registration=approved, days=61, reason="Long")
        assert refused.value.field == "days"
        with pytest.raises(ValidationFailed) as refused:
            services.deal_request_extension(actor=partner_admin, registration=approved, days=10, reason="")
        assert refused.value.field == "reason"
        first = services.deal_request_extension(actor=partner_admin, registration=approved, days=10, reason="A")
        with pytest.raises(ValidationFailed) as refused:
            services.deal_request_extension(actor=partner_admin, registration=approved, days=10, reason="B")
        assert "already waiting" in refused.value.message
        services.deal_decide_extension(actor=channel_manager, extension=first, approve=False, note="Not needed")
        with pytest.raises(InvalidTransition) as refused:
            services.deal_decide_extension(actor=channel_manager, extension=first, approve=True)
        assert "already declined by Casey Manager" in refused.value.message
        for reason in ("C", "D"):
            extension = services.deal_request_extension(
                actor=partner_admin, registration=approved, days=5, reason=reason
            )
            services.deal_decide_extension(actor=channel_manager, extension=extension, approve=True)
        with pytest.raises(ValidationFailed) as refused:
            services.deal_request_extension(actor=partner_admin, registration=approved, days=5, reason="E")
        assert "the most the program allows" in refused.value.message
    registration = refreshed(tenant, approved)
    assert (registration.extensions_used, registration.protected_until) == (2, datetime.date(2030, 4, 20))


def test_no_extension_once_protection_has_ended_or_the_deal_is_closed(tenant, partner_admin, channel_manager, approved):
    run_expiry(noon(2030, 4, 11))
    with tenant_context(tenant), pytest.raises(InvalidTransition):
        services.deal_request_extension(actor=partner_admin, registration=approved, days=5, reason="Late")


def test_a_pending_extension_is_declined_when_the_deal_closes(tenant, partner_admin, approved):
    with time_machine.travel(noon(2030, 2, 1), tick=False), tenant_context(tenant):
        extension = services.deal_request_extension(actor=partner_admin, registration=approved, days=5, reason="A")
        services.deal_mark_lost(actor=partner_admin, registration=approved, reason="Budget cut")
        extension.refresh_from_db()
        assert extension.status == ExtensionStatus.DECLINED
        assert DealExtensionRequest.objects.filter(status=ExtensionStatus.PENDING).count() == 0


def test_only_tenant_admins_decide_extensions_when_the_rules_say_so(
    tenant, partner_admin, channel_manager, tenant_admin, rules, approved
):
    rules(extension_approver="tenant_admin")
    with time_machine.travel(noon(2030, 2, 1), tick=False), tenant_context(tenant):
        extension = services.deal_request_extension(actor=partner_admin, registration=approved, days=5, reason="A")
        with pytest.raises(PermissionDenied):
            services.deal_decide_extension(actor=channel_manager, extension=extension, approve=True)
        services.deal_decide_extension(actor=tenant_admin, extension=extension, approve=True)
    assert refreshed(tenant, approved).protected_until == datetime.date(2030, 4, 15)
