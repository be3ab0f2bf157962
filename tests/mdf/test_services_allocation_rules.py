"""Allocating in bulk: by hand, from a CSV with a dry run (errors per row, nothing written on error), by tier, by
region and by co-op accrual on a known revenue; reallocating; never more than the fund has unallocated."""

from datetime import date
from decimal import Decimal

import pytest

from mdf import selectors, services
from mdf.models import Allocation, AllocationSource, LedgerTransaction, TransactionKind
from mdf.services import allocation_rules
from mdf.services.allocation_rules import AllocationRejected
from prm.errors import ValidationFailed
from prm.policy import ProgramActor
from prm.tenancy import tenant_context
from tests.factories import PartnerOrganizationFactory
from tests.tiering.metrics_factories import won_deal
from tiering.selectors import TierBenefits

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(tenant):
    return ProgramActor(tenant.pk)


def test_allocation_by_hand_adds_to_the_partner_and_cannot_exceed_the_unallocated(tenant, fund, partner_org, program):
    with tenant_context(tenant):
        allocation = services.allocate(actor=program, fund=fund, partner_organization_id=partner_org.pk, amount="60000")
        services.allocate(actor=program, fund=fund, partner_organization_id=partner_org.pk, amount="30000")
        with pytest.raises(ValidationFailed, match="Not enough funds") as refused:
            services.allocate(actor=program, fund=fund, partner_organization_id=partner_org.pk, amount="10000.01")
        assert refused.value.field == "amount"
        balance = selectors.fund_balance(fund=fund)
    assert balance.unallocated == Decimal("10000.00") and balance.allocated == Decimal("90000.00")
    assert [a.allocation for a in balance.allocations] == [allocation]


@pytest.mark.parametrize(
    ("amount", "currency", "field"), [("0", None, "amount"), ("-1", None, "amount"), ("5", "EUR", "currency")]
)
def test_bad_allocation_input_is_refused_naming_the_field(tenant, fund, partner_org, program, amount, currency, field):
    with tenant_context(tenant):
        with pytest.raises(ValidationFailed) as refused:
            services.allocate(
                actor=program, fund=fund, partner_organization_id=partner_org.pk, amount=amount, currency=currency
            )
        assert refused.value.field == field
        assert Allocation.objects.count() == 0


def test_marketing_cannot_allocate(tenant, fund, partner_org, marketing):
    from prm.errors import PermissionDenied

    with tenant_context(tenant), pytest.raises(PermissionDenied):
        services.allocate(actor=marketing, fund=fund, partner_organization_id=partner_org.pk, amount="10")


def test_reallocation_between_partners_and_back_to_the_fund(tenant, fund, allocation, other_org, program):
    with tenant_context(tenant):
        target = services.reallocate(
            actor=program, allocation=allocation, to_partner_organization_id=other_org.pk, amount="4000"
        )
        services.reallocate(actor=program, allocation=allocation, amount="1000")
        with pytest.raises(ValidationFailed, match="Not enough funds"):
            services.reallocate(actor=program, allocation=allocation, amount="5000.01")
        assert selectors.allocation_balance(allocation=allocation).available == Decimal("5000.00")
        assert selectors.allocation_balance(allocation=target).available == Decimal("4000.00")
        assert selectors.fund_balance(fund=fund).unallocated == Decimal("91000.00")


def test_csv_dry_run_lists_every_bad_row_and_writes_nothing(tenant, fund, partner_org, program):
    rows = [
        {"partner": partner_org.name, "amount": "1000"},
        {"partner": "Nobody Inc", "amount": "10"},
        {"partner": partner_org.name, "amount": "-3"},
        {"partner_external_id": "", "partner": "", "amount": "5", "currency": "EUR"},
    ]
    with tenant_context(tenant):
        plan = allocation_rules.allocations_import(actor=program, fund=fund, rows=rows, dry_run=True)
        assert {(e.row, e.column) for e in plan.errors} == {
            (3, "partner"),
            (4, "partner"),
            (4, "amount"),
            (5, "partner"),
            (5, "currency"),
        }
        with pytest.raises(AllocationRejected) as refused:
            allocation_rules.allocations_import(actor=program, fund=fund, rows=rows)
        assert "Row 3, column partner" in refused.value.message
        assert Allocation.objects.count() == 0
        assert LedgerTransaction.objects.filter(kind=TransactionKind.ALLOCATE).count() == 0


