"""Writing learning paths: ordered courses for an audience (partner types, tiers, regions, partner roles), such as
"New SI sales: the platform, then selling services, then the certification course".

A path is offered to partners once published; a published path needs at least one course. The learner's side reads
paths to show progress and the recommended next course.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from enablement.models import Course, LearningPath, LearningPathCourse
from enablement.selectors.authoring import audience_values
from enablement.services import cleaning
from enablement.services.ordering import move, reorder
from prm import policy
from prm.errors import ValidationFailed
from prm.policy import Actor

ACTION = "courses.manage"
MAX_COURSES = 50


@dataclass(frozen=True)
class PathInput:
    title: str
    description: str = ""
    partner_types: list | tuple = ()
    tiers: list | tuple | str = ()
    regions: list | tuple | str = ()
    roles: list | tuple = ()
    published: bool = False


def _cleaned(data: PathInput) -> dict:
    known = audience_values()
    return {
        "title": cleaning.clean_title(data.title, required=_("Give the learning path a title.")),
        "description": cleaning.clean_long_text(data.description, field="description"),
        **cleaning.clean_audience(
            partner_types=data.partner_types,
            tiers=data.tiers,
            regions=data.regions,
            roles=data.roles,
            known_tiers=known["tiers"],
            known_regions=known["regions"],
        ),
        "published": bool(data.published),
    }


def _steps(path: LearningPath) -> list[LearningPathCourse]:
    return list(LearningPathCourse.objects.filter(path=path).order_by("position", "id"))


def _check_publishable(path: LearningPath, published: bool) -> None:
    if published and not LearningPathCourse.objects.filter(path=path).exists():
        raise ValidationFailed(_("Add a course to the path before publishing it."), field="published")


@transaction.atomic
def learning_path_create(*, actor: Actor, data: PathInput) -> LearningPath:
    """A new path; it has no course yet, so it starts unpublished whatever was asked."""
    policy.require(actor, ACTION)
    fields = _cleaned(data)
    if fields["published"]:
        raise ValidationFailed(_("Add a course to the path before publishing it."), field="published")
    return LearningPath.objects.create(**fields)


@transaction.atomic
def learning_path_update(*, actor: Actor, path: LearningPath, data: PathInput) -> LearningPath:
    policy.require(actor, ACTION, path)
    path = LearningPath.objects.select_for_update().get(pk=path.pk)
    fields = _cleaned(data)
    _check_publishable(path, fields["published"])
    for name, value in fields.items():
        setattr(path, name, value)
    path.save(update_fields=[*fields, "updated_at"])
    return path


@transaction.atomic
def learning_path_course_add(*, actor: Actor, path: LearningPath, course: Course | None) -> LearningPathCourse:
    """A course at the end of the path; each course once."""
    policy.require(actor, ACTION, path)
    path = LearningPath.objects.select_for_update().get(pk=path.pk)
    if course is None:
        raise ValidationFailed(_("Choose a course to add."), field="course")
    if course.archived:
        raise ValidationFailed(_("This course is archived: choose another one."), field="course")
    steps = _steps(path)
    if any(step.course_id == course.pk for step in steps):
        raise ValidationFailed(_("This course is already on the path."), field="course")
    if len(steps) >= MAX_COURSES:
        raise ValidationFailed(_("A path holds at most %(limit)s courses.") % {"limit": MAX_COURSES}, field="course")
    last = LearningPathCourse.objects.filter(path=path).aggregate(n=Max("position"))["n"] or 0
    try:
        with transaction.atomic():
            return LearningPathCourse.objects.create(path=path, course=course, position=last + 1)
    except IntegrityError as exc:
        raise ValidationFailed(_("This course is already on the path."), field="course") from exc


@transaction.atomic
def learning_path_course_remove(*, actor: Actor, step: LearningPathCourse) -> None:
    """Take a course off the path; a published path keeps at least one."""
    policy.require(actor, ACTION, step)
    path = LearningPath.objects.select_for_update().get(pk=step.path_id)
    if path.published and LearningPathCourse.objects.filter(path=path).count() <= 1:
        raise ValidationFailed(
            _("A published path needs a course: unpublish it first, or add another course."), field=None
        )
    step.delete()


@transaction.atomic
def learning_path_course_move(*, actor: Actor, step: LearningPathCourse, direction: str) -> None:
    policy.require(actor, ACTION, step)
    path = LearningPath.objects.select_for_update().get(pk=step.path_id)
    move(_steps(path), step, direction)


@transaction.atomic
def learning_path_courses_reorder(*, actor: Actor, path: LearningPath, step_ids) -> None:
    """Put the path's courses in this order (a drag and drop): each step named once."""
    policy.require(actor, ACTION, path)
    path = LearningPath.objects.select_for_update().get(pk=path.pk)
    reorder(_steps(path), step_ids, field="step")
