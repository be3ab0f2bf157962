"""Conflict detection over the database: which active registrations, CRM accounts and open CRM opportunities of the
tenant are the same customer (dealreg.selectors.conflicts.find_conflicts)."""

import datetime
from decimal import Decimal

import pytest

from dealreg.matching import match_keys, similarity
from dealreg.models import CrmAccount, CrmOpportunity, DealRegistration, DealStatus
from dealreg.selectors import conflicts
from dealreg.selectors.conflicts import Conflict, find_conflicts
from prm.tenancy import tenant_context
from tests.factories import PartnerOrganizationFactory

pytestmark = pytest.mark.django_db


def register(partner, name, domain="", *, status=DealStatus.SUBMITTED, country="", save=True):
    registration = DealRegistration(
        tenant_id=partner.tenant_id,
        partner_organization=partner,
        status=status,
        customer_name=name,
        customer_domain=domain,
        customer_country=country,
        amount=Decimal("25000"),
        currency="USD",
        expected_close_date=datetime.date(2031, 1, 31),
        match_keys=match_keys(name, domain),
    )
    if save:
        registration.save()
    return registration


def crm_account(name, domain="", *, external_id=None, country=""):
    return CrmAccount.objects.create(
        external_id=external_id or f"acc-{name}-{domain}",
        name=name,
        website=domain,
        domain=domain,
        country=country,
        match_keys=match_keys(name, domain),
    )


def crm_opportunity(customer_name, domain="", *, is_closed=False, stage="negotiation", name="Renewal FY31"):
    return CrmOpportunity.objects.create(
        external_id=f"opp-{customer_name}-{domain}-{is_closed}",
        name=name,
        customer_name=customer_name,
        domain=domain,
        stage=stage,
        is_closed=is_closed,
        match_keys=match_keys(customer_name, domain),
    )


def kinds_and_ids(found):
    return [(conflict.kind, conflict.id) for conflict in found]


@pytest.fixture
def other_partner(tenant):
    return PartnerOrganizationFactory(tenant=tenant, name="Contoso Resellers")


def test_registration_of_another_partner_matches_by_domain(in_tenant, other_partner):
    theirs = register(other_partner, "Zentrix Dynamics", "zentrix.io")

    found = find_conflicts(customer_name="ZX Holdings", customer_domain="https://www.zentrix.io/contact")

    assert found == [
        Conflict(
            kind="registration",
            id=theirs.pk,
            score=1.0,
            reason="same domain",
            partner_organization_id=other_partner.pk,
            status="submitted",
            name="Zentrix Dynamics",
        )
    ]


@pytest.mark.parametrize(
    "typed",
    ["Zentrix Dynamics GmbH", "ZENTRIX DYNAMICS, Inc.", "Zentrix Dynamcis", "Zemtrix Dynamics", "The Zentrix-Dynamics"],
)
def test_registration_of_another_partner_matches_by_a_name_as_people_type_it(in_tenant, other_partner, typed):
    theirs = register(other_partner, "Zentrix Dynamics", "zentrix.io")

    found = find_conflicts(customer_name=typed, customer_domain="")

    assert kinds_and_ids(found) == [("registration", theirs.pk)]
    assert found[0].reason in {"same name", "same name words in another order"} or "% similar" in found[0].reason


def test_crm_account_and_open_crm_opportunity_match(in_tenant):
    account = crm_account("Globex Corporation", "globex.com")
    opportunity = crm_opportunity("Globex", "", stage="proposal")

    found = find_conflicts(customer_name="Globex Corp.", customer_domain="sales@globex.com")

    assert kinds_and_ids(found) == [("crm_account", account.pk), ("crm_opportunity", opportunity.pk)]
    assert [(c.score, c.reason) for c in found] == [(1.0, "same domain"), (0.98, "same name")]
    assert found[1].status == "proposal"
    assert found[1].partner_organization_id is None


def test_closed_crm_opportunity_does_not_match(in_tenant):
    crm_opportunity("Globex", "globex.com", is_closed=True)

    assert find_conflicts(customer_name="Globex", customer_domain="globex.com") == []


@pytest.mark.parametrize(
    "status",
    [DealStatus.DRAFT, DealStatus.WITHDRAWN, DealStatus.REJECTED, DealStatus.EXPIRED, DealStatus.WON, DealStatus.LOST],
)
def test_registration_that_holds_no_customer_does_not_match(in_tenant, other_partner, status):
    register(other_partner, "Initech", "initech.com", status=status)

    assert find_conflicts(customer_name="Initech", customer_domain="initech.com") == []


