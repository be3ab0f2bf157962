"""The isolation world's SCORM objects: tenant A's package (imported the real way, its files in private storage) in
a published course, X's partner admin (xavier@xylophone.example) enrolled and part way through it, with CMI data
that carries X's marker; and B's own package titled with B's marker (A's authors must never see it listed). The
import page is sent world_authoring's modules.

The player and the commit endpoint are the learner's own: X's partner admin gets them; X's other people, Y's and
B's get 404. The package's files are reached with a content token (a bearer link, like an invitation): whoever holds
one gets the file, anyone under another program's address a 404.
"""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from enablement.scorm import tokens

# URL parameter -> the object's id (the routes' own `kwargs` in pages.py pin them to these objects; `lesson_id` is
# world_authoring's, and the SCORM routes name the SCORM lesson in their `kwargs`).
OBJECT_KWARGS = {
    "package_id": lambda w: w.scorm_package_a.pk,
    "enrollment_id": lambda w: w.scorm_enrollment_x.pk,
    "commit_token": lambda w: commit_token(w),
    "content_token": lambda w: content_token(w),
    "file_path": lambda w: "index.html",
}
API_OBJECTS = {"scorm-package": lambda w: w.scorm_package_a.pk}

MANIFEST = """<?xml version="1.0"?>
<manifest identifier="m" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schemaversion>1.2</schemaversion></metadata>
  <organizations default="o"><organization identifier="o"><title>{title}</title>
    <item identifier="i" identifierref="r"><title>{title}</title></item></organization></organizations>
  <resources><resource identifier="r" type="webcontent" adlcp:scormtype="sco" href="index.html"/></resources>
</manifest>"""


def package_zip(title: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("imsmanifest.xml", MANIFEST.format(title=title))
        archive.writestr("index.html", "<!doctype html><html><head><title>SCO</title></head><body>SCO</body></html>")
    return SimpleUploadedFile("package.zip", buffer.getvalue(), content_type="application/zip")


def commit_token(world) -> str:
    grant = tokens.CommitGrant(
        tenant=world.tenant_a.pk,
        enrollment=world.scorm_enrollment_x.pk,
        lesson=world.scorm_lesson_a.pk,
        sco=world.scorm_sco_a.pk,
        user=world.member_x.user_id,
    )
    return tokens.commit_token(grant)


def content_token(world) -> str:
    grant = tokens.ContentGrant(
        tenant=world.tenant_a.pk,
        package=world.scorm_package_a.pk,
        sco=world.scorm_sco_a.pk,
        enrollment=world.scorm_enrollment_x.pk,
        user=world.member_x.user_id,
        origin="http://testserver",
    )
    return tokens.content_token(grant)


def _draft_module(title: str):
    from enablement.models import Course, CourseModule, CourseVersion

    course = Course.objects.create(title=title)
    version = CourseVersion.objects.create(course=course, number=1, title=title)
    return CourseModule.objects.create(version=version, title=title, position=1)


def extend(world) -> None:
    """Create this area's objects (runs inside tenant A's context) and set them as attributes of the world."""
    from django.utils import timezone

    from enablement.models import CourseVersionStatus, Enrollment, ScormAttempt
    from enablement.services.scorm_import import scorm_package_import
    from prm.policy import ProgramActor
    from prm.tenancy import tenant_context

    module = _draft_module("Alpha Vendor SCORM course")
    result = scorm_package_import(
        actor=ProgramActor(world.tenant_a.pk), upload=package_zip("Alpha Vendor firewall basics"), module=module
    )
    version = module.version
    version.status, version.published_at = CourseVersionStatus.PUBLISHED, timezone.now()
    version.save(update_fields=["status", "published_at"])
    version.course.current_version = version
    version.course.save(update_fields=["current_version"])
    world.scorm_package_a, world.scorm_lesson_a = result.package, result.lesson
    world.scorm_sco_a = result.package.scos.get()
    world.scorm_enrollment_x = Enrollment.objects.create(
        course=version.course,
        course_version=version,
        user=world.member_x.user,
        partner_organization=world.org_x,
        enrolled_at=timezone.now(),
    )
    ScormAttempt.objects.create(
        sco=world.scorm_sco_a,
        enrollment=world.scorm_enrollment_x,
        lesson=world.scorm_lesson_a,
        user=world.member_x.user,
        partner_organization=world.org_x,
        cmi={"suspend_data": "Xylophone Secure progress", "core": {"lesson_status": "incomplete"}},
        completion_status="incomplete",
        commit_count=1,
    )
    with tenant_context(world.tenant_b):
        scorm_package_import(actor=ProgramActor(world.tenant_b.pk), upload=package_zip("Bravo Secret package"))