def test_csv_import_allocates_every_row_in_one_transaction(tenant, fund, partner_org, other_org, program):
    PartnerOrganizationFactory(tenant=tenant, name="Tailspin Networks", external_id="ERP-77")
    rows = [
        {"partner": partner_org.name.upper(), "amount": "1000", "note": "Q1 launch"},
        {"partner_external_id": "ERP-77", "amount": "2500.50", "currency": "usd"},
    ]
    with tenant_context(tenant):
        dry = allocation_rules.allocations_import(actor=program, fund=fund, rows=rows, dry_run=True)
        assert dry.is_clean and dry.total == Decimal("3500.50") and Allocation.objects.count() == 0
        plan = allocation_rules.allocations_import(actor=program, fund=fund, rows=rows)
        (posted,) = LedgerTransaction.objects.filter(kind=TransactionKind.ALLOCATE)
        assert posted.entries.count() == 3 and plan.transaction_id == posted.pk
        assert set(Allocation.objects.values_list("source", flat=True)) == {AllocationSource.CSV}
        assert selectors.fund_balance(fund=fund).unallocated == Decimal("96499.50")


def test_csv_import_above_the_unallocated_is_refused(tenant, fund, partner_org, program):
    with tenant_context(tenant):
        with pytest.raises(AllocationRejected, match="unallocated"):
            allocation_rules.allocations_import(
                actor=program, fund=fund, rows=[{"partner": partner_org.name, "amount": "100000.01"}]
            )


def test_allocation_by_tier_uses_each_partners_tier_benefit_once(
    tenant, fund, partner_org, other_org, program, monkeypatch
):
    def benefits(*, partner_ids):
        return {
            pk: TierBenefits(tier_name="Gold", mdf_allocation=Decimal("20000"))
            if pk == partner_org.pk
            else TierBenefits()
            for pk in partner_ids
        }

    monkeypatch.setattr(allocation_rules, "tier_benefits_by_partner", benefits)
    with tenant_context(tenant):
        plan = allocation_rules.allocate_by_tier(actor=program, fund=fund)
        again = allocation_rules.allocate_by_tier(actor=program, fund=fund)
        assert [(line.partner_id, line.amount) for line in plan.lines] == [(partner_org.pk, Decimal("20000.00"))]
        assert again.already_done
        assert selectors.fund_balance(fund=fund).unallocated == Decimal("80000.00")


def test_allocation_by_region(tenant, fund, program):
    emea = PartnerOrganizationFactory(tenant=tenant, region="EMEA")
    PartnerOrganizationFactory(tenant=tenant, region="APAC")
    with tenant_context(tenant):
        plan = allocation_rules.allocate_by_region(actor=program, fund=fund, amounts={"EMEA": "1500"})
    assert [(line.partner_id, line.amount) for line in plan.lines] == [(emea.pk, Decimal("1500.00"))]


def test_coop_accrual_for_a_known_revenue(tenant, fund, partner_org, other_org, program):
    won_deal(partner_org, "125000", date(2026, 3, 15))
    won_deal(partner_org, "33333", date(2026, 2, 1))
    won_deal(other_org, "50000", date(2026, 7, 1))  # outside the period
    won_deal(other_org, "90000", date(2026, 2, 1), currency="EUR")  # another currency
    with tenant_context(tenant):
        plan = allocation_rules.coop_accrue(
            actor=program, fund=fund, percent="1.5", period_start=date(2026, 1, 1), period_end=date(2026, 3, 31)
        )
        repeat = allocation_rules.coop_accrue(
            actor=program, fund=fund, percent="1.5", period_start=date(2026, 1, 1), period_end=date(2026, 3, 31)
        )
        # 1.5 % of 158,333 = 2,374.995 → 2,374.99 (rounded down to the cent).
        assert [(line.partner_id, line.amount) for line in plan.lines] == [(partner_org.pk, Decimal("2374.99"))]
        assert repeat.already_done and repeat.lines == []
        allocation = Allocation.objects.get(partner_organization=partner_org)
        assert allocation.source == AllocationSource.COOP
        assert selectors.allocation_balance(allocation=allocation).available == Decimal("2374.99")
