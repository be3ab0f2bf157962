"""Revenue types, term, annual recurring value, campaign code and partner-delivered service lines: on the
registration form, the deal page, the API (fields and filters) — with field-named errors and nothing written for bad
values."""

from decimal import Decimal

import pytest

from dealreg.models import DealLineItem, DealRegistration
from prm.tenancy import tenant_context
from tests.api.conftest import fields_of, key_client, problem_of
from tests.conftest import login
from tests.dealreg.helpers import in_days
from tests.factories import make_api_key

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "customer_name": "Initech GmbH",
        "customer_website": "initech.de",
        "amount": "48000",
        "currency": "USD",
        "expected_close_date": in_days(30).isoformat(),
        "stage": "qualified",
        "revenue_type": "expansion",
        "term_months": "24",
        "annual_recurring_value": "24000",
        "campaign_code": "q3-webinar-emea",
    }
    data.update(overrides)
    return data


@pytest.fixture
def partner_api(tenant, partner_org):
    return key_client(make_api_key(tenant, scopes=["deals:write"], partner_organization=partner_org)[1])


def api_deal(**overrides):
    body = {
        "customer_name": "Initech GmbH",
        "customer_website": "initech.de",
        "amount": "12000.00",
        "currency": "EUR",
        "expected_close_date": in_days(30).isoformat(),
        "revenue_type": "renewal",
        "term_months": 12,
        "annual_recurring_value": "12000.00",
        "campaign_code": " q3-web ",
    }
    body.update(overrides)
    return body


def test_the_form_records_revenue_type_term_arv_campaign_and_a_partner_delivered_service(
    client, tenant, partner_admin, product
):
    login(client, partner_admin)
    form = client.get("/t/acme/deals/new/").content
    for name in (
        b'name="revenue_type"',
        b'name="term_months"',
        b'name="annual_recurring_value"',
        b'name="campaign_code"',
    ):
        assert name in form
    response = client.post(
        "/t/acme/deals/new/", form_data(product_0=str(product.pk), quantity_0="2", partner_service_0="1")
    )
    assert response.status_code == 302, response.content[:3000]
    with tenant_context(tenant):
        registration = DealRegistration.objects.get()
        line = DealLineItem.objects.get()
    assert (registration.revenue_type, registration.deal_type, registration.term_months) == ("expansion", "upsell", 24)
    assert registration.annual_recurring_value == Decimal("24000.00")
    assert registration.campaign_code == "Q3-WEBINAR-EMEA"
    assert line.partner_delivered_service is True
    page = client.get(response.url).content
    assert b"Expansion" in page and b"24 months term" in page and b"Q3-WEBINAR-EMEA" in page
    assert b"Partner-delivered service" in page


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"annual_recurring_value": "-1"}, "annual_recurring_value"),
        ({"term_months": "0"}, "term_months"),
        ({"term_months": "121"}, "term_months"),
        ({"campaign_code": "spring sale!"}, "campaign_code"),
    ],
)
def test_bad_recurring_values_on_the_form_name_the_field_and_write_nothing(
    client, tenant, partner_admin, overrides, field
):
    login(client, partner_admin)
    response = client.post("/t/acme/deals/new/", form_data(**overrides))
    assert response.status_code == 400
    assert f'id="id_{field}-error"'.encode() in response.content
    with tenant_context(tenant):
        assert not DealRegistration.objects.exists()


def test_the_api_writes_reads_and_filters_revenue_types_and_campaign_codes(tenant, partner_api, product):
    created = partner_api.post(
        "/api/v1/deals/",
        api_deal(line_items=[{"product": product.pk, "quantity": 1, "partner_delivered_service": True}]),
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["revenue_type"], body["deal_type"], body["term_months"]) == ("renewal", "renewal", 12)
    assert (body["annual_recurring_value"], body["campaign_code"]) == ("12000.00", "Q3-WEB")
    assert body["line_items"][0]["partner_delivered_service"] is True
    # An older integration sending only deal_type: revenue_type follows.
    older = partner_api.post(
        "/api/v1/deals/",
        {
            k: v
            for k, v in api_deal(customer_name="Globex AG", customer_website="globex.de").items()
            if k != "revenue_type"
        }
        | {"deal_type": "upsell", "campaign_code": ""},
        format="json",
    )
    assert older.json()["revenue_type"] == "expansion"
    ids = lambda query: [row["id"] for row in partner_api.get(f"/api/v1/deals/?{query}").json()["results"]]  # noqa: E731
    assert ids("revenue_type=renewal") == [body["id"]]
    assert ids("campaign_code=q3-web") == [body["id"]]
    assert sorted(ids("revenue_type=renewal&revenue_type=expansion")) == sorted([body["id"], older.json()["id"]])
    changed = partner_api.patch(f"/api/v1/deals/{body['id']}/", {"term_months": 36}, format="json")
    assert changed.status_code == 200 and changed.json()["term_months"] == 36


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"annual_recurring_value": "-0.01"}, "annual_recurring_value"),
        ({"term_months": 0}, "term_months"),
        ({"term_months": 121}, "term_months"),
        ({"revenue_type": "windfall"}, "revenue_type"),
        ({"campaign_code": "no spaces please"}, "campaign_code"),
    ],
)
def test_bad_recurring_values_through_the_api_are_field_named_problems(tenant, partner_api, overrides, field):
    response = partner_api.post("/api/v1/deals/", api_deal(**overrides), format="json")
    assert fields_of(problem_of(response, 400)) == [field]
    with tenant_context(tenant):
        assert not DealRegistration.objects.exists()
