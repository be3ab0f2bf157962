"""Fund requests: the amount capped by the fund's share, approvals that commit (or refuse, naming the field, when
the allocation has not enough), cancellations and expiry that release, segregation of duties."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from mdf import selectors, services
from mdf.models import FundRequest, LedgerTransaction, RequestStatus, TransactionKind
from prm.errors import InvalidTransition, PermissionDenied, ValidationFailed
from prm.models import Event
from prm.tenancy import tenant_context
from tests.factories import StaffFactory
from tests.mdf.factories import make_request, request_fields

pytestmark = pytest.mark.django_db


def balance(tenant, allocation):
    with tenant_context(tenant):
        return selectors.allocation_balance(allocation=allocation)


def test_approval_commits_the_approved_amount_and_records_the_event(
    tenant, fund, allocation, partner_marketer, marketing
):
    fund_request = make_request(tenant, fund, allocation.partner_organization, actor=partner_marketer)
    assert fund_request.status == RequestStatus.SUBMITTED and fund_request.review_due_at is not None
    assert fund_request.campaign_code.startswith("MDF-")
    with tenant_context(tenant):
        approved = services.fund_request_approve(actor=marketing, fund_request=fund_request, amount="1500")
        assert list(Event.objects.filter(type__startswith="mdf.").order_by("id").values_list("type", flat=True)) == [
            "mdf.request.submitted",
            "mdf.request.approved",
        ]
    assert approved.status == RequestStatus.APPROVED and approved.approved_amount == Decimal("1500.00")
    amounts = balance(tenant, allocation)
    assert (amounts.available, amounts.committed) == (Decimal("8500.00"), Decimal("1500.00"))


def test_requested_amount_is_capped_by_the_funds_reimbursement_share(tenant, fund, allocation, partner_marketer):
    with pytest.raises(ValidationFailed, match="50%") as refused:
        make_request(tenant, fund, allocation.partner_organization, actor=partner_marketer, requested_amount="2000.01")
    assert refused.value.field == "requested_amount"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"planned_cost": "0"}, "planned_cost"),
        ({"planned_cost": "-10"}, "planned_cost"),
        ({"requested_amount": "0"}, "requested_amount"),
        ({"requested_amount": "-5"}, "requested_amount"),
        ({"requested_amount": "abc"}, "requested_amount"),
        ({"currency": "EUR"}, "currency"),
        ({"activity_type": "party"}, "activity_type"),
        ({"title": ""}, "title"),
        ({"campaign_code": "bad code!"}, "campaign_code"),
    ],
)
def test_bad_request_input_is_refused_naming_the_field_and_nothing_is_written(
    tenant, fund, allocation, partner_marketer, overrides, field
):
    with pytest.raises(ValidationFailed) as refused:
        make_request(tenant, fund, allocation.partner_organization, actor=partner_marketer, submit=False, **overrides)
    assert refused.value.field == field
    with tenant_context(tenant):
        assert FundRequest.objects.count() == 0


def test_approval_beyond_what_is_available_is_refused_and_nothing_is_written(
    tenant, fund, allocation, partner_marketer, marketing
):
    first = make_request(
        tenant,
        fund,
        allocation.partner_organization,
        actor=partner_marketer,
        planned_cost="18000",
        requested_amount="9000",
    )
    second = make_request(
        tenant,
        fund,
        allocation.partner_organization,
        actor=partner_marketer,
        planned_cost="4000",
        requested_amount="2000",
    )
    with tenant_context(tenant):
        services.fund_request_approve(actor=marketing, fund_request=first)
        with pytest.raises(ValidationFailed, match="Not enough funds") as refused:
            services.fund_request_approve(actor=marketing, fund_request=second)
        assert refused.value.field == "amount"
        second.refresh_from_db()
        assert second.status == RequestStatus.SUBMITTED
        assert LedgerTransaction.objects.filter(kind=TransactionKind.COMMIT).count() == 1


def test_approving_more_than_requested_or_in_another_currency_is_refused(
    tenant, fund, allocation, partner_marketer, marketing
):
    fund_request = make_request(tenant, fund, allocation.partner_organization, actor=partner_marketer)
    with tenant_context(tenant):
        with pytest.raises(ValidationFailed) as refused:
            services.fund_request_approve(actor=marketing, fund_request=fund_request, amount="2000.01")
        assert refused.value.field == "amount"
        with pytest.raises(ValidationFailed) as refused:
            services.fund_request_approve(actor=marketing, fund_request=fund_request, currency="EUR")
        assert refused.value.field == "currency"


def test_whoever_requested_can_never_approve_also_staff_acting_for_the_partner(
    tenant, fund, allocation, marketing, second_reviewer
):
    # Marketing creates the request on the partner's behalf: marketing may not decide it, another reviewer may.
    fund_request = make_request(tenant, fund, allocation.partner_organization, actor=marketing)
    with tenant_context(tenant):
        with pytest.raises(PermissionDenied):
            services.fund_request_approve(actor=marketing, fund_request=fund_request)
        with pytest.raises(PermissionDenied):
            services.fund_request_reject(actor=marketing, fund_request=fund_request, reason="No")
        services.fund_request_approve(actor=second_reviewer, fund_request=fund_request)


def test_partners_cannot_approve_and_cannot_ask_for_another_partner(
    tenant, fund, allocation, partner_marketer, other_partner
):
    fund_request = make_request(tenant, fund, allocation.partner_organization, actor=partner_marketer)
    with tenant_context(tenant):
        with pytest.raises(PermissionDenied):
            services.fund_request_approve(actor=partner_marketer, fund_request=fund_request)
        with pytest.raises(PermissionDenied):
            services.fund_request_cancel(actor=other_partner, fund_request=fund_request)
    with pytest.raises(PermissionDenied):
        make_request(tenant, fund, allocation.partner_organization, actor=other_partner)


def test_reject_needs_a_reason_and_ends_the_request(tenant, fund, allocation, partner_marketer, marketing):
    fund_request = make_request(tenant, fund, allocation.partner_organization, actor=partner_marketer)
    with tenant_context(tenant):
        with pytest.raises(ValidationFailed) as refused:
            services.fund_request_reject(actor=marketing, fund_request=fund_request, reason="  ")
        assert refused.value.field == "reason"
        rejected = services.fund_request_reject(actor=marketing, fund_request=fund_request, reason="Not our audience")
        assert rejected.status == RequestStatus.REJECTED
        with pytest.raises(InvalidTransition):
            services.fund_request_approve(actor=marketing, fund_request=fund_request)


def test_changes_requested_then_updated_and_resubmitted(tenant, fund, allocation, partner_marketer, marketing):
    fund_request = make_request(tenant, fund, allocation.partner_organization, actor=partner_marketer)
    with tenant_context(tenant):
        services.fund_request_request_changes(actor=marketing, fund_request=fund_request, note="Lower the cost")
        updated = services.fund_request_update(
            actor=partner_marketer, fund_request=fund_request, planned_cost="3000", requested_amount="1500"
        )
        assert updated.requested_amount == Decimal("1500.00")
        resubmitted = services.fund_request_submit(actor=partner_marketer, fund_request=fund_request)
        assert resubmitted.status == RequestStatus.SUBMITTED


def test_cancelling_an_approved_request_releases_its_commitment(tenant, fund, allocation, partner_marketer, marketing):
    fund_request = make_request(
        tenant, fund, allocation.partner_organization, actor=partner_marketer, approve_by=marketing
    )
    with tenant_context(tenant):
        services.fund_request_cancel(actor=partner_marketer, fund_request=fund_request, reason="Event cancelled")
        assert LedgerTransaction.objects.filter(kind=TransactionKind.RELEASE, fund_request=fund_request).count() == 1
    amounts = balance(tenant, allocation)
    assert (amounts.available, amounts.committed) == (Decimal("10000.00"), Decimal("0.00"))


def test_an_activity_that_already_started_cannot_be_pre_approved(tenant, fund, allocation, partner_marketer, marketing):
    today = timezone.localdate()
    fund_request = make_request(
        tenant,
        fund,
        allocation.partner_organization,
        actor=partner_marketer,
        start_date=today + timedelta(days=1),
        end_date=today + timedelta(days=2),
    )
    with time_machine.travel(timezone.now() + timedelta(days=3)), tenant_context(tenant):
        with pytest.raises(ValidationFailed) as refused:
            services.fund_request_approve(actor=marketing, fund_request=fund_request)
    assert refused.value.field == "start_date"


def test_expiry_releases_an_unclaimed_approval_after_the_funds_days(
    tenant, fund, allocation, partner_marketer, marketing
):
    fund_request = make_request(
        tenant, fund, allocation.partner_organization, actor=partner_marketer, approve_by=marketing
    )
    with tenant_context(tenant):
        on_time = fund_request.end_date + timedelta(days=fund.expiry_days)
        assert services.fund_requests_expire_due(today=on_time) == 0
        assert services.fund_requests_expire_due(today=on_time + timedelta(days=1)) == 1
        assert services.fund_requests_expire_due(today=on_time + timedelta(days=2)) == 0  # idempotent
        fund_request.refresh_from_db()
        assert fund_request.status == RequestStatus.EXPIRED
        assert Event.objects.filter(type="mdf.request.expired").count() == 1
    amounts = balance(tenant, allocation)
    assert (amounts.available, amounts.committed) == (Decimal("10000.00"), Decimal("0.00"))


def test_a_request_needs_an_allocation_in_the_fund(tenant, fund, partner_org, partner_marketer):
    with pytest.raises(ValidationFailed) as refused:
        make_request(tenant, fund, partner_org, actor=partner_marketer)
    assert refused.value.field == "fund"


def test_a_finance_person_cannot_review(tenant, fund, allocation, partner_marketer, finance):
    fund_request = make_request(tenant, fund, allocation.partner_organization, actor=partner_marketer)
    with tenant_context(tenant), pytest.raises(PermissionDenied):
        services.fund_request_approve(actor=finance, fund_request=fund_request)


def test_request_fields_helper_is_within_the_period(fund):
    fields = request_fields()
    assert fund.period_start <= fields["start_date"] <= fields["end_date"] <= fund.period_end
    assert StaffFactory  # keeps the import used for readers adding staff


def test_segregation_of_duties_holds_for_api_keys(tenant, fund, allocation, partner_org, second_reviewer):
    from prm.api.keys import ApiKeyActor
    from tests.factories import make_api_key

    partner_key = ApiKeyActor(make_api_key(tenant, scopes=["mdf:write"], partner_organization=partner_org)[0])
    tenant_key = ApiKeyActor(make_api_key(tenant, scopes=["mdf:write"])[0])
    by_partner_key = make_request(tenant, fund, partner_org, actor=partner_key)
    by_tenant_key = make_request(tenant, fund, partner_org, actor=tenant_key)
    with tenant_context(tenant):
        assert by_partner_key.requested_by_api_key_id == partner_key.api_key.pk
        with pytest.raises(PermissionDenied):
            services.fund_request_approve(actor=partner_key, fund_request=by_partner_key)
        with pytest.raises(PermissionDenied):
            services.fund_request_approve(actor=tenant_key, fund_request=by_tenant_key)
        services.fund_request_approve(actor=tenant_key, fund_request=by_partner_key)
        services.fund_request_approve(actor=second_reviewer, fund_request=by_tenant_key, amount="100")
