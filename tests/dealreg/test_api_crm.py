"""The CRM side of deal registration through the API: accounts and opportunities upserted by external_id, one by one
or up to 1,000 per call, for staff credentials only."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dealreg.matching import match_keys
from dealreg.models import CrmAccount, CrmOpportunity
from dealreg.selectors.conflicts import find_conflicts
from prm.api.keys import ALL_SCOPES
from prm.models import Event
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.api.conftest import fields_of, key_client, problem_of
from tests.factories import MembershipFactory, make_api_key

pytestmark = pytest.mark.django_db

ACCOUNTS = "/api/v1/crm/accounts/"
OPPORTUNITIES = "/api/v1/crm/opportunities/"


def accounts(tenant):
    with tenant_context(tenant):
        return list(CrmAccount.objects.order_by("external_id").values("external_id", "name", "domain", "country"))


def sync_events(tenant, event_type="crm.accounts_synced"):
    with tenant_context(tenant):
        return list(Event.objects.filter(type=event_type).order_by("id").values_list("payload", flat=True))


def account_rows(count, *, start=0, **extra):
    return [
        {"external_id": f"sf-{i}", "name": f"Customer {i} Inc", "website": f"https://www.customer{i}.com/", **extra}
        for i in range(start, start + count)
    ]


# -- One account -------------------------------------------------------------------------------------------------


def test_post_creates_an_account_then_the_same_external_id_updates_that_row(api, tenant):
    body = {"external_id": "001A", "name": "Globex Corp.", "website": "https://www.globex.com/about", "country": "us"}
    created = api.post(ACCOUNTS, body, format="json")
    assert created.status_code == 201, created.content
    assert created["ETag"]
    account = created.json()
    assert (account["domain"], account["country"]) == ("globex.com", "US")

    updated = api.post(ACCOUNTS, {"external_id": "001A", "name": "Globex Corporation"}, format="json")

    assert updated.status_code == 200, updated.content
    assert updated.json()["id"] == account["id"]
    assert accounts(tenant) == [
        {"external_id": "001A", "name": "Globex Corporation", "domain": "globex.com", "country": "US"}
    ]
    with tenant_context(tenant):
        assert CrmAccount.objects.get().match_keys[:4] == ["d:globex.com", "n:globex", "t:globex", "p:^glob"]
        assert CrmAccount.objects.get().match_keys == match_keys("Globex", "globex.com")


def test_a_new_account_needs_a_name(api, tenant):
    assert fields_of(problem_of(api.post(ACCOUNTS, {"external_id": "001A"}, format="json"), 400)) == ["name"]
    assert accounts(tenant) == []


def test_a_website_that_is_no_domain_is_refused_naming_website(api, tenant):
    body = {"external_id": "001A", "name": "Globex", "website": "not a website"}
    assert fields_of(problem_of(api.post(ACCOUNTS, body, format="json"), 400)) == ["website"]
    assert accounts(tenant) == []


def test_patch_and_put_change_an_account_by_id(api, tenant):
    pk = api.post(ACCOUNTS, {"external_id": "001A", "name": "Globex"}, format="json").json()["id"]

    patched = api.patch(f"{ACCOUNTS}{pk}/", {"website": "sales@globex.co.uk"}, format="json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["domain"] == "globex.co.uk"

    replaced = api.put(f"{ACCOUNTS}{pk}/", {"external_id": "001B", "name": "Globex UK"}, format="json")
    assert replaced.status_code == 200, replaced.content
    assert accounts(tenant) == [{"external_id": "001B", "name": "Globex UK", "domain": "", "country": ""}]
    with tenant_context(tenant):
        assert CrmAccount.objects.get().match_keys[:4] == ["n:globexuk", "n:globex", "t:globex", "p:^glob"]
        assert CrmAccount.objects.get().match_keys == match_keys("Globex UK", "")


def test_a_bad_patch_changes_nothing(api, tenant):
    pk = api.post(ACCOUNTS, {"external_id": "001A", "name": "Globex", "country": "US"}, format="json").json()["id"]

    response = api.patch(f"{ACCOUNTS}{pk}/", {"name": "Globex 2", "country": "USA"}, format="json")

    assert fields_of(problem_of(response, 400)) == ["country"]
    assert accounts(tenant)[0]["name"] == "Globex"


def test_renaming_onto_another_accounts_external_id_is_refused(api, tenant):
    api.post(ACCOUNTS, {"external_id": "001A", "name": "Globex"}, format="json")
    pk = api.post(ACCOUNTS, {"external_id": "001B", "name": "Initech"}, format="json").json()["id"]

    response = api.patch(f"{ACCOUNTS}{pk}/", {"external_id": "001A"}, format="json")

    assert fields_of(problem_of(response, 400)) == ["external_id"]


def test_list_filters_by_external_id_and_updated_since(api, tenant):
    api.post(ACCOUNTS, {"external_id": "001A", "name": "Globex"}, format="json")
    api.post(ACCOUNTS, {"external_id": "001B", "name": "Initech"}, format="json")

    listed = api.get(ACCOUNTS, {"external_id": "001B"}).json()["results"]
    assert [a["name"] for a in listed] == ["Initech"]
    assert api.get(ACCOUNTS, {"updated_since": "2999-01-01T00:00:00Z"}).json()["results"] == []


# -- Bulk --------------------------------------------------------------------------------------------------------


def test_bulk_creates_updates_and_leaves_identical_rows_alone(api, tenant):
    first = api.post(f"{ACCOUNTS}bulk/", {"rows": account_rows(3)}, format="json")
    assert first.status_code == 200, first.content
    assert {k: first.json()[k] for k in ("rows", "created", "updated", "unchanged")} == {
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
    }
    ids = [row["id"] for row in first.json()["results"]]
    with tenant_context(tenant):
        stamped = dict(CrmAccount.objects.values_list("external_id", "updated_at"))

    rows = account_rows(4)
    rows[1]["name"] = "Customer One Renamed"
    second = api.post(f"{ACCOUNTS}bulk/", {"rows": rows}, format="json")

    body = second.json()
    assert {k: body[k] for k in ("rows", "created", "updated", "unchanged")} == {
        "rows": 4,
        "created": 1,
        "updated": 1,
        "unchanged": 2,
    }
    assert [r["id"] for r in body["results"][:3]] == ids
    assert [r["created"] for r in body["results"]] == [False, False, False, True]
    assert [a["name"] for a in accounts(tenant)] == [
        "Customer 0 Inc",
        "Customer One Renamed",
        "Customer 2 Inc",
        "Customer 3 Inc",
    ]
    with tenant_context(tenant):
        now = dict(CrmAccount.objects.values_list("external_id", "updated_at"))
    assert now["sf-0"] == stamped["sf-0"] and now["sf-1"] > stamped["sf-1"]  # updated_since sees only real changes


def test_bulk_rows_leave_out_fields_they_do_not_send(api, tenant):
    api.post(f"{ACCOUNTS}bulk/", {"rows": account_rows(1, country="DE")}, format="json")

    api.post(f"{ACCOUNTS}bulk/", {"rows": [{"external_id": "sf-0", "owner_name": "Dana Direct"}]}, format="json")

    with tenant_context(tenant):
        account = CrmAccount.objects.get()
    assert (account.name, account.domain, account.country, account.owner_name) == (
        "Customer 0 Inc",
        "customer0.com",
        "DE",
        "Dana Direct",
    )


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"website": "http://"}, "rows[2].website"),
        ({"country": "Germany"}, "rows[2].country"),
        ({"owner_email": "dana at example"}, "rows[2].owner_email"),
        ({"name": "  "}, "rows[2].name"),
        ({"external_id": ""}, "rows[2].external_id"),
        ({"is_customer": "maybe"}, "rows[2].is_customer"),
        ({"external_id": "sf-0"}, "rows[2].external_id"),  # twice in one call
    ],
)
def test_bulk_with_a_bad_row_writes_nothing_and_names_the_row_and_field(api, tenant, bad, field):
    rows = account_rows(5)
    rows[2].update(bad)

    response = api.post(f"{ACCOUNTS}bulk/", {"rows": rows}, format="json")

    assert fields_of(problem_of(response, 400)) == [field]
    assert accounts(tenant) == []
    assert sync_events(tenant) == []


def test_bulk_of_1001_rows_is_refused(api, tenant):
    response = api.post(f"{ACCOUNTS}bulk/", {"rows": account_rows(1001)}, format="json")

    body = problem_of(response, 400)
    assert fields_of(body) == ["rows"]
    assert "1000" in body["detail"]
    assert accounts(tenant) == []


def test_bulk_of_1000_rows_is_accepted(api, tenant):
    response = api.post(f"{ACCOUNTS}bulk/", {"rows": account_rows(1000)}, format="json")

    assert response.json()["created"] == 1000
    assert len(accounts(tenant)) == 1000


def test_bulk_of_no_rows_is_refused(api):
    assert fields_of(problem_of(api.post(f"{ACCOUNTS}bulk/", {"rows": []}, format="json"), 400)) == ["rows"]


def bulk_queries(api, rows) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.post(f"{ACCOUNTS}bulk/", {"rows": rows}, format="json")
    assert response.status_code == 200, response.content[:300]
    return len(captured)


def test_bulk_query_count_does_not_grow_with_the_rows(api, tenant):
    api.get(ACCOUNTS)  # the key's first use records its last-used time: not part of the count
    ten = bulk_queries(api, account_rows(10))
    five_hundred = bulk_queries(api, account_rows(500, start=10))
    assert five_hundred == ten
    updating = account_rows(500, start=10, country="FR")
    assert bulk_queries(api, updating) == ten


def test_opportunity_bulk_query_count_does_not_grow_with_the_rows(api, tenant):
    api.post(f"{ACCOUNTS}bulk/", {"rows": account_rows(20)}, format="json")

    def rows(count, start=0):
        return [
            {"external_id": f"o-{i}", "name": f"Deal {i}", "account_external_id": f"sf-{i % 20}", "stage": "Proposal"}
            for i in range(start, start + count)
        ]

    with CaptureQueriesContext(connection) as ten:
        assert api.post(f"{OPPORTUNITIES}bulk/", {"rows": rows(10)}, format="json").status_code == 200
    with CaptureQueriesContext(connection) as five_hundred:
        response = api.post(f"{OPPORTUNITIES}bulk/", {"rows": rows(500, start=10)}, format="json")
    assert response.json()["created"] == 500
    assert len(five_hundred) == len(ten)


def test_one_event_per_call_with_counts(api, tenant):
    api.post(f"{ACCOUNTS}bulk/", {"rows": account_rows(3)}, format="json")
    api.post(f"{ACCOUNTS}bulk/", {"rows": account_rows(4)}, format="json")
    api.post(f"{ACCOUNTS}bulk/", {"rows": account_rows(4)}, format="json")  # nothing changes: no event

    assert sync_events(tenant) == [
        {"rows": 3, "created": 3, "updated": 0, "unchanged": 0},
        {"rows": 4, "created": 1, "updated": 0, "unchanged": 3},
    ]


def test_a_retried_bulk_call_with_the_same_idempotency_key_is_replayed(api, tenant):
    first = api.post(f"{ACCOUNTS}bulk/", {"rows": account_rows(2)}, format="json", HTTP_IDEMPOTENCY_KEY="b-1")
    again = api.post(f"{ACCOUNTS}bulk/", {"rows": account_rows(2)}, format="json", HTTP_IDEMPOTENCY_KEY="b-1")

    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert len(sync_events(tenant)) == 1


def test_synced_accounts_are_direct_sales_conflicts(api, tenant):
    api.post(f"{ACCOUNTS}bulk/", {"rows": account_rows(3)}, format="json")

    with tenant_context(tenant):
        found = find_conflicts(customer_name="Customer 1", customer_domain="customer1.com")
    assert (found[0].kind, found[0].name, found[0].reason) == ("crm_account", "Customer 1 Inc", "same domain")


# -- Opportunities -----------------------------------------------------------------------------------------------


def test_an_opportunity_takes_the_customer_from_its_account(api, tenant):
    api.post(ACCOUNTS, {"external_id": "001A", "name": "Globex Corp", "website": "globex.com", "country": "US"})
    body = {
        "external_id": "006X",
        "account_external_id": "001A",
        "name": "Globex firewall refresh",
        "amount": "120000.00",
        "currency": "usd",
        "stage": "Negotiation",
        "close_date": "2031-03-31",
        "owner_name": "Dana Direct",
    }

    response = api.post(OPPORTUNITIES, body, format="json")

    assert response.status_code == 201, response.content
    opportunity = response.json()
    assert {k: opportunity[k] for k in ("customer_name", "domain", "country", "currency", "account_external_id")} == {
        "customer_name": "Globex Corp",
        "domain": "globex.com",
        "country": "US",
        "currency": "USD",
        "account_external_id": "001A",
    }
    with tenant_context(tenant):
        stored = CrmOpportunity.objects.get()
        assert stored.amount == Decimal("120000.00") and stored.close_date == datetime.date(2031, 3, 31)
        found = find_conflicts(customer_name="Globex", customer_domain="")
        assert sorted(c.kind for c in found) == ["crm_account", "crm_opportunity"]


def test_an_opportunity_without_account_needs_a_customer_name(api, tenant):
    response = api.post(OPPORTUNITIES, {"external_id": "006X", "name": "Refresh"}, format="json")
    assert fields_of(problem_of(response, 400)) == ["customer_name"]


def test_an_unknown_account_is_refused_naming_the_row(api, tenant):
    rows = [
        {"external_id": "006A", "name": "Deal A", "customer_name": "Initech"},
        {"external_id": "006B", "name": "Deal B", "account_external_id": "nope"},
    ]
    response = api.post(f"{OPPORTUNITIES}bulk/", {"rows": rows}, format="json")

    assert fields_of(problem_of(response, 400)) == ["rows[1].account_external_id"]
    with tenant_context(tenant):
        assert not CrmOpportunity.objects.exists()


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"amount": "-5"}, "rows[0].amount"),
        ({"amount": "100", "currency": "XXX"}, "rows[0].currency"),
        ({"amount": "100"}, "rows[0].currency"),
        ({"close_date": "31/03/2031"}, "rows[0].close_date"),
        ({"website": "nowhere"}, "rows[0].website"),
        ({"domain": "acme..com"}, "rows[0].domain"),
    ],
)
def test_a_bad_opportunity_row_names_its_field(api, tenant, bad, field):
    rows = [{"external_id": "006A", "name": "Deal A", "customer_name": "Initech", **bad}]
    response = api.post(f"{OPPORTUNITIES}bulk/", {"rows": rows}, format="json")
    assert fields_of(problem_of(response, 400)) == [field]


def test_a_won_opportunity_is_closed_and_no_conflict(api, tenant):
    rows = [{"external_id": "006A", "name": "Deal A", "customer_name": "Initech", "website": "https://initech.com"}]
    api.post(f"{OPPORTUNITIES}bulk/", {"rows": rows}, format="json")
    with tenant_context(tenant):
        assert len(find_conflicts(customer_name="Initech", customer_domain="initech.com")) == 1

    response = api.post(f"{OPPORTUNITIES}bulk/", {"rows": [{"external_id": "006A", "is_won": True}]}, format="json")

    assert response.json()["updated"] == 1
    assert sync_events(tenant, "crm.opportunities_synced")[-1] == {
        "rows": 1,
        "created": 0,
        "updated": 1,
        "unchanged": 0,
    }
    with tenant_context(tenant):
        stored = CrmOpportunity.objects.get()
        assert (stored.is_won, stored.is_closed, stored.domain) == (True, True, "initech.com")
        assert find_conflicts(customer_name="Initech", customer_domain="initech.com") == []


def test_a_row_without_account_external_id_keeps_its_account(api, tenant):
    api.post(ACCOUNTS, {"external_id": "001A", "name": "Globex"}, format="json")
    api.post(OPPORTUNITIES, {"external_id": "006X", "account_external_id": "001A", "name": "Deal"}, format="json")

    api.post(f"{OPPORTUNITIES}bulk/", {"rows": [{"external_id": "006X", "stage": "Won"}]}, format="json")

    with tenant_context(tenant):
        assert CrmOpportunity.objects.get().account.external_id == "001A"


def test_patch_moves_an_opportunity_to_another_account(api, tenant):
    api.post(ACCOUNTS, {"external_id": "001A", "name": "Globex"}, format="json")
    api.post(ACCOUNTS, {"external_id": "001B", "name": "Initech"}, format="json")
    pk = api.post(OPPORTUNITIES, {"external_id": "006X", "account_external_id": "001A", "name": "Deal"}).json()["id"]

    response = api.patch(f"{OPPORTUNITIES}{pk}/", {"account_external_id": "001B"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["account_external_id"] == "001B"
    unknown = api.patch(f"{OPPORTUNITIES}{pk}/", {"account_external_id": "001C"}, format="json")
    assert fields_of(problem_of(unknown, 400)) == ["account_external_id"]


def test_opportunity_list_query_count_does_not_grow(api, tenant):
    api.post(ACCOUNTS, {"external_id": "001A", "name": "Globex"}, format="json")
    api.post(f"{OPPORTUNITIES}bulk/", {"rows": [{"external_id": "o1", "name": "D", "account_external_id": "001A"}]})
    with CaptureQueriesContext(connection) as one:
        assert api.get(OPPORTUNITIES).status_code == 200
    rows = [{"external_id": f"o{i}", "name": "D", "account_external_id": "001A"} for i in range(2, 40)]
    api.post(f"{OPPORTUNITIES}bulk/", {"rows": rows}, format="json")
    with CaptureQueriesContext(connection) as many:
        assert len(api.get(OPPORTUNITIES).json()["results"]) > 1
    assert len(many) == len(one)


# -- Who may ------------------------------------------------------------------------------------------------------


@pytest.fixture
def synced(api, tenant):
    account = api.post(ACCOUNTS, {"external_id": "001A", "name": "Globex"}, format="json").json()
    opportunity = api.post(OPPORTUNITIES, {"external_id": "006X", "account_external_id": "001A", "name": "Deal"})
    return account["id"], opportunity.json()["id"]


def test_a_partner_bound_key_never_sees_crm_data(tenant, partner_org, synced):
    bound = key_client(make_api_key(tenant, scopes=ALL_SCOPES, partner_organization=partner_org)[1])
    account_id, opportunity_id = synced
    for url in (ACCOUNTS, f"{ACCOUNTS}{account_id}/", OPPORTUNITIES, f"{OPPORTUNITIES}{opportunity_id}/"):
        problem_of(bound.get(url), 404)
    problem_of(bound.post(f"{ACCOUNTS}bulk/", {"rows": account_rows(1)}, format="json"), 404)
    problem_of(bound.patch(f"{ACCOUNTS}{account_id}/", {"name": "Mine"}, format="json"), 404)
    assert [a["name"] for a in accounts(tenant)] == ["Globex"]


def test_another_tenants_key_gets_404(other_tenant, synced):
    theirs = key_client(make_api_key(other_tenant, scopes=ALL_SCOPES)[1])
    account_id, opportunity_id = synced
    problem_of(theirs.get(f"{ACCOUNTS}{account_id}/"), 404)
    problem_of(theirs.patch(f"{OPPORTUNITIES}{opportunity_id}/", {"name": "X"}, format="json"), 404)
    assert theirs.get(ACCOUNTS).json()["results"] == []


def test_a_partner_user_gets_404(client, tenant, partner_admin, synced):
    client.force_login(partner_admin.user, backend="django.contrib.auth.backends.ModelBackend")
    problem_of(client.get(ACCOUNTS, HTTP_X_TENANT=tenant.slug), 404)
    problem_of(client.get(f"{ACCOUNTS}{synced[0]}/", HTTP_X_TENANT=tenant.slug), 404)


def test_a_channel_manager_reads_but_does_not_sync(client, tenant, synced):
    manager = MembershipFactory(tenant=tenant, role=Role.CHANNEL_MANAGER)
    client.force_login(manager.user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(ACCOUNTS, HTTP_X_TENANT=tenant.slug).status_code == 200
    with tenant_context(tenant):
        from dealreg.services import crm
        from prm.errors import PermissionDenied

        with pytest.raises(PermissionDenied):
            crm.crm_accounts_sync(actor=manager, rows=account_rows(1))


def test_a_key_without_the_crm_scope_is_403(tenant):
    client = key_client(make_api_key(tenant, scopes=["deals:write"])[1])
    body = problem_of(client.post(f"{ACCOUNTS}bulk/", {"rows": account_rows(1)}, format="json"), 403)
    assert "crm:write" in body["detail"]
    read_only = key_client(make_api_key(tenant, scopes=["crm:read"])[1])
    problem_of(read_only.post(ACCOUNTS, {"external_id": "1", "name": "X"}, format="json"), 403)
    assert read_only.get(ACCOUNTS).status_code == 200
