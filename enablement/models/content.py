"""Courses and what they are made of.

A course is an identity (its audience, its place in the catalogue); its content lives in numbered versions. Only a
draft version can be edited; publishing it makes it the course's current version, and a learner's enrollment stays
pinned to the version it started, so editing a published course (which copies it into a new draft) never changes
what someone in progress is taking.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from prm.tenancy import TenantOwnedModel


def _codes():
    return ArrayField(models.CharField(max_length=32), default=list, blank=True)


class Audience(models.Model):
    """Who a course or learning path is for; an empty list means everyone. Partner types and roles are codes
    (`partners.PartnerType` or a tenant's own type, `prm.roles.Role`), tiers and regions the partner's values."""

    audience_partner_types = _codes()
    audience_tiers = _codes()
    audience_regions = _codes()
    audience_roles = _codes()

    class Meta:
        abstract = True


class Course(Audience, TenantOwnedModel):
    title = models.CharField(_("title"), max_length=200)
    # The version partners are offered; None until the first version is published.
    current_version = models.ForeignKey(
        "enablement.CourseVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    archived = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["tenant", "title"], name="course_tenant_title")]

    def __str__(self):
        return self.title


class CourseVersionStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("course version status", "Draft")
    PUBLISHED = "published", pgettext_lazy("course version status", "Published")
    # Replaced by a newer published version: learners pinned to it finish it, nobody new starts it.
    RETIRED = "retired", pgettext_lazy("course version status", "Retired")


class CourseVersion(TenantOwnedModel):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=CourseVersionStatus.choices, default=CourseVersionStatus.DRAFT)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    estimated_minutes = models.PositiveIntegerField(_("estimated minutes"), default=30)
    # The grading policy is data: the weighted score of the graded lessons (Lesson.weight) must reach this.
    passing_grade = models.PositiveSmallIntegerField(
        _("passing grade (%)"), default=80, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("course version")
        ordering = ["course", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "course", "number"], name="course_version_number_unique"),
            # At most one draft per course: an edit continues it.
            models.UniqueConstraint(
                fields=["tenant", "course"], condition=models.Q(status="draft"), name="course_version_one_draft"
            ),
            models.CheckConstraint(condition=models.Q(passing_grade__lte=100), name="course_version_passing_grade"),
        ]

    def __str__(self):
        return f"{self.title} v{self.number}"


class CourseModule(TenantOwnedModel):
    version = models.ForeignKey(CourseVersion, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("module")
        ordering = ["version", "position", "id"]

    def __str__(self):
        return self.title


class LessonKind(models.TextChoices):
    TEXT = "text", _("Text")
    VIDEO = "video", _("Video")
    FILE = "file", _("Downloadable file")
    QUIZ = "quiz", _("Quiz")
    SCORM = "scorm", _("SCORM package")


class LessonFile(TenantOwnedModel):
    """A downloadable file of a lesson: private storage, served only through an authorized view; its type was
    checked by its content when uploaded."""

    file = models.FileField(upload_to="enablement/files/%Y/%m/")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lesson file")

    def __str__(self):
        return self.name


class Lesson(TenantOwnedModel):
    module = models.ForeignKey(CourseModule, on_delete=models.CASCADE, related_name="lessons")
    # The same lesson across versions (a copy keeps it), so a learner moving to a new version can keep what is done.
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=LessonKind.choices)
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveIntegerField(default=0)
    required = models.BooleanField(_("required"), default=True)
    # Weight of this lesson's score in the course grade (quizzes and scored SCORM packages); 0 leaves it out.
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=1)
    estimated_minutes = models.PositiveIntegerField(_("estimated minutes"), default=5)
    # text: Markdown as written; body_html is it rendered and sanitised once, when saved.
    body = models.TextField(_("text"), blank=True)
    body_html = models.TextField(blank=True, editable=False)
    # video: an embed URL from the allowed hosts (settings.ENABLEMENT_VIDEO_HOSTS).
    video_url = models.URLField(_("video address"), blank=True)
    file = models.ForeignKey(LessonFile, on_delete=models.PROTECT, null=True, blank=True, related_name="lessons")
    quiz = models.ForeignKey("enablement.Quiz", on_delete=models.PROTECT, null=True, blank=True, related_name="lessons")
    scorm_package = models.ForeignKey(
        "enablement.ScormPackage", on_delete=models.PROTECT, null=True, blank=True, related_name="lessons"
    )

    class Meta:
        verbose_name = _("lesson")
        ordering = ["module", "position", "id"]
        indexes = [models.Index(fields=["tenant", "key"], name="lesson_tenant_key")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="file", file__isnull=False)
                    | models.Q(kind="quiz", quiz__isnull=False)
                    | models.Q(kind="scorm", scorm_package__isnull=False)
                    | models.Q(kind__in=["text", "video"])
                ),
                name="lesson_kind_has_content",
            ),
        ]

    def __str__(self):
        return self.title
