"""`/api/v1/enrollments/`: an HR system assigns courses (by user id or email, with a due date) and lists who is
enrolled in what with progress; partner-bound keys see and assign only their own organization's people."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from enablement.services.enrollments import enrollment_self_enroll
from enablement.services.progress import lesson_result_record
from prm.api.keys import ALL_SCOPES
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.api.conftest import fields_of, key_client, problem_of
from tests.enablement.learning_support import course, enrollments_of, events_of, make_program, notifications_of
from tests.factories import PartnerUserFactory, make_api_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return make_program()


def client_for(program, *, partner=None, scopes=ALL_SCOPES):
    return key_client(make_api_key(program.tenant, scopes=scopes, partner_organization=partner)[1])


def due(days=21) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_an_hr_system_assigns_a_course_by_email_with_a_due_date(program):
    response = client_for(program).post(
        "/api/v1/enrollments/",
        {"email": program.seller.user.email.upper(), "course": program.everyone.pk, "due_on": due()},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["user"] == program.seller.user_id and body["email"] == program.seller.user.email
    assert body["course"] == program.everyone.pk and body["course_version"] == 1
    assert body["source"] == "assigned" and body["status"] == "enrolled" and body["due_on"] == due()
    assert body["progress"] == {"lessons_total": 3, "lessons_done": 0, "percent": 0}
    assert body["partner_organization"] == program.reseller.pk and response["ETag"]
    [event] = events_of(program.tenant, "enrollment.created")
    assert event.payload["enrollment_id"] == body["id"]
    assert len(notifications_of(program.tenant, program.seller.user, "enrollment.assigned")) == 1


def test_assigning_again_answers_200_with_the_same_enrollment_and_the_new_due_date(program):
    client = client_for(program)
    first = client.post(
        "/api/v1/enrollments/", {"user": program.seller.user_id, "course": program.everyone.pk}, format="json"
    )
    again = client.post(
        "/api/v1/enrollments/",
        {"user": program.seller.user_id, "course": program.everyone.pk, "due_on": due(40)},
        format="json",
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["due_on"] == due(40)
    assert len(enrollments_of(program.tenant, program.seller.user)) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"course": 0}, "course"),
        ({"user": 1}, "course"),
        ({"course": "x", "user": 1}, "course"),
        ({"course": 1, "user": 1, "email": "a@b.example"}, "user"),
        ({"course": 1, "email": "nobody@nowhere.example"}, "email"),
        ({"course": 1, "user": 1, "due_on": "2001-01-01"}, "due_on"),
        ({"course": 1, "user": 1, "status": "completed"}, "status"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(program, body, field):
    resolved = dict(body)
    if resolved.get("course") == 1:
        resolved["course"] = program.everyone.pk
    if resolved.get("user") == 1:
        resolved["user"] = program.seller.user_id
    problem = problem_of(client_for(program).post("/api/v1/enrollments/", resolved, format="json"), 400)
    assert field in fields_of(problem), problem
    assert enrollments_of(program.tenant, program.seller.user) == []


def test_a_course_not_offered_to_the_person_is_refused_on_course(program):
    problem = problem_of(
        client_for(program).post(
            "/api/v1/enrollments/", {"user": program.seller.user_id, "course": program.isv_only.pk}, format="json"
        ),
        400,
    )
    assert fields_of(problem) == ["course"]


def test_a_partner_bound_key_assigns_only_its_own_people(program):
    client = client_for(program, partner=program.reseller)
    ok = client.post(
        "/api/v1/enrollments/", {"user": program.seller.user_id, "course": program.everyone.pk}, format="json"
    )
    assert ok.status_code == 201
    refused = client.post(
        "/api/v1/enrollments/", {"user": program.isv_admin.user_id, "course": program.everyone.pk}, format="json"
    )
    assert fields_of(problem_of(refused, 400)) == ["user"]
    assert enrollments_of(program.tenant, program.isv_admin.user) == []


def test_a_person_of_another_tenant_is_unknown(program):
    other = make_program(slug="othertenant")
    refused = client_for(program).post(
        "/api/v1/enrollments/", {"user": other.seller.user_id, "course": program.everyone.pk}, format="json"
    )
    assert fields_of(problem_of(refused, 400)) == ["user"]
    refused = client_for(other).post(
        "/api/v1/enrollments/", {"user": other.seller.user_id, "course": program.everyone.pk}, format="json"
    )
    assert fields_of(problem_of(refused, 400)) == ["course"]


def _enrollments(program):
    with tenant_context(program.tenant):
        mine = enrollment_self_enroll(actor=program.seller, course=program.everyone)
        lesson_result_record(enrollment=mine, lesson=program.lessons[0], completed=True)
        admins = enrollment_self_enroll(actor=program.reseller_admin, course=program.everyone)
        isvs = enrollment_self_enroll(actor=program.isv_admin, course=program.isv_only)
    return mine, admins, isvs


def test_the_list_filters_by_user_partner_course_status_and_updated_since(program):
    mine, admins, isvs = _enrollments(program)
    client = client_for(program)

    def ids(**query):
        return sorted(row["id"] for row in client.get("/api/v1/enrollments/", query).json()["results"])

    assert ids() == sorted([mine.pk, admins.pk, isvs.pk])
    assert ids(user=program.seller.user_id) == [mine.pk]
    assert ids(partner_organization=program.reseller.pk) == sorted([mine.pk, admins.pk])
    assert ids(course=program.isv_only.pk) == [isvs.pk]
    assert ids(status="in_progress") == [mine.pk]
    assert ids(updated_since=(timezone.now() + timedelta(minutes=1)).isoformat()) == []
    row = client.get(f"/api/v1/enrollments/{mine.pk}/").json()
    assert row["progress"] == {"lessons_total": 3, "lessons_done": 1, "percent": 33}
    assert row["last_lesson"] == program.lessons[0].pk


def test_partners_see_their_organizations_enrollments_and_a_seller_only_their_own(program):
    mine, admins, isvs = _enrollments(program)
    bound = client_for(program, partner=program.reseller)
    assert sorted(r["id"] for r in bound.get("/api/v1/enrollments/").json()["results"]) == sorted([mine.pk, admins.pk])
    problem_of(bound.get(f"/api/v1/enrollments/{isvs.pk}/"), 404)
    session = APIClient()
    session.force_login(program.seller.user, backend="django.contrib.auth.backends.ModelBackend")
    session.credentials(HTTP_X_TENANT=program.tenant.slug)
    assert [r["id"] for r in session.get("/api/v1/enrollments/").json()["results"]] == [mine.pk]
    problem_of(session.get(f"/api/v1/enrollments/{admins.pk}/"), 404)
    # A seller may not assign.
    refused = session.post(
        "/api/v1/enrollments/", {"user": program.seller.user_id, "course": program.everyone.pk}, format="json"
    )
    assert refused.status_code == 403


def test_a_read_only_key_cannot_assign(program):
    client = client_for(program, scopes=["enrollments:read"])
    response = client.post(
        "/api/v1/enrollments/", {"user": program.seller.user_id, "course": program.everyone.pk}, format="json"
    )
    assert "enrollments:write" in problem_of(response, 403)["detail"]


def test_the_list_runs_a_constant_number_of_queries(program):
    _enrollments(program)
    client = client_for(program)
    client.get("/api/v1/enrollments/")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/enrollments/")
    for index in range(8):
        extra = course(program.tenant, title=f"Extra {index}")
        person = PartnerUserFactory(
            tenant=program.tenant, partner_organization=program.reseller, role=Role.PARTNER_SALES
        )
        with tenant_context(program.tenant):
            enrollment_self_enroll(actor=person, course=extra)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/v1/enrollments/")
    assert len(response.json()["results"]) == 11
    assert len(many) == len(few)