@pytest.mark.parametrize(
    "status", [DealStatus.SUBMITTED, DealStatus.UNDER_REVIEW, DealStatus.INFO_REQUESTED, DealStatus.APPROVED]
)
def test_every_active_registration_matches(in_tenant, other_partner, status):
    theirs = register(other_partner, "Initech", "initech.com", status=status)

    found = find_conflicts(customer_name="Initech", customer_domain="initech.com")

    assert kinds_and_ids(found) == [("registration", theirs.pk)]
    assert found[0].status == status


def test_the_registration_being_checked_is_left_out(in_tenant, partner_org, other_partner):
    own = register(partner_org, "Initech", "initech.com")
    theirs = register(other_partner, "Initech LLC", "")

    found = find_conflicts(customer_name="Initech", customer_domain="initech.com", exclude_registration_id=own.pk)

    assert kinds_and_ids(found) == [("registration", theirs.pk)]


def test_another_tenants_records_are_never_returned(tenant, other_tenant):
    other_partner = PartnerOrganizationFactory(tenant=other_tenant)
    with tenant_context(other_tenant):
        register(other_partner, "Umbrella Corp", "umbrella.com")
        crm_account("Umbrella Corporation", "umbrella.com")
        crm_opportunity("Umbrella", "umbrella.com")

    with tenant_context(tenant):
        assert find_conflicts(customer_name="Umbrella Corp", customer_domain="umbrella.com") == []


def test_conflicts_are_ordered_by_score_then_id(in_tenant, partner_org, other_partner):
    fuzzy = register(other_partner, "Northwind Traders", "")
    same_domain = crm_account("Northwind Holdings", "northwind.com")
    same_name = crm_opportunity("Northwind Trader Ltd", "")
    same_domain_too = register(partner_org, "NW", "northwind.com")

    found = find_conflicts(customer_name="Northwind Trader", customer_domain="northwind.com")

    first_two = sorted([("crm_account", same_domain.pk), ("registration", same_domain_too.pk)], key=lambda k: k[1])
    assert kinds_and_ids(found) == [*first_two, ("crm_opportunity", same_name.pk), ("registration", fuzzy.pk)]
    assert [c.score for c in found] == [1.0, 1.0, 0.98, 0.9697]
    assert [c.reason for c in found] == ["same domain", "same domain", "same name", "name 97% similar"]


def test_a_different_country_is_said(in_tenant, other_partner):
    register(other_partner, "Hooli", "", country="US")

    found = find_conflicts(customer_name="Hooli Inc", customer_domain="", customer_country="DE")

    assert [(c.score, c.reason) for c in found] == [(0.882, "same name, different country")]


def test_names_that_only_share_a_word_are_candidates_but_not_conflicts(in_tenant, other_partner):
    register(other_partner, "Acme Logistics", "acme-logistics.com")
    crm_account("Acme Health", "acmehealth.org")

    assert find_conflicts(customer_name="Acme Robotics", customer_domain="acmerobotics.com") == []


def test_a_customer_without_keys_finds_nothing_without_a_query(in_tenant, other_partner, django_assert_num_queries):
    register(other_partner, "", "")

    with django_assert_num_queries(0):
        assert find_conflicts(customer_name="  ", customer_domain="jane@gmail.com") == []


def add_candidates(tenant, partner, count, *, batch=""):
    """`count` active registrations, CRM accounts and open opportunities, all sharing the word "acme" with the
    customer checked below (candidates), none of them a conflict."""
    registrations = [register(partner, f"Acme Widget {i}", f"acme{i}.com", save=False) for i in range(count)]
    DealRegistration.objects.bulk_create(registrations)
    CrmAccount.objects.bulk_create(
        CrmAccount(external_id=f"a{batch}{i}", name=f"Acme Gadget {i}", match_keys=match_keys(f"Acme Gadget {i}", ""))
        for i in range(count)
    )
    CrmOpportunity.objects.bulk_create(
        CrmOpportunity(
            external_id=f"o{batch}{i}",
            name="New deal",
            customer_name=f"Acme Tools {i}",
            match_keys=match_keys(f"Acme Tools {i}", ""),
        )
        for i in range(count)
    )


def test_a_check_runs_three_queries_whatever_the_number_of_candidates(
    tenant, in_tenant, other_partner, django_assert_num_queries
):
    add_candidates(tenant, other_partner, 5)
    with django_assert_num_queries(3):
        few = find_conflicts(customer_name="Acme Robotics", customer_domain="acme.com")

    add_candidates(tenant, other_partner, 500, batch="b")
    with django_assert_num_queries(3):
        many = find_conflicts(customer_name="Acme Robotics", customer_domain="acme.com")

    assert few == many == []


