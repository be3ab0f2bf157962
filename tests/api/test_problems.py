"""Errors are RFC 9457 problem details (`application/problem+json`) that name the fields at fault."""

import json

import pytest
from django.http import Http404

from prm.api.exceptions import handler404
from tests.api.conftest import fields_of, problem_of
from tests.factories import PartnerOrganizationFactory

pytestmark = pytest.mark.django_db


def test_validation_errors_list_each_field(api):
    response = api.post("/api/v1/partners/", {"name": "", "website": "not a url", "country": "USA"}, format="json")
    body = problem_of(response, 400)
    assert sorted(fields_of(body)) == ["country", "name", "website"]
    assert body["type"] == "https://prm.example/problems/invalid-request"
    assert all(error["message"] for error in body["errors"])
    assert "website: Enter a valid URL." in body["detail"]


def test_a_body_that_is_not_an_object_is_400(api):
    body = problem_of(api.post("/api/v1/partners/", [1, 2], format="json"), 400)
    assert body["errors"][0]["field"] is None


def test_malformed_json_is_400(api):
    problem_of(api.post("/api/v1/partners/", b"{nope", content_type="application/json"), 400)


def test_a_body_that_is_not_json_is_415(api):
    problem_of(api.post("/api/v1/partners/", {"name": "Contoso"}, format="multipart"), 415)


def test_unknown_object_is_404_problem(api):
    body = problem_of(api.get("/api/v1/partners/999999999/"), 404)
    assert body["detail"] == "Not found."


def test_domain_errors_name_their_field(tenant, api):
    PartnerOrganizationFactory(tenant=tenant, name="Contoso")
    body = problem_of(api.post("/api/v1/invitations/", {"email": "x@y.example", "role": "partner_sales"}), 400)
    assert fields_of(body) == ["partner_organization"]
    assert body["errors"][0]["message"] == "A partner role needs a partner organization."


def test_method_not_allowed_is_a_problem_too(tenant, api):
    partner = PartnerOrganizationFactory(tenant=tenant)
    response = api.delete(f"/api/v1/partners/{partner.pk}/")
    problem_of(response, 405)
    assert "DELETE" not in response["Allow"]


def test_the_404_handler_answers_a_problem_under_api_and_the_page_elsewhere(rf):
    response = handler404(rf.get("/api/v1/no-such-thing/"), Http404())
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content)["detail"].startswith("There is no such endpoint.")
    page = handler404(rf.get("/t/acme/no-such-page/"), Http404())
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("object_id", ["abc", "1.5", "99999999999999999999999", "%00"])
def test_a_malformed_id_is_the_apis_404_problem_not_an_html_page(api, object_id):
    problem_of(api.get(f"/api/v1/partners/{object_id}/"), 404)
    problem_of(api.patch(f"/api/v1/partners/{object_id}/", {"name": "X"}, format="json"), 404)
