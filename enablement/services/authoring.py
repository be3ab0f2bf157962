"""Writing courses: a course, its versions, modules and lessons.

A course's content lives in numbered versions. Only a draft is edited. A course starts as draft version 1; publishing
a draft makes it the course's current version (the one new learners start) and retires the version published before
it. Editing a published course first copies its current version into a new draft — modules and lessons, each lesson
keeping its `key` — so the published version never changes under the learners taking it: an enrollment stays pinned
to its version, and a retired version is still there for everyone who started it.

Every use case here checks `courses.manage`, works on the draft (locked, so two authors' edits queue up rather than
interleave) and refuses, naming the field, input that breaks a rule: nothing is stored then, not even an uploaded file.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from enablement.declarations import COURSE_PUBLISHED
from enablement.models import (
    Course,
    CourseModule,
    CourseVersion,
    CourseVersionStatus,
    Lesson,
    LessonKind,
    ScormPackage,
)
from enablement.selectors.authoring import audience_values
from enablement.services import cleaning
from enablement.services.files import discard, lesson_file_store
from enablement.services.markdown import render_lesson_markdown
from enablement.services.ordering import move, reorder
from enablement.services.quizzes import new_quiz
from enablement.services.video import video_embed_url
from partners.selectors.program_settings import program_language
from prm import policy
from prm.errors import InvalidTransition, ValidationFailed
from prm.events import record_event
from prm.policy import Actor

ACTION = "courses.manage"


def _user(actor: Actor):
    return getattr(actor, "user", None)


# Courses and versions ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseDetails:
    """What a version says about its course: title, summary, estimated minutes and the passing grade."""

    title: str
    summary: str = ""
    estimated_minutes: int | None = 30
    passing_grade: int | None = 80

    def cleaned(self) -> dict:
        return {
            "title": cleaning.clean_title(self.title, required=_("Give the course a title.")),
            "summary": cleaning.clean_long_text(self.summary, field="summary"),
            "estimated_minutes": cleaning.clean_minutes(self.estimated_minutes),
            "passing_grade": cleaning.clean_passing_grade(self.passing_grade),
        }


def _audience(**values) -> dict:
    known = audience_values()
    return cleaning.clean_audience(**values, known_tiers=known["tiers"], known_regions=known["regions"])


@transaction.atomic
def course_create(
    *,
    actor: Actor,
    details: CourseDetails,
    partner_types=(),
    tiers=(),
    regions=(),
    roles=(),
) -> Course:
    """A new course: its audience (empty lists: every partner) and draft version 1 with a first, empty module."""
    policy.require(actor, ACTION)
    fields = details.cleaned()
    audience = _audience(partner_types=partner_types, tiers=tiers, regions=regions, roles=roles)
    course = Course.objects.create(title=fields["title"], created_by=_user(actor), **audience)
    version = CourseVersion.objects.create(course=course, number=1, **fields)
    with program_language():
        CourseModule.objects.create(version=version, title=_("Module %(number)s") % {"number": 1}, position=1)
    return course


def _locked_course(course: Course) -> Course:
    return Course.objects.select_for_update().get(pk=course.pk)


def _draft(course: Course, *, lock_course: bool = True) -> CourseVersion:
    """The course's draft, locked; refused when there is none (the published version is never edited)."""
    if lock_course:
        _locked_course(course)
    draft = CourseVersion.objects.select_for_update().filter(course=course, status=CourseVersionStatus.DRAFT).first()
    if draft is None:
        raise InvalidTransition(
            _("The published version cannot be changed: start a new draft to edit the course."), field=None
        )
    return draft


@transaction.atomic
def course_details_update(*, actor: Actor, course: Course, details: CourseDetails) -> CourseVersion:
    """Change the draft's title, summary, estimated minutes or passing grade. A course never published shows the
    new title at once; a published one when the draft is published."""
    policy.require(actor, ACTION, course)
    draft = _draft(course)
    fields = details.cleaned()
    for name, value in fields.items():
        setattr(draft, name, value)
    draft.save(update_fields=[*fields, "updated_at"])
    if course.current_version_id is None:
        Course.objects.filter(pk=course.pk).update(title=fields["title"], updated_at=timezone.now())
    return draft


@transaction.atomic
def course_audience_update(*, actor: Actor, course: Course, partner_types=(), tiers=(), regions=(), roles=()) -> Course:
    """Who the course is for: partner types, tiers, regions and partner roles (empty: everyone). The audience is the
    course's, not a version's, so it applies at once."""
    policy.require(actor, ACTION, course)
    course = _locked_course(course)
    audience = _audience(partner_types=partner_types, tiers=tiers, regions=regions, roles=roles)
    for name, value in audience.items():
        setattr(course, name, value)
    course.save(update_fields=[*audience, "updated_at"])
    return course


