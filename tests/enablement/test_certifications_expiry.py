"""Expiry of certifications, with time frozen: reminders 60, 30 and 7 days before (each once), certification.expired
once, and expired awards stop counting (enablement.services.certifications.certification_expiry_run and the beat
task)."""

from datetime import datetime, timedelta

import pytest
import time_machine
from dateutil.relativedelta import relativedelta

from enablement import tasks
from enablement.models import CertificationAward
from enablement.selectors.certifications import certified_people_by_partner
from enablement.services.certifications import certification_expiry_run
from prm.models import Notification, Tenant
from prm.tenancy import tenant_context
from tests.enablement.certifications_support import certify, program
from tests.partners.onboarding_support import events_of

pytestmark = pytest.mark.django_db

AWARDED = datetime.fromisoformat("2026-01-15T09:00:00+00:00")
EXPIRES = AWARDED + relativedelta(months=12)


@pytest.fixture
def held():
    p = program()
    with time_machine.travel(AWARDED, tick=False):
        award = certify(p, at=AWARDED)
    assert award.expires_at == EXPIRES
    return p, award


def run_at(p, moment):
    with time_machine.travel(moment, tick=False), tenant_context(p.tenant):
        return certification_expiry_run()


def reminders(p):
    with tenant_context(p.tenant):
        return list(Notification.objects.filter(kind="certification.expiring").order_by("id"))


def expiring_days(p):
    return [event.payload["days_left"] for event in events_of(p.tenant, "certification.expiring")]


def test_reminders_go_out_60_30_and_7_days_before_expiry_each_once(held):
    p, award = held
    assert run_at(p, EXPIRES - timedelta(days=61)).done == 0
    for days in (60, 30, 7):
        assert run_at(p, EXPIRES - timedelta(days=days, hours=-1)).reminded == 1
        # The hourly beat runs again: nothing twice.
        assert run_at(p, EXPIRES - timedelta(days=days, hours=-2)).done == 0
    assert expiring_days(p) == [60, 30, 7]
    notes = reminders(p)
    assert [n.user_id for n in notes] == [p.learner.user_id] * 3
    assert "expires in 7 days" in notes[-1].title and notes[-1].url == f"/t/{p.tenant.slug}/portal/certifications/"
    payload = events_of(p.tenant, "certification.expiring")[0].payload
    assert payload["award_id"] == award.pk and payload["expires_at"] == EXPIRES.isoformat()


def test_a_late_run_sends_only_the_nearest_reminder(held):
    p, _award = held
    # The beat did not run between 60 and 20 days before: one reminder (the 30-day one), not two.
    assert run_at(p, EXPIRES - timedelta(days=20)).reminded == 1
    assert expiring_days(p) == [30]
    assert run_at(p, EXPIRES - timedelta(days=19)).done == 0


def test_an_expired_award_is_recorded_once_and_stops_counting(held):
    p, award = held
    with time_machine.travel(EXPIRES - timedelta(hours=1), tick=False), tenant_context(p.tenant):
        assert certified_people_by_partner() == {p.partner.pk: 1}
    run = run_at(p, EXPIRES + timedelta(hours=1))
    assert run.expired == 1
    assert run_at(p, EXPIRES + timedelta(days=1)).done == 0
    [event] = events_of(p.tenant, "certification.expired")
    assert event.payload["award_id"] == award.pk
    with time_machine.travel(EXPIRES + timedelta(hours=1), tick=False), tenant_context(p.tenant):
        assert certified_people_by_partner() == {}
        assert CertificationAward.objects.get(pk=award.pk).state() == "expired"


def test_revoked_and_renewed_awards_get_no_reminder(held):
    p, award = held
    with tenant_context(p.tenant):
        CertificationAward.objects.filter(pk=award.pk).update(status="revoked")
    assert run_at(p, EXPIRES - timedelta(days=5)).done == 0
    assert run_at(p, EXPIRES + timedelta(days=5)).done == 0


def test_the_beat_task_fans_out_to_tenants_with_awards_due_and_skips_the_rest(held):
    p, _award = held
    quiet = program("quietco")
    with time_machine.travel(EXPIRES - timedelta(days=100), tick=False):
        certify(quiet)  # expires in a year from then: nothing due
    with time_machine.travel(EXPIRES - timedelta(days=7), tick=False):
        assert tasks.check_certification_expiry() == 1
    assert expiring_days(p) == [7]
    assert expiring_days(quiet) == []
    # A deactivated program's awards wait.
    Tenant.objects.filter(pk=p.tenant.pk).update(is_active=False)
    with time_machine.travel(EXPIRES + timedelta(days=1), tick=False):
        assert tasks.check_certification_expiry() == 0
    assert events_of(p.tenant, "certification.expired") == []
