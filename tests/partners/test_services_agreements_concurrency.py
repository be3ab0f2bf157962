"""Two partner admins of the same organization accepting at once: one acceptance, no error for either."""

import pytest

from partners import services
from partners.models import AgreementAcceptance
from partners.services import agreements as agreement_services
from prm.models import Event
from prm.tenancy import tenant_context
from tests.concurrency import race
from tests.factories import PartnerUserFactory, make_agreement


@pytest.mark.django_db(transaction=True)
def test_two_admins_accepting_at_once_make_one_acceptance(tenant, tenant_admin, partner_org, partner_admin):
    _, version = make_agreement(tenant, actor=tenant_admin)
    colleague = PartnerUserFactory(tenant=tenant, partner_organization=partner_org)
    # The colleague waits for the agreement's row lock until the first acceptance commits.
    (first, created), (acceptance, colleague_created) = race(
        tenant,
        lambda: services.agreement_accept(actor=partner_admin, version=version, ip_address="10.0.0.1"),
        lambda: services.agreement_accept(actor=colleague, version=version, ip_address="10.0.0.2"),
    )

    assert created
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