@transaction.atomic
def course_archive(*, actor: Actor, course: Course, archived: bool) -> Course:
    """Take a course out of the catalogue (or back): learners in progress keep taking it."""
    policy.require(actor, ACTION, course)
    course = _locked_course(course)
    course.archived = bool(archived)
    course.save(update_fields=["archived", "updated_at"])
    return course


def _copy_content(source: CourseVersion, target: CourseVersion) -> None:
    """Copy modules and lessons (each lesson keeping its key, file, quiz and package) with two inserts."""
    modules = list(source.modules.order_by("position", "id"))
    copies = CourseModule.objects.bulk_create(
        [CourseModule(tenant_id=m.tenant_id, version=target, title=m.title, position=m.position) for m in modules]
    )
    new_module = {old.pk: new for old, new in zip(modules, copies, strict=True)}
    copied_fields = [
        "key", "kind", "title", "position", "required", "weight", "estimated_minutes", "body", "body_html",
        "video_url", "file_id", "quiz_id", "scorm_package_id",
    ]  # fmt: skip
    lessons = Lesson.objects.filter(module__version=source).order_by("module_id", "position", "id")
    Lesson.objects.bulk_create(
        [
            Lesson(
                tenant_id=lesson.tenant_id,
                module=new_module[lesson.module_id],
                **{name: getattr(lesson, name) for name in copied_fields},
            )
            for lesson in lessons
        ]
    )


@transaction.atomic
def course_draft_create(*, actor: Actor, course: Course) -> CourseVersion:
    """Start editing a published course: copy its current version into a new draft (the next number). When a draft
    exists already, that is the one to edit (a double click makes one draft)."""
    policy.require(actor, ACTION, course)
    course = _locked_course(course)
    existing = CourseVersion.objects.filter(course=course, status=CourseVersionStatus.DRAFT).first()
    if existing is not None:
        return existing
    current = course.current_version
    if current is None:
        raise InvalidTransition(_("This course has no published version to copy."), field=None)
    number = (CourseVersion.objects.filter(course=course).aggregate(n=Max("number"))["n"] or 0) + 1
    draft = CourseVersion.objects.create(
        course=course,
        number=number,
        title=current.title,
        summary=current.summary,
        estimated_minutes=current.estimated_minutes,
        passing_grade=current.passing_grade,
    )
    _copy_content(current, draft)
    return draft


@transaction.atomic
def course_draft_discard(*, actor: Actor, course: Course) -> None:
    """Throw a draft away and keep the published version. A course never published has only its draft: refused."""
    policy.require(actor, ACTION, course)
    draft = _draft(course)
    if course.current_version_id is None:
        raise InvalidTransition(_("This is the course's only version: it cannot be discarded."), field=None)
    try:
        with transaction.atomic():
            draft.delete()
    except ProtectedError as exc:  # someone's results point at the draft's lessons (never through the pages)
        raise InvalidTransition(_("Learners have results in this draft: it cannot be discarded."), field=None) from exc


@transaction.atomic
def course_publish(*, actor: Actor, course: Course) -> CourseVersion:
    """Publish the draft: it becomes the version new learners start, the version published before it is retired
    (learners in progress finish theirs), and `course.published` is recorded. A draft without lessons is refused."""
    policy.require(actor, ACTION, course)
    course = _locked_course(course)
    draft = _draft(course, lock_course=False)
    if not Lesson.objects.filter(module__version=draft).exists():
        raise ValidationFailed(_("Add at least one lesson before publishing the course."), field=None)
    now = timezone.now()
    previous = course.current_version_id
    if previous is not None:
        CourseVersion.objects.filter(pk=previous).update(status=CourseVersionStatus.RETIRED, updated_at=now)
    draft.status = CourseVersionStatus.PUBLISHED
    draft.published_at = now
    draft.published_by = _user(actor)
    draft.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    course.current_version = draft
    course.title = draft.title
    course.save(update_fields=["current_version", "title", "updated_at"])
    record_event(
        COURSE_PUBLISHED,
        subject=course,
        payload={
            "course_id": course.pk,
            "course_version": draft.number,
            "title": draft.title,
            "previous_version": previous and CourseVersion.objects.get(pk=previous).number,
        },
        actor=actor,
    )
    return draft


