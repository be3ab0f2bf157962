"""CRM sync services (dealreg.services.crm) and the rebuild of stored match keys (manage.py rebuild_match_keys)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from dealreg.matching import match_keys
from dealreg.models import CrmAccount, CrmOpportunity, DealRegistration, DealStatus
from dealreg.services import crm
from prm.errors import PermissionDenied, ValidationFailed
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.factories import MembershipFactory, PartnerOrganizationFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_only_tenant_admins_sync(tenant, partner_admin, in_tenant):
    manager = MembershipFactory(tenant=tenant, role=Role.CHANNEL_MANAGER)
    for actor in (manager, partner_admin):
        with pytest.raises(PermissionDenied):
            crm.crm_accounts_sync(actor=actor, rows=[{"external_id": "1", "name": "Globex"}])
    assert not CrmAccount.objects.exists()


def test_the_same_external_id_in_another_tenant_is_another_account(tenant, other_tenant):
    theirs = StaffFactory(tenant=other_tenant)
    with tenant_context(other_tenant):
        crm.crm_accounts_sync(actor=theirs, rows=[{"external_id": "001A", "name": "Their Globex"}])
    ours = StaffFactory(tenant=tenant)

    with tenant_context(tenant):
        result = crm.crm_accounts_sync(actor=ours, rows=[{"external_id": "001A", "name": "Our Globex"}])
        assert result.created == [True]
        assert list(CrmAccount.objects.values_list("name", flat=True)) == ["Our Globex"]
    with tenant_context(other_tenant):
        assert list(CrmAccount.objects.values_list("name", flat=True)) == ["Their Globex"]


def test_a_single_row_names_bare_fields(tenant, in_tenant):
    admin = StaffFactory(tenant=tenant)
    with pytest.raises(ValidationFailed) as error:
        crm.crm_accounts_sync(actor=admin, rows=[{"external_id": "1", "name": "G", "website": "x"}], rows_field=None)
    assert error.value.field == "website"


def test_a_sync_result_lists_ids_in_row_order(tenant, in_tenant):
    admin = StaffFactory(tenant=tenant)
    first = crm.crm_accounts_sync(actor=admin, rows=[{"external_id": "b", "name": "B"}])
    result = crm.crm_accounts_sync(
        actor=admin, rows=[{"external_id": "a", "name": "A"}, {"external_id": "b", "name": "B"}]
    )
    assert result.ids[1] == first.ids[0]
    assert result.created == [True, False]
    assert result.counts() == {"rows": 2, "created": 1, "updated": 0, "unchanged": 1}
    assert dict(CrmAccount.objects.values_list("external_id", "id")) == {"a": result.ids[0], "b": result.ids[1]}


def test_an_opportunity_keeps_amount_and_currency_checked(tenant, in_tenant):
    admin = StaffFactory(tenant=tenant)
    row = {"external_id": "o", "name": "Deal", "customer_name": "Initech", "amount": Decimal("10.5"), "currency": "eur"}
    crm.crm_opportunities_sync(actor=admin, rows=[row])
    stored = CrmOpportunity.objects.get()
    assert (stored.amount, stored.currency, stored.match_keys) == (
        Decimal("10.50"),
        "EUR",
        match_keys("Initech", ""),
    )
    assert stored.match_keys[:3] == ["n:initech", "t:initech", "p:^init"]


# -- rebuild_match_keys ------------------------------------------------------------------------------------------


def stale_rows(tenant):
    partner = PartnerOrganizationFactory(tenant=tenant)
    with tenant_context(tenant):
        registration = DealRegistration.objects.create(
            partner_organization=partner,
            status=DealStatus.SUBMITTED,
            customer_name="Globex Corp",
            customer_website="https://www.globex.com/",
            customer_domain="globex.com",
            amount=Decimal("1000"),
            currency="USD",
            expected_close_date=datetime.date(2031, 1, 1),
            match_keys=["n:stale"],
        )
        account = CrmAccount.objects.create(
            external_id="1", name="Initech", website="sales@initech.co.uk", domain="", match_keys=[]
        )
        opportunity = CrmOpportunity.objects.create(
            external_id="2", name="Deal", customer_name="Hooli", domain="hooli.com", match_keys=["d:old"]
        )
    return registration, account, opportunity


def test_rebuild_rewrites_stale_keys_and_nothing_else(tenant, other_tenant):
    registration, account, opportunity = stale_rows(tenant)
    their_registration, *_ = stale_rows(other_tenant)
    with tenant_context(tenant):
        stamps = {type(o): type(o).objects.get(pk=o.pk).updated_at for o in (registration, account, opportunity)}
        history = registration.events.count()

    out, err = io.StringIO(), io.StringIO()
    call_command("rebuild_match_keys", "--tenant", tenant.slug, stdout=out, stderr=err)

    with tenant_context(tenant):
        registration.refresh_from_db()
        account.refresh_from_db()
        opportunity.refresh_from_db()
        assert registration.match_keys == match_keys("Globex Corp", "globex.com")
        assert (account.domain, account.match_keys) == ("initech.co.uk", match_keys("Initech", "initech.co.uk"))
        assert opportunity.match_keys == match_keys("Hooli", "hooli.com")
        assert {type(o): o.updated_at for o in (registration, account, opportunity)} == stamps
        assert registration.events.count() == history  # derived keys are no edit of the registration
    with tenant_context(other_tenant):
        their_registration.refresh_from_db()
        assert their_registration.match_keys == ["n:stale"]  # only the program asked for
    assert "DealRegistration 1, CrmAccount 1, CrmOpportunity 1" in out.getvalue()
    assert "dealregistration" in err.getvalue().lower()  # the progress bars

    again = io.StringIO()
    call_command("rebuild_match_keys", "--tenant", tenant.slug, "--no-progress", stdout=again)
    assert "Done: 0 rows rewritten." in again.getvalue()


def test_rebuild_of_an_unknown_program_fails(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="nope"):
        call_command("rebuild_match_keys", "--tenant", "nope", stdout=io.StringIO())
