"""A lesson's file is stored privately and served only through `lesson_file_download`: to the course's authors and to
learners enrolled in a version that has the lesson, as an attachment that the browser will not sniff."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from enablement.models import EnrollmentStatus, LessonFile
from enablement.services import authoring
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.enablement.authoring_factories import PDF, add_file, author_of, draft_course, first_module_of
from tests.enablement.factories import EnrollmentFactory
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory, TenantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(tenant):
    return author_of(tenant)


@pytest.fixture
def course_with_file(tenant, author):
    course = draft_course(author)
    lesson = add_file(author, first_module_of(course), title="Battle card")
    with tenant_context(tenant):
        authoring.course_publish(actor=author, course=course)
        course.refresh_from_db()
        version = course.current_version
    return course, version, lesson


def download(client, membership, lesson, slug="acme"):
    login(client, membership)
    return client.get(reverse("lesson_file_download", args=[slug, lesson.pk]))


def test_the_file_is_stored_under_a_name_the_server_made_up_outside_the_static_files(tenant, course_with_file):
    _course, _version, lesson = course_with_file
    with tenant_context(tenant):
        stored = LessonFile.objects.get(pk=lesson.file_id)
    assert stored.name == "battle-card.pdf" and stored.content_type == "application/pdf" and stored.size == len(PDF)
    assert "battle-card" not in stored.file.name and f"/{tenant.pk}/" in stored.file.name
    location = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    assert (location / stored.file.name).read_bytes() == PDF
    assert not str(location).startswith(str(settings.STATIC_ROOT))


def test_an_author_downloads_the_file_as_an_attachment_that_is_not_sniffed(client, author, course_with_file):
    response = download(client, author, course_with_file[2])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "battle-card.pdf" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_enrolled_learner_downloads_it_and_others_get_404(client, tenant, course_with_file):
    course, version, lesson = course_with_file
    partner = PartnerOrganizationFactory(tenant=tenant)
    learner = PartnerUserFactory(tenant=tenant, partner_organization=partner, role=Role.PARTNER_SALES)
    colleague = PartnerUserFactory(tenant=tenant, partner_organization=partner, role=Role.PARTNER_SALES)
    enrollment = EnrollmentFactory(tenant=tenant, course=course, course_version=version, membership=learner)
    assert download(client, learner, lesson).status_code == 200
    assert download(client, colleague, lesson).status_code == 404
    # Staff who do not write courses do not get it either.
    assert download(client, StaffFactory(tenant=tenant, role=Role.FINANCE), lesson).status_code == 404
    with tenant_context(tenant):
        type(enrollment).objects.filter(pk=enrollment.pk).update(status=EnrollmentStatus.WITHDRAWN)
    assert download(client, learner, lesson).status_code == 404


def test_a_learner_of_another_version_gets_404_for_that_versions_file(client, tenant, author, course_with_file):
    course, version, v1_lesson = course_with_file
    partner = PartnerOrganizationFactory(tenant=tenant)
    learner = PartnerUserFactory(tenant=tenant, partner_organization=partner)
    EnrollmentFactory(tenant=tenant, course=course, course_version=version, membership=learner)
    with tenant_context(tenant):
        draft = authoring.course_draft_create(actor=author, course=course)
        draftv1_lesson = draft.modules.get().lessons.get()
    # The draft's lesson shares the file, but the learner takes version 1: only that version's lesson opens.
    assert draftv1_lesson.file_id == v1_lesson.file_id
    assert download(client, learner, draftv1_lesson).status_code == 404
    assert download(client, learner, v1_lesson).status_code == 200


def test_another_tenant_gets_404(client, course_with_file):
    other = TenantFactory(slug="globex")
    stranger = author_of(other)
    assert download(client, stranger, course_with_file[2], slug="globex").status_code == 404
    assert download(client, stranger, course_with_file[2]).status_code == 404