def test_the_candidate_cap_keeps_exact_matches_however_common_the_words(
    in_tenant, other_partner, monkeypatch, django_assert_num_queries
):
    oldest = register(other_partner, "Acme", "acme.com")  # the customer itself, registered first
    add_candidates(in_tenant, other_partner, 30)  # then many more recent records sharing "acme"
    monkeypatch.setattr(conflicts, "CANDIDATE_CAP", 10)

    with django_assert_num_queries(3):
        found = find_conflicts(customer_name="ACME Inc.", customer_domain="www.acme.com")

    assert kinds_and_ids(found) == [("registration", oldest.pk)]


def test_for_a_partner_a_conflict_says_only_what_kind_of_holder_there_is(in_tenant, other_partner):
    register(other_partner, "Xylophone Secure Customer", "xylo-customer.com")
    crm_account("Xylophone Secure Customer", "xylo-customer.com")
    crm_opportunity("Xylophone Secure Customer", "xylo-customer.com", name="Xylophone Secure renewal")

    found = find_conflicts(customer_name="Xylophone Secure Customer", customer_domain="xylo-customer.com")

    partner_view = [conflict.as_dict(for_partner=True) for conflict in found]
    assert sorted(partner_view, key=lambda d: d["kind"]) == [
        {"kind": "crm_account", "reason": conflicts.PARTNER_REASONS["crm_account"]},
        {"kind": "crm_opportunity", "reason": conflicts.PARTNER_REASONS["crm_opportunity"]},
        {"kind": "registration", "reason": conflicts.PARTNER_REASONS["registration"]},
    ]
    text = repr(partner_view)
    assert "Xylophone" not in text and str(other_partner.pk) not in text


def test_for_staff_a_conflict_says_everything(in_tenant, other_partner):
    theirs = register(other_partner, "Initech", "initech.com", status=DealStatus.APPROVED)

    (found,) = find_conflicts(customer_name="Initech", customer_domain="initech.com")

    assert found.as_dict(for_partner=False) == {
        "kind": "registration",
        "id": theirs.pk,
        "score": 1.0,
        "reason": "same domain",
        "partner_organization_id": other_partner.pk,
        "status": "approved",
        "name": "Initech",
    }


def test_scoring_from_stored_keys_gives_what_similarity_gives():
    """find_conflicts skips candidates whose name cannot reach the threshold (a bound from the stored keys) and
    takes a shared domain key as "same domain": on every pair of the matching tables, and every pair of names
    among them, the outcome is the one similarity() gives."""
    from tests.dealreg.test_matching import MUST_MATCH, NAMES, NEAR_MISSES

    pairs = [tuple(param.values[:4]) for param in MUST_MATCH + NEAR_MISSES]
    names = sorted({param.values[0] for param in NAMES} | {p[0] for p in pairs} | {p[2] for p in pairs})
    pairs += [(a, "", b, "") for a in names for b in names]
    for a_name, a_domain, b_name, b_domain in pairs:
        for a_country, b_country in (("", ""), ("US", "DE")):
            expected = similarity(a_name, a_domain, b_name, b_domain, a_country=a_country, b_country=b_country)
            customer = conflicts._Customer(a_name, a_domain, a_country)
            got = customer.score(b_name, b_country, match_keys(b_name, b_domain)) if customer.keys else None
            assert got == expected, (a_name, a_domain, b_name, b_domain, a_country, b_country)


def test_a_branch_finds_its_company_and_the_company_its_branch(in_tenant, other_partner):
    branch = register(other_partner, "Zentrix Deutschland GmbH")
    account = crm_account("Zentrix Inc")

    found = find_conflicts(customer_name="Zentrix (Berlin)", customer_domain="")
    assert kinds_and_ids(found) == [("crm_account", account.pk)]
    assert found[0].reason == "same name but for the branch or location"

    found = find_conflicts(customer_name="Zentrix AG", customer_domain="")
    assert kinds_and_ids(found) == [("crm_account", account.pk), ("registration", branch.pk)]
    assert [c.score for c in found] == [0.98, 0.93]


def test_two_branches_of_one_name_are_two_customers(in_tenant, other_partner):
    register(other_partner, "Zentrix UK Ltd")

    assert find_conflicts(customer_name="Zentrix US", customer_domain="") == []


def test_a_typo_in_the_first_letters_of_a_short_name_is_found(in_tenant, other_partner):
    """No word or prefix is shared ("vereda" / "verda", "^vere" / "^verd"): the edit keys of short names are."""
    theirs = register(other_partner, "Vereda Inc")

    assert kinds_and_ids(find_conflicts(customer_name="Verda", customer_domain="")) == [("registration", theirs.pk)]
    assert kinds_and_ids(find_conflicts(customer_name="Vreeda", customer_domain="")) == [("registration", theirs.pk)]
