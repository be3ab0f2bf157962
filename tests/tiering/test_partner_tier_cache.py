"""`PartnerOrganization.tier` is the tier program's cache: the recalculation writes it, the API shows it read-only
(a client that sends one is refused, naming the field) and the directory filters on it."""

import pytest

from prm.tenancy import tenant_context
from tests.tiering.support import make_program
from tiering.services.recalculation import tiers_recalculate

pytestmark = pytest.mark.django_db


def test_the_api_shows_the_tier_and_refuses_to_write_it(tenant, api, partner_org, metrics):
    make_program(tenant)
    metrics.set(partner_org, revenue=150000, certified=3)
    with tenant_context(tenant):
        tiers_recalculate()
    url = f"/api/v1/partners/{partner_org.pk}/"
    assert api.get(url).json()["tier"] == "Gold"
    response = api.patch(url, {"tier": "Platinum", "website": "https://northwind.example"}, format="json")
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["tier"]
    with tenant_context(tenant):
        partner_org.refresh_from_db()
    assert partner_org.tier == "Gold"
    assert [p["id"] for p in api.get("/api/v1/partners/?tier=Gold").json()["results"]] == [partner_org.pk]
