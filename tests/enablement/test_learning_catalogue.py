"""Audience rules: a course's partner types, tiers, regions and roles decide who sees it — in the catalogue, on its
page, when enrolling; the catalogue and the other learning pages run a constant number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enablement.models import LearningPath, LearningPathCourse
from enablement.selectors.catalogue import audience_of, catalogue
from enablement.services.enrollments import enrollment_assign, enrollment_self_enroll
from enablement.services.progress import lesson_result_record
from partners.models import PartnerType
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.enablement.learning_support import course, enrollments_of, make_program, url
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory
from tests.prm.query_counts import queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return make_program()


def visible_titles(program, member) -> set[str]:
    with tenant_context(program.tenant):
        return {c.title for c in catalogue(audience=audience_of(member), user=member.user)}


def test_a_reseller_does_not_see_an_isv_only_course_in_the_catalogue_on_its_page_or_when_enrolling(client, program):
    login(client, program.seller)
    page = client.get(url("learning_catalogue", program.tenant)).content.decode()
    assert "Platform fundamentals" in page and "Building on the ISV API" not in page
    assert client.get(url("learning_course_overview", program.tenant, program.isv_only.pk)).status_code == 404
    assert client.post(url("learning_enroll", program.tenant, program.isv_only.pk)).status_code == 404
    assert enrollments_of(program.tenant, program.seller.user) == []
    # The ISV's own people see it and can enroll.
    login(client, program.isv_admin)
    assert "Building on the ISV API" in client.get(url("learning_catalogue", program.tenant)).content.decode()
    assert client.get(url("learning_course_overview", program.tenant, program.isv_only.pk)).status_code == 200
    assert client.post(url("learning_enroll", program.tenant, program.isv_only.pk)).status_code == 302


def test_roles_tiers_and_regions_narrow_the_audience_and_empty_lists_mean_everyone(program):
    course(program.tenant, title="For sellers", audience_roles=[Role.PARTNER_SALES])
    course(program.tenant, title="For gold partners", audience_tiers=["gold"])
    course(program.tenant, title="For APAC", audience_regions=["APAC"])
    course(program.tenant, title="For EMEA resellers", audience_regions=["EMEA"], audience_partner_types=["reseller"])
    assert visible_titles(program, program.seller) == {
        "Platform fundamentals",
        "For sellers",
        "For EMEA resellers",
    }
    assert visible_titles(program, program.reseller_admin) == {"Platform fundamentals", "For EMEA resellers"}
    with tenant_context(program.tenant):
        program.reseller.tier = "gold"
        program.reseller.region = "APAC"
        program.reseller.save()
        program.seller.partner_organization.refresh_from_db()
    assert visible_titles(program, program.seller) == {
        "Platform fundamentals",
        "For sellers",
        "For gold partners",
        "For APAC",
    }


def test_unpublished_and_archived_courses_are_not_in_the_catalogue(program):
    course(program.tenant, title="Draft only", published=False)
    archived = course(program.tenant, title="Retired course")
    with tenant_context(program.tenant):
        archived.archived = True
        archived.save()
    assert "Draft only" not in visible_titles(program, program.seller)
    assert "Retired course" not in visible_titles(program, program.seller)


def _grow(program, count):
    """`count` more courses (with lessons), each with an enrollment and some progress of the seller, and paths."""
    for index in range(count):
        made = course(program.tenant, title=f"Extra course {index}", lessons=("One", "Two"))
        with tenant_context(program.tenant):
            enrollment = enrollment_self_enroll(actor=program.seller, course=made)
            lesson = made.current_version.modules.first().lessons.first()
            lesson_result_record(enrollment=enrollment, lesson=lesson, completed=True)
            path = LearningPath.objects.create(title=f"Path {index}", published=True)
            LearningPathCourse.objects.create(path=path, course=made, position=1)
            LearningPathCourse.objects.create(path=path, course=program.everyone, position=2)


@pytest.mark.parametrize(
    "page", ["learning_catalogue", "learning_home", "learning_paths", "portal", "learning_team"], ids=str
)
def test_learning_pages_run_a_constant_number_of_queries(client, program, page):
    member = program.seller if page != "learning_team" else program.reseller_admin
    login(client, member)
    _grow(program, 2)
    few = queries_for(client, url(page, program.tenant))
    _grow(program, 12)
    for _ in range(6):
        PartnerUserFactory(tenant=program.tenant, partner_organization=program.reseller, role=Role.PARTNER_SALES)
    many = queries_for(client, url(page, program.tenant))
    assert many == few, (page, few, many)


def test_a_course_page_and_a_lesson_run_a_constant_number_of_queries(client, program):
    login(client, program.seller)
    with tenant_context(program.tenant):
        enrollment = enrollment_self_enroll(actor=program.seller, course=program.everyone)
    course_url = url("learning_course", program.tenant, enrollment.pk)
    lesson_url = url("learning_lesson", program.tenant, enrollment.pk, program.lessons[0].pk)
    client.get(lesson_url)  # the first opening records the lesson as started: a write, once
    few = (queries_for(client, course_url), queries_for(client, lesson_url))
    from tests.enablement.factories import LessonFactory

    for index in range(10):
        LessonFactory(tenant=program.tenant, course=program.everyone, title=f"More {index}", position=10 + index)
    with tenant_context(program.tenant):
        for lesson in program.lessons[1:]:
            lesson_result_record(enrollment=enrollment, lesson=lesson, completed=True)
    assert (queries_for(client, course_url), queries_for(client, lesson_url)) == few


def test_the_catalogue_is_one_query_whatever_the_number_of_courses(program):
    for index in range(15):
        course(program.tenant, title=f"Bulk {index}", audience_partner_types=["reseller"] if index % 2 else [])
    with tenant_context(program.tenant), CaptureQueriesContext(connection) as captured:
        rows = list(catalogue(audience=audience_of(program.seller), user=program.seller.user))
    assert len(rows) == 16 and len(captured) == 1


def test_the_team_page_assigns_a_course_with_a_due_date(client, program):
    due = timezone.localdate() + timedelta(days=10)
    login(client, program.reseller_admin)
    page = client.get(url("learning_team", program.tenant)).content.decode()
    assert "Assign a course" in page and str(program.seller.user) in page
    response = client.post(
        url("learning_team", program.tenant),
        {"user": program.seller.user_id, "course": program.everyone.pk, "due_on": due.isoformat()},
    )
    assert response.status_code == 302
    [enrollment] = enrollments_of(program.tenant, program.seller.user)
    assert enrollment.due_on == due and enrollment.assigned_by_id == program.reseller_admin.user_id
    page = client.get(url("learning_team", program.tenant)).content.decode()
    assert "Platform fundamentals" in page


def test_the_team_page_offers_only_the_partners_courses_and_refuses_one_not_for_the_person(client, program):
    for_sellers = course(program.tenant, title="Seller skills", audience_roles=[Role.PARTNER_SALES])
    login(client, program.reseller_admin)
    page = client.get(url("learning_team", program.tenant)).content.decode()
    assert "Seller skills" in page and "Building on the ISV API" not in page
    response = client.post(
        url("learning_team", program.tenant), {"user": program.seller.user_id, "course": program.isv_only.pk}
    )
    assert response.status_code == 400
    response = client.post(
        url("learning_team", program.tenant), {"user": program.reseller_admin.user_id, "course": for_sellers.pk}
    )
    assert response.status_code == 400 and "not offered to this person" in response.content.decode()
    assert enrollments_of(program.tenant, program.seller.user) == []
    assert enrollments_of(program.tenant, program.reseller_admin.user) == []


def test_a_partner_admin_cannot_assign_someone_of_another_organization(client, program):
    login(client, program.reseller_admin)
    response = client.post(
        url("learning_team", program.tenant), {"user": program.isv_admin.user_id, "course": program.everyone.pk}
    )
    assert response.status_code == 400
    assert enrollments_of(program.tenant, program.isv_admin.user) == []


def test_staff_choose_a_partner_and_assign_to_its_people(client, program):
    login(client, program.staff)
    page = client.get(url("learning_team", program.tenant), {"partner": program.isv.pk}).content.decode()
    assert "Softworks ISV" in page and str(program.isv_admin.user) in page
    response = client.post(
        url("learning_team", program.tenant),
        {"partner": program.isv.pk, "user": program.isv_admin.user_id, "course": program.isv_only.pk},
    )
    assert response.status_code == 302 and response.url.endswith(f"?partner={program.isv.pk}")
    assert len(enrollments_of(program.tenant, program.isv_admin.user)) == 1


def test_a_sales_person_has_no_team_page(client, program):
    login(client, program.seller)
    assert client.get(url("learning_team", program.tenant)).status_code == 404


def test_the_portal_recommends_an_assigned_course_then_the_next_in_a_path_and_offers_to_resume(client, program):
    login(client, program.seller)
    portal = url("portal", program.tenant)
    page = client.get(portal).content.decode()
    assert 'data-testid="learning-card"' in page and "Platform fundamentals" in page
    second = course(program.tenant, title="Selling services")
    with tenant_context(program.tenant):
        path = LearningPath.objects.create(title="New seller", published=True)
        LearningPathCourse.objects.create(path=path, course=program.everyone, position=1)
        LearningPathCourse.objects.create(path=path, course=second, position=2)
        enrollment = enrollment_self_enroll(actor=program.seller, course=program.everyone)
    client.get(url("learning_lesson", program.tenant, enrollment.pk, program.lessons[0].pk))
    page = client.get(portal).content.decode()
    assert 'data-testid="learning-resume"' in page and "Why partners win" in page
    assert "Next in “New seller”" in page and "Selling services" in page
    third = course(program.tenant, title="Compliance basics")
    with tenant_context(program.tenant):
        enrollment_assign(
            actor=program.staff,
            course=third,
            learner=program.seller,
            due_on=timezone.localdate() + timedelta(days=5),
        )
    page = client.get(portal).content.decode()
    assert "Assigned to you" in page and "Compliance basics" in page


def test_the_recommendation_prefers_what_colleagues_completed(client, program):
    popular = course(program.tenant, title="Popular with colleagues")
    course(program.tenant, title="A lonely course")
    with tenant_context(program.tenant):
        enrollment = enrollment_self_enroll(actor=program.reseller_admin, course=popular)
        lesson = popular.current_version.modules.first().lessons.first()
        lesson_result_record(enrollment=enrollment, lesson=lesson, completed=True)
        # Platform fundamentals taken already: out of the running.
        enrollment_self_enroll(actor=program.seller, course=program.everyone)
        # A partner elsewhere completing the lonely course does not count as a colleague.
        elsewhere = PartnerOrganizationFactory(tenant=program.tenant, partner_type=PartnerType.RESELLER)
    PartnerUserFactory(tenant=program.tenant, partner_organization=elsewhere)
    login(client, program.seller)
    page = client.get(url("portal", program.tenant)).content.decode()
    assert "Popular with colleagues" in page and "1 colleague completed it" in page
