"""Reads: a whole fund's balances in a fixed number of queries, partners see only their own requests and claims,
the review queue's SLA flag."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from mdf import selectors, services
from prm.errors import ValidationFailed
from prm.policy import ProgramActor
from prm.tenancy import tenant_context
from tests.factories import PartnerOrganizationFactory
from tests.mdf.factories import allocate, make_request

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("partners", [1, 6])
def test_a_whole_funds_balances_take_two_queries_whatever_the_number_of_partners(
    tenant, fund, partners, django_assert_num_queries
):
    for _ in range(partners):
        allocate(tenant, fund, PartnerOrganizationFactory(tenant=tenant), "1000")
    with tenant_context(tenant):
        with django_assert_num_queries(2):
            balance = selectors.fund_balance(fund=fund)
            names = [a.allocation.partner_organization.name for a in balance.allocations]
        with django_assert_num_queries(2):
            selectors.fund_balance_as_of(fund=fund, at=timezone.now())
    assert len(names) == partners
    assert balance.allocated == Decimal(1000 * partners) and balance.total == Decimal("100000.00")


def test_partners_read_only_their_own_requests_and_claims(
    tenant, fund, allocation, other_org, partner_org, partner_marketer, other_partner
):
    allocate(tenant, fund, other_org, "1000")
    mine = make_request(tenant, fund, partner_org, actor=partner_marketer)
    theirs = make_request(tenant, fund, other_org, actor=other_partner, requested_amount="500", planned_cost="1000")
    with tenant_context(tenant):
        assert [r.pk for r in selectors.request_list(partner_organization_id=partner_org.pk)] == [mine.pk]
        assert selectors.request_get(fund_request_id=theirs.pk, partner_organization_id=partner_org.pk) is None
        assert selectors.request_get(fund_request_id=mine.pk, partner_organization_id=partner_org.pk) == mine
        assert [b.allocation.fund_id for b in selectors.partner_balances(partner_organization_id=partner_org.pk)] == [
            fund.pk
        ]


def test_the_review_queue_flags_requests_past_their_sla(tenant, fund, allocation, partner_org, partner_marketer):
    fund_request = make_request(tenant, fund, partner_org, actor=partner_marketer)
    with tenant_context(tenant):
        assert [r.is_overdue for r in selectors.request_review_queue()] == [False]
        later = fund_request.review_due_at + timedelta(minutes=1)
        assert [r.is_overdue for r in selectors.request_review_queue(now=later)] == [True]


def test_fund_rules_change_and_a_closed_fund_takes_no_new_approvals(
    tenant, fund, allocation, partner_org, partner_marketer, marketing
):
    program = ProgramActor(tenant.pk)
    fund_request = make_request(tenant, fund, partner_org, actor=partner_marketer)
    with tenant_context(tenant):
        updated = services.fund_update(actor=program, fund=fund, reimbursement_share="75", approval_threshold="")
        assert updated.reimbursement_share == Decimal("75.00") and updated.approval_threshold is None
        with pytest.raises(ValidationFailed) as refused:
            services.fund_update(actor=program, fund=fund, currency="EUR")
        assert refused.value.field == "currency"
        services.fund_close(actor=program, fund=fund)
        with pytest.raises(ValidationFailed) as refused:
            services.fund_request_approve(actor=marketing, fund_request=fund_request)
        assert refused.value.field == "fund"


def test_queues_take_one_query_whatever_their_length(
    tenant, fund, allocation, partner_org, partner_marketer, marketing, django_assert_num_queries
):
    from tests.mdf.factories import make_claim

    for _ in range(3):
        approved = make_request(
            tenant,
            fund,
            partner_org,
            actor=partner_marketer,
            approve_by=marketing,
            requested_amount="500",
            planned_cost="1000",
        )
        claim = make_claim(tenant, approved, actor=partner_marketer, claimed="500", actual="1000")
        make_request(tenant, fund, partner_org, actor=partner_marketer, requested_amount="100", planned_cost="200")
    with tenant_context(tenant):
        services.claim_approve(actor=marketing, claim=claim)
        for queue in (selectors.request_review_queue, selectors.claim_review_queue, selectors.payout_queue):
            with django_assert_num_queries(1):
                rows = list(queue())
                [(row.fund.name, row.partner_organization.name) for row in rows]
            assert rows


def test_next_steps_say_what_the_partner_does_next(tenant, fund, allocation, partner_org, partner_marketer, marketing):
    fund_request = make_request(tenant, fund, partner_org, actor=partner_marketer, approve_by=marketing)
    with tenant_context(tenant):
        fund_request = selectors.request_get(fund_request_id=fund_request.pk)
        assert selectors.request_next_step(fund_request).startswith("Run the activity, then claim")