# Modules -------------------------------------------------------------------------------------------------------


def _modules(draft: CourseVersion) -> list[CourseModule]:
    return list(CourseModule.objects.filter(version=draft).order_by("position", "id"))


def _draft_of_module(module: CourseModule) -> CourseVersion:
    return _draft(module.version.course)


def _check_in_draft(version_id: int, draft: CourseVersion) -> None:
    if version_id != draft.pk:
        raise InvalidTransition(
            _("This belongs to a published version, which cannot be changed: edit the draft."), field=None
        )


@transaction.atomic
def module_add(*, actor: Actor, course: Course, title: str) -> CourseModule:
    """A module at the end of the draft."""
    policy.require(actor, ACTION, course)
    draft = _draft(course)
    title = cleaning.clean_title(title, required=_("Give the module a title."))
    last = CourseModule.objects.filter(version=draft).aggregate(n=Max("position"))["n"] or 0
    return CourseModule.objects.create(version=draft, title=title, position=last + 1)


@transaction.atomic
def module_update(*, actor: Actor, module: CourseModule, title: str) -> CourseModule:
    policy.require(actor, ACTION, module)
    _check_in_draft(module.version_id, _draft_of_module(module))
    module.title = cleaning.clean_title(title, required=_("Give the module a title."))
    module.save(update_fields=["title", "updated_at"])
    return module


@transaction.atomic
def module_delete(*, actor: Actor, module: CourseModule) -> None:
    """Remove a module and its lessons from the draft."""
    policy.require(actor, ACTION, module)
    _check_in_draft(module.version_id, _draft_of_module(module))
    module.delete()


@transaction.atomic
def module_move(*, actor: Actor, module: CourseModule, direction: str) -> None:
    """Swap a module with the one before (up) or after it (down): the keyboard's way to reorder."""
    policy.require(actor, ACTION, module)
    draft = _draft_of_module(module)
    _check_in_draft(module.version_id, draft)
    move(_modules(draft), module, direction)


@transaction.atomic
def modules_reorder(*, actor: Actor, course: Course, module_ids) -> None:
    """Put the draft's modules in this order (a drag and drop): each module named once."""
    policy.require(actor, ACTION, course)
    reorder(_modules(_draft(course)), module_ids, field="module")


# Lessons -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonInput:
    """What an author sets on a lesson; which of `body`, `video_url`, `upload` and `quiz_title` counts depends on
    the kind."""

    title: str
    required: bool = True
    weight: Decimal | str | None = None
    estimated_minutes: int | str | None = None
    body: str = ""
    video_url: str = ""
    upload: object = None
    quiz_title: str = ""


def _lessons(module: CourseModule) -> list[Lesson]:
    return list(Lesson.objects.filter(module=module).order_by("position", "id"))


def _common_fields(data: LessonInput, kind: str) -> dict:
    graded = kind in (LessonKind.QUIZ, LessonKind.SCORM)
    return {
        "title": cleaning.clean_title(data.title, required=_("Give the lesson a title.")),
        "required": bool(data.required),
        # Only quizzes and SCORM packages have a score to weigh; other kinds count by being done.
        "weight": cleaning.clean_weight(data.weight) if graded else Decimal(1),
        "estimated_minutes": cleaning.clean_minutes(data.estimated_minutes, default=5),
    }


def _content_fields(kind: str, data: LessonInput, *, current: Lesson | None = None) -> dict:
    """The kind's own content, checked (the file is checked here and stored by the caller, last)."""
    if kind == LessonKind.TEXT:
        body = cleaning.clean_long_text(data.body, field="body", max_length=cleaning.MAX_BODY)
        if not body:
            raise ValidationFailed(_("Write the lesson's text."), field="body")
        return {"body": body, "body_html": render_lesson_markdown(body, field="body")}
    if kind == LessonKind.VIDEO:
        return {"video_url": video_embed_url(data.video_url, field="video_url")}
    if kind == LessonKind.FILE:
        if data.upload is None and (current is None or current.file_id is None):
            raise ValidationFailed(_("Choose a file to upload."), field="file")
        return {}
    if kind == LessonKind.QUIZ:
        title = cleaning.clean_title(data.quiz_title or data.title, field="quiz_title")
        return {"quiz_title": title}
    return {}


