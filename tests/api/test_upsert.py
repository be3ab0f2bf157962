"""Upsert by `external_id`: a CRM can push the same record again and again."""

import pytest

from partners.models import PartnerOrganization
from tests.api.conftest import fields_of, problem_of
from tests.factories import PartnerOrganizationFactory

pytestmark = pytest.mark.django_db


def test_post_with_a_new_external_id_creates(api, scoped):
    response = api.post("/api/v1/partners/", {"name": "Contoso", "external_id": "sf-1"}, format="json")
    assert response.status_code == 201
    assert response["ETag"]
    with scoped():
        assert PartnerOrganization.objects.get(external_id="sf-1").name == "Contoso"


def test_post_with_an_existing_external_id_updates_it(tenant, api, scoped):
    existing = PartnerOrganizationFactory(tenant=tenant, name="Contoso", external_id="sf-1", country="US")
    body = {"name": "Contoso Ltd", "external_id": "sf-1", "country": "GB"}
    response = api.post("/api/v1/partners/", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["id"] == existing.pk
    with scoped():
        assert list(PartnerOrganization.objects.values_list("name", "country")) == [("Contoso Ltd", "GB")]


def test_pushing_the_same_record_twice_changes_nothing_the_second_time(api, scoped):
    body = {"name": "Contoso", "external_id": "sf-1", "partner_type": "msp"}
    assert api.post("/api/v1/partners/", body, format="json").status_code == 201
    again = api.post("/api/v1/partners/", body, format="json")
    assert again.status_code == 200
    with scoped():
        assert PartnerOrganization.objects.count() == 1


def test_a_duplicate_name_is_400_naming_name(tenant, api):
    PartnerOrganizationFactory(tenant=tenant, name="Contoso")
    response = api.post("/api/v1/partners/", {"name": "Contoso", "external_id": "sf-2"}, format="json")
    body = problem_of(response, 400)
    assert fields_of(body) == ["name"]
    assert body["errors"][0]["message"] == "A partner with this name exists already."


def test_renaming_onto_another_partners_external_id_is_400_naming_external_id(tenant, api):
    PartnerOrganizationFactory(tenant=tenant, name="Contoso", external_id="sf-1")
    other = PartnerOrganizationFactory(tenant=tenant, name="Fabrikam", external_id="sf-2")
    response = api.patch(f"/api/v1/partners/{other.pk}/", {"external_id": "sf-1"}, format="json")
    assert fields_of(problem_of(response, 400)) == ["external_id"]


def test_an_external_id_that_is_not_a_string_is_400_not_a_crash(api):
    response = api.post("/api/v1/partners/", {"name": "Contoso", "external_id": ["sf-1"]}, format="json")
    assert fields_of(problem_of(response, 400)) == ["external_id"]
