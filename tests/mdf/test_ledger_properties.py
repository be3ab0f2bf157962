"""A property of the whole ledger, over random sequences of allocate / request / approve / cancel / claim / partial
approve / reject / pay / reallocate / expire: no account but the funding source is ever negative, every cached
balance equals the sum of its entries, every transaction balances (checked by the database's deferred triggers
after each step, and read back), and the fund's money is conserved."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mdf import selectors, services
from mdf.models import AccountKind, Claim, ClaimStatus, FundRequest, LedgerAccount
from prm.errors import DomainError
from prm.policy import ProgramActor
from prm.tenancy import tenant_context
from tests.mdf.factories import FundFactory, invoice, request_fields

pytestmark = pytest.mark.django_db

amount = st.integers(min_value=1, max_value=6000).map(lambda n: Decimal(n))
fraction = st.sampled_from([Decimal("0.25"), Decimal("0.5"), Decimal("0.9"), Decimal("1")])
index = st.integers(min_value=0, max_value=5)
step = st.one_of(
    st.tuples(st.just("allocate"), index, amount),
    st.tuples(st.just("request"), index, amount),
    st.tuples(st.just("approve"), index, fraction),
    st.tuples(st.just("cancel"), index),
    st.tuples(st.just("claim"), index, fraction, st.booleans()),
    st.tuples(st.just("approve_claim"), index, fraction),
    st.tuples(st.just("reject_claim"), index),
    st.tuples(st.just("pay"), index),
    st.tuples(st.just("reallocate"), index, st.one_of(st.none(), index), amount),
    st.tuples(st.just("expire"), index),
    st.tuples(st.just("reverse"), index),
)


def check_invariants(fund):
    with connection.cursor() as cursor:  # the deferred balance triggers, now
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    accounts = list(LedgerAccount.objects.filter(fund=fund))
    assert all(a.balance >= 0 for a in accounts if a.kind != AccountKind.FUNDING_SOURCE)
    assert sum(a.balance for a in accounts) == 0
    assert selectors.ledger_differences() == []
    assert selectors.unbalanced_transactions() == []


class Rollback(Exception):
    pass


@pytest.fixture
def world(tenant, partner_marketer, marketing, finance):
    from tests.factories import PartnerOrganizationFactory, PartnerUserFactory

    partners = [partner_marketer.partner_organization]
    people = {partners[0].pk: partner_marketer}
    for name in ("Contoso Integrators", "Fabrikam Secure"):
        organization = PartnerOrganizationFactory(tenant=tenant, name=name)
        partners.append(organization)
        people[organization.pk] = PartnerUserFactory(tenant=tenant, partner_organization=organization)
    return {"tenant": tenant, "partners": partners, "people": people, "marketing": marketing, "finance": finance}


def pick(items, i):
    return items[i % len(items)] if items else None


def run(world, steps):
    tenant, partners, people = world["tenant"], world["partners"], world["people"]
    marketing, finance, program = world["marketing"], world["finance"], ProgramActor(tenant.pk)
    fund = FundFactory(tenant=tenant, total=Decimal("20000"))
    requests, claims = [], []
    for number, (kind, *args) in enumerate(steps):
        try:
            if kind == "allocate":
                partner = pick(partners, args[0])
                services.allocate(actor=program, fund=fund, partner_organization_id=partner.pk, amount=args[1])
            elif kind == "request":
                partner = pick(partners, args[0])
                fields = request_fields(planned_cost=args[1] * 2, requested_amount=args[1])
                fund_request = services.fund_request_create(
                    actor=people[partner.pk], fund=fund, partner_organization_id=partner.pk, **fields
                )
                requests.append(services.fund_request_submit(actor=people[partner.pk], fund_request=fund_request))
            elif kind == "approve" and requests:
                fund_request = pick(requests, args[0])
                approved = max(Decimal("1"), (fund_request.requested_amount * args[1]).quantize(Decimal("0.01")))
                services.fund_request_approve(actor=marketing, fund_request=fund_request, amount=approved)
            elif kind == "cancel" and requests:
                fund_request = pick(requests, args[0])
                services.fund_request_cancel(
                    actor=people[fund_request.partner_organization_id], fund_request=fund_request
                )
            elif kind == "claim" and requests:
                fund_request = FundRequest.objects.get(pk=pick(requests, args[0]).pk)
                claimed = max(Decimal("1"), ((fund_request.approved_amount or 1) * args[1]).quantize(Decimal("0.01")))
                claims.append(
                    services.claim_submit(
                        actor=people[fund_request.partner_organization_id],
                        fund_request=fund_request,
                        actual_cost=claimed * 2,
                        claimed_amount=claimed,
                        invoice_number=f"INV-{number}",
                        files=[invoice(content=b"%PDF-1.4\n" + str(number).encode())],
                        is_final=args[2],
                    )
                )
            elif kind == "approve_claim" and claims:
                claim = Claim.objects.get(pk=pick(claims, args[0]).pk)
                part = max(Decimal("0.01"), (claim.claimed_amount * args[1]).quantize(Decimal("0.01")))
                services.claim_approve(actor=marketing, claim=claim, amount=part)
            elif kind == "reject_claim" and claims:
                services.claim_reject(actor=marketing, claim=pick(claims, args[0]), reason="Proof missing")
            elif kind == "pay" and claims:
                claim = pick(claims, args[0])
                if Claim.objects.get(pk=claim.pk).status in (ClaimStatus.APPROVED, ClaimStatus.PAID):
                    services.claim_pay(actor=finance, claim=claim, reference=f"PAY-{number}")
            elif kind == "reallocate":
                allocations = list(fund.allocations.order_by("id"))
                source = pick(allocations, args[0])
                if source is not None:
                    target = pick(allocations, args[1]) if args[1] is not None else None
                    if target is not None and target.pk == source.pk:
                        target = None
                    services.reallocate(actor=program, allocation=source, to_allocation=target, amount=args[2])
            elif kind == "expire" and requests:
                fund_request = FundRequest.objects.get(pk=pick(requests, args[0]).pk)
                later = fund_request.end_date + timedelta(days=fund.expiry_days + 1)
                services.fund_request_expire(fund_request=fund_request, today=later)
            elif kind == "reverse":
                from mdf.models import LedgerTransaction
                from mdf.services.ledger import REVERSIBLE_KINDS

                candidates = list(LedgerTransaction.objects.filter(fund=fund, kind__in=REVERSIBLE_KINDS).order_by("id"))
                original = pick(candidates, args[0])
                if original is not None:
                    services.ledger_reverse(actor=program, original=original)
        except DomainError:
            pass  # a refused step writes nothing; the invariants below say so
        check_invariants(fund)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(steps=st.lists(step, min_size=1, max_size=14))
def test_no_balance_is_ever_negative_and_every_balance_equals_its_ledger_sum(world, steps):
    with tenant_context(world["tenant"]):
        try:
            with transaction.atomic():
                run(world, steps)
                raise Rollback
        except Rollback:
            pass


def test_a_known_sequence_exercises_every_movement(world):
    """The steps the property draws from do move money (so the property is not vacuously true)."""
    from mdf.models import LedgerTransaction

    steps = [
        ("allocate", 0, Decimal("5000")),
        ("allocate", 1, Decimal("3000")),
        ("request", 0, Decimal("2000")),
        ("approve", 0, Decimal("1")),
        ("claim", 0, Decimal("0.5"), True),
        ("approve_claim", 0, Decimal("0.5")),
        ("pay", 0),
        ("request", 0, Decimal("1000")),
        ("approve", 1, Decimal("1")),
        ("expire", 1),
        ("request", 1, Decimal("500")),
        ("approve", 2, Decimal("1")),
        ("cancel", 2),
        ("reallocate", 0, 1, Decimal("700")),
        ("reallocate", 1, None, Decimal("100")),
    ]
    with tenant_context(world["tenant"]):
        try:
            with transaction.atomic():
                run(world, steps)
                kinds = set(LedgerTransaction.objects.values_list("kind", flat=True))
                assert kinds == {"fund", "allocate", "commit", "spend", "pay", "release", "reallocate"}
                raise Rollback
        except Rollback:
            pass
