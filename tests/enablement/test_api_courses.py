"""`/api/v1/courses/`: the published courses with their audience, versions and outline; what a partner-bound key
or a partner's person sees follows the course's audience (a reseller gets 404 on an ISV-only course)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from prm.api.keys import ALL_SCOPES
from tests.api.conftest import key_client, problem_of
from tests.enablement.learning_support import course, make_program
from tests.factories import make_api_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return make_program()


def client_for(program, *, partner=None, scopes=ALL_SCOPES):
    return key_client(make_api_key(program.tenant, scopes=scopes, partner_organization=partner)[1])


def session_for(member):
    client = APIClient()
    client.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")
    client.credentials(HTTP_X_TENANT=member.tenant.slug)
    return client


def test_a_course_with_its_audience_versions_and_outline(program):
    body = client_for(program).get(f"/api/v1/courses/{program.everyone.pk}/").json()
    assert body["title"] == "Platform fundamentals"
    assert body["audience"] == {"partner_types": [], "tiers": [], "regions": [], "roles": []}
    assert body["current_version"]["number"] == 1 and body["versions"][0]["status"] == "published"
    [module] = body["current_version"]["modules"]
    assert [lesson["title"] for lesson in module["lessons"]] == [
        "Why partners win",
        "The product family",
        "Pricing basics",
    ]
    # The outline names lessons; their content stays on the learner's pages.
    assert "body" not in module["lessons"][0] and "body_html" not in module["lessons"][0]


def test_the_program_sees_every_published_course(program):
    course(program.tenant, title="Draft", published=False)
    titles = [c["title"] for c in client_for(program).get("/api/v1/courses/").json()["results"]]
    assert sorted(titles) == ["Building on the ISV API", "Platform fundamentals"]


@pytest.mark.parametrize("who", ["key", "session"])
def test_a_resellers_key_or_person_does_not_see_an_isv_only_course(program, who):
    client = client_for(program, partner=program.reseller) if who == "key" else session_for(program.seller)
    titles = [c["title"] for c in client.get("/api/v1/courses/").json()["results"]]
    assert titles == ["Platform fundamentals"]
    problem_of(client.get(f"/api/v1/courses/{program.isv_only.pk}/"), 404)
    assert client.get(f"/api/v1/courses/{program.everyone.pk}/").status_code == 200


def test_an_isvs_key_sees_its_course(program):
    client = client_for(program, partner=program.isv)
    assert client.get(f"/api/v1/courses/{program.isv_only.pk}/").status_code == 200


def test_a_key_without_the_courses_scope_is_refused(program):
    body = problem_of(client_for(program, scopes=["enrollments:read"]).get("/api/v1/courses/"), 403)
    assert "courses:read" in body["detail"]


def test_courses_are_read_only(program):
    client = client_for(program)
    assert client.post("/api/v1/courses/", {"title": "New"}, format="json").status_code == 405


def test_another_tenants_course_is_a_404(program):
    other = make_program(slug="othertenant")
    problem_of(client_for(other).get(f"/api/v1/courses/{program.everyone.pk}/"), 404)


def test_the_list_runs_a_constant_number_of_queries(program):
    client = client_for(program)
    client.get("/api/v1/courses/")  # the key's first use records its last-used time
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/courses/")
    for index in range(12):
        course(program.tenant, title=f"More {index}", lessons=("A", "B", "C"))
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/v1/courses/")
    assert len(response.json()["results"]) == 14
    assert len(many) == len(few)
