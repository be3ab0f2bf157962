import pytest
from rest_framework.test import APIClient

from tests.factories import PartnerOrganizationFactory, TenantFactory, make_api_key

pytestmark = pytest.mark.django_db


def test_key_lists_its_tenants_partners_only():
    a, b = TenantFactory(), TenantFactory()
    PartnerOrganizationFactory(tenant=a, name="Alpha One")
    PartnerOrganizationFactory(tenant=b, name="Beta One")
    _, raw = make_api_key(a, scopes=["partners:read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.get("/api/v1/partners/")
    assert response.status_code == 200, response.content
    assert [p["name"] for p in response.json()["results"]] == ["Alpha One"]
    response = client.post("/api/v1/partners/", {"name": "New"}, format="json")
    assert response.status_code == 403, response.content
    assert response["Content-Type"] == "application/problem+json"
