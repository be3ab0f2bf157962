"""Who takes what: enrollments (pinned to a course version), progress per lesson, the rules that enroll people by
themselves, and learning paths."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enablement.models.content import Audience
from prm.tenancy import TenantOwnedModel


class EnrollmentSource(models.TextChoices):
    SELF = "self", _("Self-enrolled")
    ASSIGNED = "assigned", _("Assigned")
    RULE = "rule", _("By an enrollment rule")
    PATH = "path", _("From a learning path")


class EnrollmentStatus(models.TextChoices):
    ENROLLED = "enrolled", pgettext_lazy("enrollment status", "Not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("enrollment status", "In progress")
    COMPLETED = "completed", pgettext_lazy("enrollment status", "Completed")
    WITHDRAWN = "withdrawn", pgettext_lazy("enrollment status", "Withdrawn")


class Enrollment(TenantOwnedModel):
    course = models.ForeignKey("enablement.Course", on_delete=models.PROTECT, related_name="enrollments")
    # The version this learner takes, kept while they are in progress even when a newer one is published.
    course_version = models.ForeignKey("enablement.CourseVersion", on_delete=models.PROTECT, related_name="enrollments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    partner_organization = models.ForeignKey("partners.PartnerOrganization", on_delete=models.CASCADE, related_name="+")
    # Taking a completed course again (to renew a certification) starts the next cycle.
    cycle = models.PositiveSmallIntegerField(default=1)
    source = models.CharField(max_length=16, choices=EnrollmentSource.choices, default=EnrollmentSource.SELF)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rule = models.ForeignKey(
        "enablement.EnrollmentRule", on_delete=models.SET_NULL, null=True, blank=True, related_name="enrollments"
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(max_length=16, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ENROLLED)
    enrolled_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Where "Resume" goes.
    last_lesson = models.ForeignKey(
        "enablement.Lesson", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The weighted grade of the graded lessons (Lesson.weight), when the course has any.
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    # Days-before-due of the reminders already sent (so a rerun of the task sends none twice).
    reminders_sent = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True)

    class Meta:
        verbose_name = _("enrollment")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "course", "user", "cycle"], name="enrollment_cycle_unique"),
        ]
        indexes = [
            models.Index(fields=["tenant", "user", "status"], name="enrollment_user_status"),
            models.Index(fields=["tenant", "partner_organization", "status"], name="enrollment_org_status"),
            models.Index(fields=["tenant", "course", "status"], name="enrollment_course_status"),
            # The daily reminder pass reads only open enrollments with a due date.
            models.Index(
                fields=["tenant", "due_on"],
                name="enrollment_open_due",
                condition=models.Q(due_on__isnull=False, status__in=["enrolled", "in_progress"]),
            ),
        ]

    def is_open(self) -> bool:
        return self.status in (EnrollmentStatus.ENROLLED, EnrollmentStatus.IN_PROGRESS)


class LessonProgressStatus(models.TextChoices):
    STARTED = "started", pgettext_lazy("lesson progress", "Started")
    COMPLETED = "completed", pgettext_lazy("lesson progress", "Completed")
    # A graded lesson (quiz, scored SCORM) whose last result did not reach its passing score.
    FAILED = "failed", pgettext_lazy("lesson progress", "Not passed")


class LessonProgress(TenantOwnedModel):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey("enablement.Lesson", on_delete=models.PROTECT, related_name="progress")
    status = models.CharField(max_length=16, choices=LessonProgressStatus.choices, default=LessonProgressStatus.STARTED)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    started_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        constraints = [models.UniqueConstraint(fields=["tenant", "enrollment", "lesson"], name="lesson_progress_once")]


class EnrollmentRule(TenantOwnedModel):
    """Enrolls people by themselves: e.g. every new system integrator's sales people in a course, due in 30 days.
    Matches on the partner's type and the member's role (empty: any)."""

    course = models.ForeignKey("enablement.Course", on_delete=models.CASCADE, related_name="enrollment_rules")
    partner_types = ArrayField(models.CharField(max_length=32), default=list, blank=True)
    roles = ArrayField(models.CharField(max_length=32), default=list, blank=True)
    due_days = models.PositiveSmallIntegerField(_("due after (days)"), null=True, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Applying a new rule to the people already in the program runs as a task, in batches: how far it got.
    backfill_total = models.PositiveIntegerField(default=0)
    backfill_done = models.PositiveIntegerField(default=0)
    backfill_enrolled = models.PositiveIntegerField(default=0)
    backfill_started_at = models.DateTimeField(null=True, blank=True)
    backfill_finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("enrollment rule")
        ordering = ["-created_at", "-id"]

    def backfill_percent(self) -> int:
        if self.backfill_finished_at is not None:
            return 100
        return int(100 * self.backfill_done / self.backfill_total) if self.backfill_total else 0


class LearningPath(Audience, TenantOwnedModel):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    published = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("learning path")
        ordering = ["title", "id"]

    def __str__(self):
        return self.title


class LearningPathCourse(TenantOwnedModel):
    path = models.ForeignKey(LearningPath, on_delete=models.CASCADE, related_name="steps")
    course = models.ForeignKey("enablement.Course", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["path", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "path", "course"], name="learning_path_course_once")]
