"""Two partner admins of the same organization accepting at once: one acceptance, no error for either."""

import threading

import pytest
from django.db import DatabaseError, connection

from partners import services
from partners.models import AgreementAcceptance
from partners.services import agreements as agreement_services
from prm.errors import DomainError
from prm.models import Event
from prm.tenancy import tenant_context
from tests.concurrency import wait_until_waiting_for_a_lock
from tests.factories import PartnerUserFactory, make_agreement


@pytest.mark.django_db(transaction=True)
def test_two_admins_accepting_at_once_make_one_acceptance(tenant, tenant_admin, partner_org, partner_admin):
    _, version = make_agreement(tenant, actor=tenant_admin)
    colleague = PartnerUserFactory(tenant=tenant, partner_organization=partner_org)
    outcome = {}
    connected = threading.Event()

    def colleague_accepts():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                outcome["pid"] = cursor.fetchone()[0]
            connected.set()
            with tenant_context(tenant):
                outcome["result"] = services.agreement_accept(actor=colleague, version=version, ip_address="10.0.0.2")
        except (DomainError, DatabaseError) as exc:
            outcome["result"] = exc
        finally:
            connected.set()
            connection.close()

    with tenant_context(tenant):
        first, created = services.agreement_accept(actor=partner_admin, version=version, ip_address="10.0.0.1")
        second = threading.Thread(target=colleague_accepts)
        second.start()
        assert connected.wait(timeout=30)
        # The colleague waits for the agreement's row lock until the first acceptance commits.
        with connection.cursor() as cursor:
            wait_until_waiting_for_a_lock(cursor, outcome["pid"])
    second.join(timeout=30)

    assert created
    acceptance, colleague_created = outcome["result"]
    assert (acceptance.pk, colleague_created) == (first.pk, False)
    with tenant_context(tenant):
        assert list(AgreementAcceptance.objects.values_list("pk", "user_id")) == [(first.pk, partner_admin.user_id)]
        assert Event.objects.filter(type="agreement.accepted").count() == 1


@pytest.mark.django_db
def test_the_unique_constraint_backs_the_check(tenant, tenant_admin, partner_org, partner_admin, monkeypatch):
    """Should a second acceptance get past the check, the constraint refuses it and the first one is returned."""
    _, version = make_agreement(tenant, actor=tenant_admin)
    colleague = PartnerUserFactory(tenant=tenant, partner_organization=partner_org)
    with tenant_context(tenant):
        first, _ = services.agreement_accept(actor=partner_admin, version=version)
        monkeypatch.setattr(agreement_services, "_acceptance_of", lambda version, partner: None)
        again, created = services.agreement_accept(actor=colleague, version=version)
        assert (again.pk, created) == (first.pk, False)
        assert AgreementAcceptance.objects.count() == 1
        assert Event.objects.filter(type="agreement.accepted").count() == 1
