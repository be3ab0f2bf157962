"""ETag on reads and writes; `If-Match` refuses lost updates with 412."""

import pytest

from tests.api.conftest import problem_of
from tests.factories import PartnerOrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(tenant):
    return PartnerOrganizationFactory(tenant=tenant, name="Northwind", region="EMEA")


def test_get_returns_an_etag(api, partner):
    response = api.get(f"/api/v1/partners/{partner.pk}/")
    assert response.status_code == 200
    assert response["ETag"].startswith('"') and response["ETag"].endswith('"')
    assert api.get(f"/api/v1/partners/{partner.pk}/")["ETag"] == response["ETag"]


def test_patch_with_a_stale_if_match_is_412_and_changes_nothing(api, partner, scoped):
    url = f"/api/v1/partners/{partner.pk}/"
    stale = api.get(url)["ETag"]
    assert api.patch(url, {"region": "APAC"}, format="json", HTTP_IF_MATCH=stale).status_code == 200
    # Someone else's change came in between: this writer read the old version.
    response = api.patch(url, {"name": "Overwritten"}, format="json", HTTP_IF_MATCH=stale)
    assert "If-Match" in problem_of(response, 412)["detail"]
    with scoped():
        partner.refresh_from_db()
    assert (partner.name, partner.region) == ("Northwind", "APAC")


def test_patch_with_the_current_etag_succeeds_and_returns_a_new_one(api, partner):
    url = f"/api/v1/partners/{partner.pk}/"
    current = api.get(url)["ETag"]
    response = api.patch(url, {"region": "APAC"}, format="json", HTTP_IF_MATCH=current)
    assert response.status_code == 200
    assert response["ETag"] != current
    assert api.get(url)["ETag"] == response["ETag"]


def test_put_honours_if_match_too(api, partner):
    url = f"/api/v1/partners/{partner.pk}/"
    body = {"name": "Northwind", "partner_type": "msp"}
    problem_of(api.put(url, body, format="json", HTTP_IF_MATCH='"stale"'), 412)
    assert api.put(url, body, format="json", HTTP_IF_MATCH=api.get(url)["ETag"]).status_code == 200


def test_without_if_match_or_with_a_star_the_write_goes_ahead(api, partner):
    url = f"/api/v1/partners/{partner.pk}/"
    assert api.patch(url, {"region": "APAC"}, format="json").status_code == 200
    assert api.patch(url, {"region": "LATAM"}, format="json", HTTP_IF_MATCH="*").status_code == 200
