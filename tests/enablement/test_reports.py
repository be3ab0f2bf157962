"""The staff learning reports: per course and per partner figures, certified people, expiring certifications, the
chart's data, the CSV export, and a constant number of queries."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from enablement.models import AttemptStatus, CertificationAward, EnrollmentStatus, QuizAttempt
from enablement.selectors import reports
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.enablement.certifications_support import certify, program
from tests.enablement.factories import CourseFactory, EnrollmentFactory, QuizFactory
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory
from tests.prm.query_counts import queries_for

pytestmark = pytest.mark.django_db


def enroll(p, course, membership, status, *, days=None, score=None):
    now = timezone.now()
    started = now - timedelta(days=days or 1)
    return EnrollmentFactory(
        tenant=p.tenant,
        course=course,
        membership=membership,
        status=status,
        enrolled_at=started - timedelta(days=5),
        started_at=started if status != EnrollmentStatus.ENROLLED else None,
        completed_at=now if status == EnrollmentStatus.COMPLETED else None,
        score=score,
    )


def attempt(p, quiz, enrollment, number, passed):
    with tenant_context(p.tenant):
        QuizAttempt.objects.create(
            quiz=quiz,
            user=enrollment.user,
            partner_organization=enrollment.partner_organization,
            enrollment=enrollment,
            number=number,
            status=AttemptStatus.SUBMITTED,
            started_at=timezone.now(),
            submitted_at=timezone.now(),
            score=90 if passed else 40,
            passed=passed,
        )


@pytest.fixture
def world():
    """Course 1: four learners of Northwind (two completed in 2 and 4 days, scores 80 and 90; one in progress; one
    not started), quiz attempts 3 of 4 passed; a learner of Fabrikam completed course 2 and is certified."""
    p = program(courses=2)
    course, other_course = p.courses
    fabrikam = PartnerOrganizationFactory(tenant=p.tenant, name="Fabrikam Integrators")
    people = [PartnerUserFactory(tenant=p.tenant, partner_organization=p.partner, role="partner_sales") for _ in "abcd"]
    quiz = QuizFactory(tenant=p.tenant)
    done_fast = enroll(p, course, people[0], EnrollmentStatus.COMPLETED, days=2, score=Decimal("80"))
    done_slow = enroll(p, course, people[1], EnrollmentStatus.COMPLETED, days=4, score=Decimal("90"))
    enroll(p, course, people[2], EnrollmentStatus.IN_PROGRESS)
    enroll(p, course, people[3], EnrollmentStatus.ENROLLED)
    attempt(p, quiz, done_fast, 1, False)
    attempt(p, quiz, done_fast, 2, True)
    attempt(p, quiz, done_slow, 1, True)
    attempt(p, quiz, done_slow, 2, True)
    fabrikam_person = PartnerUserFactory(tenant=p.tenant, partner_organization=fabrikam, role="partner_sales")
    certify(p, fabrikam_person)  # completes both courses (instantly) and earns the certification
    return {"p": p, "course": course, "other_course": other_course, "fabrikam": fabrikam}


def test_course_rows_give_enrolled_progress_pass_rate_score_and_median_time(world):
    p = world["p"]
    with tenant_context(p.tenant):
        rows = {row.label: row for row in reports.course_rows()}
    first = rows["Course 1"]
    assert (first.enrolled, first.not_started, first.in_progress, first.completed) == (5, 1, 1, 3)
    assert first.pass_rate == Decimal("75.0")  # 3 of 4 graded attempts passed
    # The certified learner's completions carry no score: the average is of the graded ones.
    assert first.average_score == Decimal("85.0")
    # Completed in 0, 2 and 4 days: the median is 2.
    assert first.median_days == Decimal("2.0")
    assert rows["Course 2"].enrolled == 1 and rows["Course 2"].pass_rate is None


def test_partner_rows_count_certified_people(world):
    p = world["p"]
    with tenant_context(p.tenant):
        rows = {row.label: row for row in reports.partner_rows(reports.partner_rows_queryset())}
    assert rows["Northwind Secure"].enrolled == 4 and rows["Northwind Secure"].certified == 0
    assert rows["Fabrikam Integrators"].completed == 2 and rows["Fabrikam Integrators"].certified == 1


def test_the_report_page_shows_both_views_the_chart_and_expiring_certifications(client, world):
    p = world["p"]
    with tenant_context(p.tenant):
        CertificationAward.objects.update(expires_at=timezone.now() + timedelta(days=45))
    login(client, StaffFactory(tenant=p.tenant, role="analyst"))
    response = client.get(f"/t/{p.tenant.slug}/enablement/reports/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="learning-chart-data"' in html and "Course 1" in html
    assert 'data-testid="expiring-30">0<' in html and 'data-testid="expiring-60">1<' in html
    assert 'data-testid="expiring-90">1<' in html
    response = client.get(f"/t/{p.tenant.slug}/enablement/reports/?view=partners")
    assert f'data-testid="certified-{world["fabrikam"].pk}">1<' in response.content.decode()


def test_partners_and_their_people_get_404_on_the_reports(client, world):
    p = world["p"]
    login(client, PartnerUserFactory(tenant=p.tenant, partner_organization=p.partner))
    assert client.get(f"/t/{p.tenant.slug}/enablement/reports/").status_code == 404
    assert client.get(f"/t/{p.tenant.slug}/enablement/reports/export.csv").status_code == 404


def read_csv(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_export_has_a_row_per_course_or_partner(client, world):
    p = world["p"]
    login(client, p.admin)
    rows = read_csv(client.get(f"/t/{p.tenant.slug}/enablement/reports/export.csv?view=courses"))
    assert rows[0][:3] == ["id", "Course", "Enrolled"]
    first = next(row for row in rows if row[1] == "Course 1")
    assert first[2:9] == ["5", "1", "1", "3", "75.0", "85.0", "2.0"]
    rows = read_csv(client.get(f"/t/{p.tenant.slug}/enablement/reports/export.csv?view=partners"))
    assert rows[0][-1] == "Certified people"
    fabrikam = next(row for row in rows if row[1] == "Fabrikam Integrators")
    assert fabrikam[-1] == "1"


def test_a_partner_name_that_looks_like_a_formula_is_exported_as_text(client, world):
    p = world["p"]
    sneaky = PartnerOrganizationFactory(tenant=p.tenant, name='=HYPERLINK("http://evil")')
    enroll(p, world["course"], PartnerUserFactory(tenant=p.tenant, partner_organization=sneaky), "enrolled")
    login(client, p.admin)
    rows = read_csv(client.get(f"/t/{p.tenant.slug}/enablement/reports/export.csv?view=partners"))
    assert any(row[1].startswith("'=HYPERLINK") for row in rows)


def test_the_reports_run_a_constant_number_of_queries(client, world):
    p = world["p"]
    login(client, p.admin)
    urls = [
        f"/t/{p.tenant.slug}/enablement/reports/",
        f"/t/{p.tenant.slug}/enablement/reports/?view=partners",
        f"/t/{p.tenant.slug}/enablement/reports/export.csv?view=courses",
        f"/t/{p.tenant.slug}/enablement/reports/export.csv?view=partners",
    ]
    before = {url: queries_for(client, url) for url in urls}
    for n in range(3):
        organization = PartnerOrganizationFactory(tenant=p.tenant, name=f"Partner {n}")
        course = CourseFactory(tenant=p.tenant, title=f"Extra course {n}")
        person = PartnerUserFactory(tenant=p.tenant, partner_organization=organization)
        enroll(p, course, person, EnrollmentStatus.COMPLETED, days=3, score=Decimal("70"))
        certify(p, person)
    assert {url: queries_for(client, url) for url in urls} == before
