"""Certifications: what earns one (required courses, optionally a final exam), the awards to people (counted for
their partner organization while valid), and the key the tenant signs Open Badges credentials with."""

import secrets

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from prm.tenancy import TenantOwnedModel


# Every change of a definition and of an award (revocation, recomputed expiry) is kept with who and when.
@pghistory.track()
class Certification(TenantOwnedModel):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # None: never expires.
    validity_months = models.PositiveSmallIntegerField(_("valid for (months)"), null=True, blank=True)
    final_exam = models.ForeignKey(
        "enablement.Quiz", on_delete=models.PROTECT, null=True, blank=True, related_name="certifications"
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certification")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="certification_name_unique")]

    def __str__(self):
        return self.name


class CertificationCourse(TenantOwnedModel):
    """A course a certification requires (a through table of its own so row-level security covers it)."""

    certification = models.ForeignKey(Certification, on_delete=models.CASCADE, related_name="required_courses")
    course = models.ForeignKey("enablement.Course", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "certification", "course"], name="certification_course_once")
        ]


def new_verification_code() -> str:
    return secrets.token_urlsafe(18)


class AwardStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("certification award", "Valid")
    REVOKED = "revoked", pgettext_lazy("certification award", "Revoked")
    # Replaced by a renewal: the newer award carries on.
    RENEWED = "renewed", pgettext_lazy("certification award", "Renewed")


# The signed credential is left out of the history: it is derived from the other fields, and long.
@pghistory.track(exclude=["credential"])
class CertificationAward(TenantOwnedModel):
    certification = models.ForeignKey(Certification, on_delete=models.PROTECT, related_name="awards")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    partner_organization = models.ForeignKey("partners.PartnerOrganization", on_delete=models.PROTECT, related_name="+")
    # The name printed and verified, as it was when awarded.
    recipient_name = models.CharField(max_length=200)
    awarded_at = models.DateTimeField()
    # None: does not expire. An award past this date no longer counts (and its page says expired).
    expires_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=AwardStatus.choices, default=AwardStatus.ACTIVE)
    # What the award was earned by (e.g. the completions it rests on): awarding twice for the same basis is a no-op.
    award_key = models.CharField(max_length=200)
    verification_code = models.CharField(max_length=32, default=new_verification_code, editable=False)
    renewal_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    revoke_reason = models.CharField(max_length=500, blank=True)
    # Days-before-expiry of the reminders already sent; whether certification.expired was recorded.
    reminders_sent = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True)
    expiry_recorded = models.BooleanField(default=False)
    # The Open Badges 3.0 credential (a signed JWT) and the award's place in the tenant's revocation status list.
    credential = models.TextField(blank=True)
    status_list_index = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("certification award")
        ordering = ["-awarded_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "award_key"], name="certification_award_once"),
            models.UniqueConstraint(fields=["tenant", "verification_code"], name="certification_award_code"),
            models.UniqueConstraint(fields=["tenant", "status_list_index"], name="certification_award_status_index"),
        ]
        indexes = [
            models.Index(fields=["tenant", "partner_organization", "status"], name="award_org_status"),
            models.Index(fields=["tenant", "expires_at"], name="award_expires"),
            models.Index(fields=["tenant", "user"], name="award_user"),
        ]

    def __str__(self):
        return f"{self.certification} — {self.recipient_name}"

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def state(self, now=None) -> str:
        """What the award's pages say: valid, expired, revoked or renewed (replaced by a newer award)."""
        if self.status != AwardStatus.ACTIVE:
            return self.status
        return "expired" if self.is_expired(now) else "valid"

    def counts(self, now=None) -> bool:
        """Whether it counts for its holder and their partner: valid now."""
        return self.state(now) == "valid"


class CredentialSigningKey(TenantOwnedModel):
    """The tenant's key for signing Open Badges credentials. The private half is encrypted with a key derived from
    SECRET_KEY; the public half is published (the issuer's DID document / JWKS) so anyone can verify."""

    kid = models.CharField(max_length=64)
    algorithm = models.CharField(max_length=16, default="EdDSA")
    public_jwk = models.JSONField()
    private_jwk_encrypted = models.TextField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "kid"], name="credential_key_kid_unique"),
            models.UniqueConstraint(
                fields=["tenant"], condition=models.Q(active=True), name="credential_key_one_active"
            ),
        ]
