"""Importing a SCORM package: from the authoring page, the API (multipart upload) and `manage.py import_scorm`.

The zip is checked entry by entry and its manifest parsed before anything is written (enablement.scorm.archive,
enablement.scorm.manifest); then its files go to private storage under the tenant and the package's own key, and
the package, its items and — when a module is given — the SCORM lesson are created in one transaction. If anything
fails on the way, the files already written are removed again: a refused package leaves no row and no file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from enablement.models import CourseModule, CourseVersionStatus, Lesson, LessonKind, ScormPackage, ScormSco
from enablement.scorm import archive as archives
from enablement.scorm import manifest as manifests
from enablement.services import authoring
from prm import policy
from prm.cleaning import clean_text
from prm.errors import ValidationFailed
from prm.policy import Actor


@dataclass(frozen=True)
class ImportResult:
    package: ScormPackage
    lesson: Lesson | None


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _check_module(module: CourseModule | None) -> None:
    if module is not None and module.version.status != CourseVersionStatus.DRAFT:
        raise ValidationFailed(
            _("Lessons are added to a draft version of a course: this module's version is published."), field="module"
        )


def scorm_package_import(
    *,
    actor: Actor,
    upload,
    title: str = "",
    module: CourseModule | None = None,
    lesson_title: str = "",
) -> ImportResult:
    """Import a SCORM 1.2 or 2004 zip, and add it as a lesson at the end of `module` (a draft version's) when
    given. Refuses, naming the field and storing nothing: a file that is not a safe zip within the limits, a zip
    without imsmanifest.xml at its root, a manifest that does not parse or launches nothing that is in the zip."""
    policy.require(actor, "courses.manage")
    if upload is None:
        raise ValidationFailed(_("Choose a SCORM package (a .zip file) to upload."), field="package")
    title = clean_text(title, field="title", max_length=200)
    lesson_title = clean_text(lesson_title, field="lesson_title", max_length=200)
    _check_module(module)
    archive = archives.open_archive(upload)
    try:
        manifest = manifests.parse(archive)
        package = ScormPackage(
            title=title or manifest.title,
            scorm_version=manifest.version,
            schema_version=manifest.schema_version,
            manifest=manifest.as_json(),
            size_bytes=archive.total_bytes,
            file_count=len(archive.files),
            sha256=_sha256(upload),
            uploaded_by=actor.user,
        )
        prefix = archives.storage_prefix(actor.tenant_id, package.storage_key)
        written: list[str] = []
        try:
            with transaction.atomic():
                archives.unpack_to_storage(archive, prefix, written)
                package.save()
                ScormSco.objects.bulk_create(
                    ScormSco(
                        package=package,
                        identifier=item.identifier,
                        title=item.title,
                        launch_path=item.launch_path,
                        position=position,
                        parent_identifier=parent,
                        mastery_score=_mastery(item.settings.get("mastery_score"), manifest.version),
                        sequencing={"scorm_type": item.scorm_type, "visible": item.visible, **item.settings},
                    )
                    for position, (item, parent) in enumerate(manifest.launchable(), start=1)
                )
                lesson = None
                if module is not None:
                    lesson = _add_lesson(
                        actor=actor, module=module, package=package, title=lesson_title or package.title
                    )
        except BaseException:
            archives.delete_stored(prefix, written)
            raise
    finally:
        archive.zip.close()
    return ImportResult(package=package, lesson=lesson)


def _mastery(value: str | None, version: str) -> Decimal | None:
    # The column keeps two decimals for display (1.2: 0-100, 2004: -1..1); the exact value stays in `sequencing`.
    if value is None:
        return None
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _add_lesson(*, actor: Actor, module: CourseModule, package: ScormPackage, title: str) -> Lesson:
    # The course editor's own use case: the lesson goes last in the draft's module, weighted like any graded lesson.
    return authoring.lesson_create(
        actor=actor,
        module=module,
        kind=LessonKind.SCORM,
        data=authoring.LessonInput(title=title[:200], estimated_minutes=15),
        scorm_package=package,
    )


def scorm_course_import(*, actor: Actor, upload, course_title: str, title: str = "") -> ImportResult:
    """`import_scorm --course`: a new course (a draft first version with one module) whose one lesson is the
    package. The course stays a draft until staff publish it from the authoring pages."""
    policy.require(actor, "courses.manage")
    with transaction.atomic():
        try:
            course = authoring.course_create(actor=actor, details=authoring.CourseDetails(title=course_title))
        except ValidationFailed as error:
            raise ValidationFailed(error.message, field="course") from error
        module = CourseModule.objects.filter(version__course=course).select_related("version").get()
        return scorm_package_import(actor=actor, upload=upload, title=title, module=module)
