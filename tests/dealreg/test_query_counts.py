"""The deal lists (partner, staff, queue, API) and a registration's page run a fixed number of queries whatever the
number of registrations, conflicts, line items or participants."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dealreg import services
from prm.api.keys import ALL_SCOPES
from prm.tenancy import tenant_context
from tests.api.conftest import key_client
from tests.conftest import login
from tests.dealreg.helpers import deal_fields
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, make_api_key
from tests.prm.query_counts import queries_for

pytestmark = pytest.mark.django_db


NAMES = [
    "Aldermoor",
    "Brightwater",
    "Cobaltline",
    "Dunmore",
    "Evergreen",
    "Foxhall",
    "Granitebay",
    "Harborview",
    "Ironwood",
    "Juniperhill",
    "Kestrelpoint",
    "Lakeside",
    "Meridianus",
    "Northgate",
]


def add_registrations(tenant, partner_admin, product, count, *, start=0):
    """`count` registrations of the partner, each with a line item, and as many of another partner each
    conflicting with one of them."""
    other = PartnerOrganizationFactory(tenant=tenant)
    other_user = PartnerUserFactory(tenant=tenant, partner_organization=other)
    with tenant_context(tenant):
        for n in range(start, start + count):
            fields = deal_fields(customer_name=f"{NAMES[n]} Holdings", customer_website=f"{NAMES[n].lower()}.com")
            services.deal_create(actor=partner_admin, submit=True, line_items=[{"product": product.pk}], **fields)
            services.deal_create(actor=other_user, submit=True, **fields)


@pytest.mark.parametrize("who", ["partner", "staff"])
def test_deal_lists_and_the_queue_do_not_grow_with_registrations(
    client, tenant, partner_admin, channel_manager, product, who
):
    login(client, partner_admin if who == "partner" else channel_manager)
    urls = ["/t/acme/deals/"] + ([] if who == "partner" else ["/t/acme/deals/review/"])
    add_registrations(tenant, partner_admin, product, 2)
    before = {url: queries_for(client, url) for url in urls}
    before_htmx = {url: queries_for(client, url, HTTP_HX_REQUEST="true") for url in urls}
    add_registrations(tenant, partner_admin, product, 10, start=2)
    assert {url: queries_for(client, url) for url in urls} == before
    assert {url: queries_for(client, url, HTTP_HX_REQUEST="true") for url in urls} == before_htmx


def register_through_the_page(client, tenant, name, website):
    """A new partner registers the customer through the form, so the history names who did (one look-up of
    people on the page, whatever the number of conflicts)."""
    login(client, PartnerUserFactory(tenant=tenant, partner_organization=PartnerOrganizationFactory(tenant=tenant)))
    data = {
        "customer_name": name,
        "customer_website": website,
        "amount": "1000",
        "currency": "USD",
        "expected_close_date": deal_fields()["expected_close_date"].isoformat(),
        "stage": "qualified",
        "deal_type": "new",
    }
    response = client.post("/t/acme/deals/new/", data)
    assert response.status_code == 302, response.content[:2000]
    return response.url


def test_the_decision_screen_does_not_grow_with_conflicts(client, tenant, partner_admin, channel_manager, product):
    add_registrations(tenant, partner_admin, product, 1)
    url = register_through_the_page(client, tenant, "Aldermoor Holdings", "aldermoor.com")
    login(client, channel_manager)
    few = queries_for(client, url)
    # More partners register the same customer: the newest registration conflicts with all of them.
    for _ in range(5):
        other_user = PartnerUserFactory(tenant=tenant, partner_organization=PartnerOrganizationFactory(tenant=tenant))
        with tenant_context(tenant):
            services.deal_create(
                actor=other_user,
                submit=True,
                **deal_fields(customer_name="Aldermoor Holdings", customer_website="aldermoor.com"),
            )
    url = register_through_the_page(client, tenant, "Aldermoor Holdings", "aldermoor.com")
    login(client, channel_manager)
    with tenant_context(tenant):
        from dealreg.models import DealRegistration

        assert len(DealRegistration.objects.order_by("-id").first().conflicts) >= 7
    assert queries_for(client, url) == few


def test_the_api_list_does_not_grow_with_registrations(tenant, partner_admin, product):
    api = key_client(make_api_key(tenant, scopes=ALL_SCOPES, name="Full")[1])
    add_registrations(tenant, partner_admin, product, 2)
    api.get("/api/v1/deals/")

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = api.get("/api/v1/deals/")
        assert response.status_code == 200
        return len(captured)

    few = count()
    add_registrations(tenant, partner_admin, product, 10, start=2)
    assert count() == few


def test_submitting_through_the_api_takes_at_most_19_queries_whatever_the_data(tenant, partner_admin, product):
    """POST /api/v1/deals/ with `submit: true`: screening, the rules, the writes, the reviewer's notification and
    the answer in a fixed number of queries, however many registrations (and conflicts) there are. The events'
    relay is a task enqueued on commit, not part of the request. The registration's row is written once (an INSERT
    already submitted, not an INSERT then an UPDATE)."""
    partner = PartnerOrganizationFactory(tenant=tenant)
    api = key_client(make_api_key(tenant, scopes=["deals:write"], partner_organization=partner)[1])

    def submit(name):
        body = {
            "customer_name": f"{name} Holdings",
            "customer_website": f"https://www.{name.lower()}.com/",
            "customer_country": "DE",
            "amount": "25000.00",
            "currency": "USD",
            "expected_close_date": deal_fields()["expected_close_date"].isoformat(),
            "submit": True,
        }
        with CaptureQueriesContext(connection) as captured:
            response = api.post("/api/v1/deals/", body, format="json")
        assert response.status_code == 201, response.content[:500]
        assert response.json()["status"] == "submitted"
        written = [q["sql"] for q in captured.captured_queries if '"dealreg_dealregistration"' in q["sql"]]
        assert [sql for sql in written if 'UPDATE "dealreg_dealregistration"' in sql] == []
        assert len([sql for sql in written if 'INSERT INTO "dealreg_dealregistration"' in sql]) == 1
        return len(captured)

    submit("Warmup")  # the key's first use records when it was last used
    add_registrations(tenant, partner_admin, product, 2)
    few = submit(NAMES[0])  # conflicts with two other partners' registrations
    add_registrations(tenant, partner_admin, product, 10, start=2)
    many = submit(NAMES[5])
    assert few == many
    assert many <= 19
