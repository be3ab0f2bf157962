"""SCORM 1.2 and 2004 packages: the imported files (private storage), the SCOs the manifest names, and each
learner's attempt at a SCO with the CMI data its runtime committed."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from prm.tenancy import TenantOwnedModel


class ScormVersion(models.TextChoices):
    SCORM_12 = "1.2", "SCORM 1.2"
    SCORM_2004 = "2004", "SCORM 2004"


class ScormPackage(TenantOwnedModel):
    title = models.CharField(_("title"), max_length=200)
    scorm_version = models.CharField(max_length=8, choices=ScormVersion.choices)
    # e.g. "2004 3rd Edition", from the manifest's schemaversion.
    schema_version = models.CharField(max_length=64, blank=True)
    # The package's files live under this prefix in private storage; nothing else reads them.
    storage_key = models.UUIDField(default=uuid.uuid4, editable=False)
    # The organization tree, resources and sequencing as parsed from imsmanifest.xml (the player's table of contents).
    manifest = models.JSONField(default=dict)
    size_bytes = models.PositiveBigIntegerField(default=0)
    file_count = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("SCORM package")
        constraints = [models.UniqueConstraint(fields=["tenant", "storage_key"], name="scorm_package_storage_key")]

    def __str__(self):
        return self.title


class ScormSco(TenantOwnedModel):
    """A launchable item of a package (a shareable content object), in the order of the manifest's organization."""

    package = models.ForeignKey(ScormPackage, on_delete=models.CASCADE, related_name="scos")
    identifier = models.CharField(max_length=255)
    title = models.CharField(max_length=255)
    # Relative to the package root, xml:base applied, with the manifest's parameters (query string) appended.
    launch_path = models.CharField(max_length=1000)
    position = models.PositiveIntegerField(default=0)
    parent_identifier = models.CharField(max_length=255, blank=True)
    # SCORM 1.2's adlcp:masteryscore or 2004's minNormalizedMeasure, when the manifest gives one.
    mastery_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    # What the runtime and the player need of the item (enablement/scorm/manifest.py): "scorm_type" (sco or asset),
    # "visible", the exact "mastery_score", "data_from_lms", "max_time_allowed", "time_limit_action",
    # "completion_threshold", "hide_lms_ui", and the rollup's "tracked", "counts_for_completion",
    # "counts_for_success" and "score_weight".
    sequencing = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("SCORM item")
        ordering = ["package", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "package", "identifier"], name="scorm_sco_identifier_unique")
        ]

    def __str__(self):
        return self.title


class ScormAttempt(TenantOwnedModel):
    """A learner's attempt at one SCO within an enrollment: the CMI data its runtime last committed (so a relaunch
    resumes from it) and the status, score and time read from it."""

    sco = models.ForeignKey(ScormSco, on_delete=models.PROTECT, related_name="attempts")
    enrollment = models.ForeignKey("enablement.Enrollment", on_delete=models.CASCADE, related_name="scorm_attempts")
    lesson = models.ForeignKey("enablement.Lesson", on_delete=models.PROTECT, related_name="scorm_attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    partner_organization = models.ForeignKey("partners.PartnerOrganization", on_delete=models.CASCADE, related_name="+")
    number = models.PositiveSmallIntegerField(default=1)
    cmi = models.JSONField(default=dict)
    completion_status = models.CharField(max_length=32, blank=True)
    success_status = models.CharField(max_length=32, blank=True)
    score_scaled = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True)
    score_raw = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    total_seconds = models.PositiveIntegerField(default=0)
    commit_count = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("SCORM attempt")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "enrollment", "sco", "number"], name="scorm_attempt_number_unique"
            )
        ]
