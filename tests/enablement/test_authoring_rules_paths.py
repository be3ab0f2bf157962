"""Authoring enrollment rules and learning paths: their pages and services, refusals that name the field, ordering a
path's courses, and another tenant's course refused."""

import pytest
from django.urls import reverse

from enablement.models import EnrollmentRule, LearningPath, LearningPathCourse
from enablement.services import enrollment_rules, learning_paths
from enablement.services.learning_paths import PathInput
from prm.errors import PermissionDenied, ValidationFailed
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.enablement.authoring_factories import author_of, draft_course, published_course
from tests.factories import StaffFactory, TenantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(tenant):
    return author_of(tenant)


def url(name, *args):
    return reverse(name, args=["acme", *args])


def steps_of(path):
    with tenant_context(path.tenant):
        return list(
            LearningPathCourse.objects.filter(path=path).order_by("position").values_list("course__title", flat=True)
        )


# Enrollment rules -------------------------------------------------------------------------------------------------


def test_an_author_adds_a_rule_for_system_integrators_sales_people(client, tenant, author):
    course = published_course(author, title="Services selling")
    login(client, author)
    response = client.post(
        url("authoring_rules"),
        {"course": course.pk, "partner_types": ["system_integrator"], "roles": ["partner_sales"], "due_days": "30",
         "active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    with tenant_context(tenant):
        rule = EnrollmentRule.objects.get()
    assert (rule.course_id, rule.partner_types, rule.roles, rule.due_days, rule.active) == (
        course.pk,
        ["system_integrator"],
        ["partner_sales"],
        30,
        True,
    )
    page = client.get(url("authoring_rules")).content.decode()
    assert "System integrator" in page and "Partner sales" in page and "after 30 days" in page


def test_a_rule_naming_another_tenants_course_or_a_bad_due_date_is_refused_on_its_field(client, tenant, author):
    other = TenantFactory(slug="globex")
    foreign = draft_course(author_of(other), title="Globex secret course")
    login(client, author)
    response = client.post(url("authoring_rules"), {"course": foreign.pk})
    assert response.status_code == 400 and 'id="id_course-error"' in response.content.decode()
    assert "Globex secret course" not in response.content.decode()
    course = draft_course(author)
    response = client.post(url("authoring_rules"), {"course": course.pk, "due_days": "9999"})
    assert response.status_code == 400 and 'id="id_due_days-error"' in response.content.decode()
    with tenant_context(tenant):
        assert not EnrollmentRule.objects.exists()


def test_a_rule_is_edited_and_removed(client, tenant, author):
    course = draft_course(author)
    with tenant_context(tenant):
        rule = enrollment_rules.enrollment_rule_create(actor=author, data=enrollment_rules.RuleInput(course=course))
    login(client, author)
    assert client.get(url("authoring_rule", rule.pk)).status_code == 200
    response = client.post(url("authoring_rule", rule.pk), {"course": course.pk, "roles": ["partner_admin"]})
    assert response.status_code == 302
    with tenant_context(tenant):
        rule.refresh_from_db()
    assert rule.roles == ["partner_admin"] and rule.active is False
    client.post(url("authoring_rule_delete", rule.pk))
    with tenant_context(tenant):
        assert not EnrollmentRule.objects.exists()


def test_rules_refuse_unknown_codes_and_people_who_do_not_write_courses(tenant, author):
    course = draft_course(author)
    with tenant_context(tenant):
        with pytest.raises(ValidationFailed) as refused:
            enrollment_rules.enrollment_rule_create(
                actor=author, data=enrollment_rules.RuleInput(course=course, roles=["tenant_admin"])
            )
        assert refused.value.field == "roles"
        with pytest.raises(PermissionDenied):
            enrollment_rules.enrollment_rule_create(
                actor=StaffFactory(tenant=tenant, role=Role.ANALYST), data=enrollment_rules.RuleInput(course=course)
            )


# Learning paths ---------------------------------------------------------------------------------------------------


def test_an_author_builds_orders_and_publishes_a_learning_path(client, tenant, author):
    first = published_course(author, title="Platform basics")
    second = published_course(author, title="Selling services")
    login(client, author)
    response = client.post(
        url("authoring_paths"),
        {"title": "New SI sales", "audience_partner_types": ["system_integrator"], "audience_roles": ["partner_sales"]},
    )
    with tenant_context(tenant):
        path = LearningPath.objects.get()
    assert response.status_code == 302 and response.url == url("authoring_path", path.pk)
    for course in (first, second):
        assert client.post(url("authoring_path_course_add", path.pk), {"course": course.pk}).status_code == 302
    assert steps_of(path) == ["Platform basics", "Selling services"]
    with tenant_context(tenant):
        step_ids = list(LearningPathCourse.objects.filter(path=path).order_by("position").values_list("pk", flat=True))
    response = client.post(
        url("authoring_path_courses_order", path.pk), {"step": list(reversed(step_ids))}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and response.content.decode().lstrip().startswith('<div id="path-steps">')
    assert steps_of(path) == ["Selling services", "Platform basics"]
    client.post(url("authoring_path_course_move", path.pk, step_ids[0]), {"direction": "up"})
    assert steps_of(path) == ["Platform basics", "Selling services"]
    response = client.post(url("authoring_path", path.pk), {"title": "New SI sales", "published": "on"})
    assert response.status_code == 302
    with tenant_context(tenant):
        path.refresh_from_db()
    assert path.published and path.audience_partner_types == []


def test_a_path_without_courses_cannot_be_published_and_a_course_is_added_once(tenant, author):
    course = draft_course(author)
    with tenant_context(tenant):
        with pytest.raises(ValidationFailed) as refused:
            learning_paths.learning_path_create(actor=author, data=PathInput(title="Empty", published=True))
        assert refused.value.field == "published"
        path = learning_paths.learning_path_create(actor=author, data=PathInput(title="Path"))
        with pytest.raises(ValidationFailed) as refused:
            learning_paths.learning_path_update(actor=author, path=path, data=PathInput(title="Path", published=True))
        assert refused.value.field == "published"
        learning_paths.learning_path_course_add(actor=author, path=path, course=course)
        with pytest.raises(ValidationFailed, match="already on the path") as refused:
            learning_paths.learning_path_course_add(actor=author, path=path, course=course)
        assert refused.value.field == "course"


def test_adding_another_tenants_course_to_a_path_is_refused_on_the_course_field(client, tenant, author):
    foreign = draft_course(author_of(TenantFactory(slug="globex")), title="Globex secret course")
    with tenant_context(tenant):
        path = learning_paths.learning_path_create(actor=author, data=PathInput(title="Path"))
    login(client, author)
    response = client.post(url("authoring_path_course_add", path.pk), {"course": foreign.pk})
    assert response.status_code == 400 and 'id="id_course-error"' in response.content.decode()
    assert steps_of(path) == []


def test_rule_and_path_pages_are_404_for_staff_who_do_not_write_courses_and_for_partners(client, tenant, partner_admin):
    for membership in (StaffFactory(tenant=tenant, role=Role.FINANCE), partner_admin):
        login(client, membership)
        assert client.get(url("authoring_rules")).status_code == 404
        assert client.get(url("authoring_paths")).status_code == 404