@transaction.atomic
def lesson_create(
    *,
    actor: Actor,
    module: CourseModule,
    kind: str,
    data: LessonInput,
    scorm_package: ScormPackage | None = None,
) -> Lesson:
    """A lesson at the end of a draft's module. Text is rendered and sanitised now; a video address becomes its
    player's; a file is checked by its content and stored privately; a quiz lesson gets a new quiz (its questions are
    written on the quiz page); a SCORM lesson names a package already imported."""
    policy.require(actor, ACTION, module)
    _check_in_draft(module.version_id, _draft_of_module(module))
    if kind not in LessonKind.values:
        raise ValidationFailed(_("Choose a kind of lesson."), field="kind")
    fields = _common_fields(data, kind)
    content = _content_fields(kind, data)
    if kind == LessonKind.SCORM and scorm_package is None:
        raise ValidationFailed(_("Import the SCORM package first."), field="scorm_package")
    if kind == LessonKind.QUIZ:
        content = {"quiz": new_quiz(title=content["quiz_title"])}
    elif kind == LessonKind.SCORM:
        content = {"scorm_package": scorm_package}
    last = Lesson.objects.filter(module=module).aggregate(n=Max("position"))["n"] or 0
    lesson = Lesson(module=module, kind=kind, position=last + 1, **fields, **content)
    stored = None
    if kind == LessonKind.FILE:
        stored = lesson.file = lesson_file_store(upload=data.upload, uploaded_by=_user(actor))
    return _save_or_discard(lesson, stored)


def _save_or_discard(lesson: Lesson, stored) -> Lesson:
    try:
        lesson.save()
    except BaseException:
        # The row is not written (the transaction rolls back): neither is the file it would have offered.
        discard(stored)
        raise
    return lesson


@transaction.atomic
def lesson_update(*, actor: Actor, lesson: Lesson, data: LessonInput, module: CourseModule | None = None) -> Lesson:
    """Change a draft's lesson (its kind stays). A new file replaces the old one for this version only (an earlier
    version keeps offering the file it had). `module` moves the lesson to the end of another module of the draft."""
    policy.require(actor, ACTION, lesson)
    lesson = Lesson.objects.select_related("module__version__course").get(pk=lesson.pk)
    draft = _draft(lesson.module.version.course)
    _check_in_draft(lesson.module.version_id, draft)
    fields = _common_fields(data, lesson.kind)
    content = _content_fields(lesson.kind, data, current=lesson)
    if lesson.kind == LessonKind.QUIZ:
        content = {}
    if module is not None and module.pk != lesson.module_id:
        _check_in_draft(module.version_id, draft)
        last = Lesson.objects.filter(module=module).aggregate(n=Max("position"))["n"] or 0
        fields |= {"module": module, "position": last + 1}
    for name, value in (fields | content).items():
        setattr(lesson, name, value)
    stored = None
    if lesson.kind == LessonKind.FILE and data.upload is not None:
        stored = lesson.file = lesson_file_store(upload=data.upload, uploaded_by=_user(actor))
    return _save_or_discard(lesson, stored)


@transaction.atomic
def lesson_delete(*, actor: Actor, lesson: Lesson) -> None:
    """Remove a lesson from the draft (its file, quiz or package stays for the versions that have it)."""
    policy.require(actor, ACTION, lesson)
    _check_in_draft(lesson.module.version_id, _draft(lesson.module.version.course))
    try:
        with transaction.atomic():
            lesson.delete()
    except (
        IntegrityError,
        ProtectedError,
    ) as exc:  # progress recorded against a draft's lesson (a preview never records any)
        raise InvalidTransition(_("Learners have results for this lesson: it cannot be removed."), field=None) from exc


@transaction.atomic
def lesson_move(*, actor: Actor, lesson: Lesson, direction: str) -> None:
    """Swap a lesson with the one before (up) or after it (down) in its module."""
    policy.require(actor, ACTION, lesson)
    _check_in_draft(lesson.module.version_id, _draft(lesson.module.version.course))
    move(_lessons(lesson.module), lesson, direction)


@transaction.atomic
def lessons_reorder(*, actor: Actor, module: CourseModule, lesson_ids) -> None:
    """Put a module's lessons in this order (a drag and drop): each lesson of the module named once."""
    policy.require(actor, ACTION, module)
    _check_in_draft(module.version_id, _draft_of_module(module))
    reorder(_lessons(module), lesson_ids, field="lesson")


def lesson_counts(*, version: CourseVersion) -> dict[str, int]:
    """How many lessons of each kind a version has."""
    rows = Lesson.objects.filter(module__version=version).values("kind").annotate(n=Count("id")).order_by()
    return {row["kind"]: row["n"] for row in rows}
