import base64
import hashlib
import re
from datetime import UTC, datetime, timedelta

import pghistory
from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from prm.roles import PARTNER_ROLES, STAFF_ROLES, Role
from prm.tenancy import TenantOwnedModel

HEX_COLOUR = RegexValidator(re.compile(r"^#[0-9a-fA-F]{6}$"), _("Enter a colour as #RRGGBB, for example #0d6efd."))


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        return self.create_user(email, password, is_staff=True, is_superuser=True, **extra)


class User(AbstractUser):
    """A person with one login across every program (tenant) they belong to."""

    username = None
    email = models.EmailField("email address", unique=True)
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    # Blank: not chosen. The language then follows the browser, then the program; the zone follows the program.
    language = models.CharField(_("language"), max_length=8, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)

    objects = UserManager()

    def __str__(self):
        return self.get_full_name() or self.email


@pghistory.track(exclude=["logo"])
class Tenant(models.Model):
    """A vendor running a partner program: our customer. Global table; everything it owns carries tenant_id."""

    class PartnerMfa(models.TextChoices):
        NONE = "none", _("No partner user")
        ADMINS = "admins", _("Partner admins")
        ALL = "all", _("Every partner user")

    slug = models.SlugField(_("address name"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    program_name = models.CharField(_("program name"), max_length=200, blank=True)
    logo = models.FileField(_("logo"), upload_to="branding/", blank=True)
    primary_colour = models.CharField(_("primary colour"), max_length=7, default="#0d6efd", validators=[HEX_COLOUR])
    base_currency = models.CharField(_("base currency"), max_length=3, default="USD")
    require_mfa_for_staff = models.BooleanField(_("two-factor sign-in required for staff"), default=False)
    require_mfa_for_partners = models.CharField(
        _("two-factor sign-in required for"), max_length=8, choices=PartnerMfa.choices, default=PartnerMfa.NONE
    )
    # What a member sees until they choose for themselves (and their browser names no language we speak).
    default_language = models.CharField(_("default language"), max_length=8, blank=True)
    default_time_zone = models.CharField(_("default time zone"), max_length=64, blank=True)
    settings = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.program_name or self.name

    def requires_mfa_of(self, membership: "Membership") -> bool:
        """Whether this program asks the member to sign in with two factors (staff, partner admins, partners)."""
        if membership.is_staff_role:
            return self.require_mfa_for_staff
        if self.require_mfa_for_partners == self.PartnerMfa.ALL:
            return True
        return self.require_mfa_for_partners == self.PartnerMfa.ADMINS and membership.role == Role.PARTNER_ADMIN


@pghistory.track()
class Membership(TenantOwnedModel):
    """A user's place in one tenant: a staff role, or a partner role in one partner organization."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    partner_organization = models.ForeignKey(
        settings.PRM_PARTNER_ORGANIZATION_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("partner"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["user__email"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="membership_one_per_user_and_tenant"),
            models.CheckConstraint(
                name="membership_partner_role_has_organization",
                condition=(
                    models.Q(role__in=sorted(PARTNER_ROLES), partner_organization__isnull=False)
                    | models.Q(role__in=sorted(STAFF_ROLES), partner_organization__isnull=True)
                ),
            ),
        ]
        indexes = [models.Index(fields=["tenant", "partner_organization"])]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}"

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_partner_role(self) -> bool:
        return self.role in PARTNER_ROLES


def invitation_ttl_hours() -> int:
    return int(settings.PRM_INVITATION_TTL.total_seconds() // 3600)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_link_token(*, tenant_id: int, email: str, expires_at: datetime) -> str:
    """The secret in an invitation's link: an HMAC of the invitation (program, address, expiry to the microsecond)
    under SECRET_KEY, as Django's password-reset tokens are. The email task rebuilds it from the invitation's id,
    so no secret passes through the broker; the database keeps only its hash, and cannot produce it alone."""
    stamp = (expires_at - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    digest = salted_hmac("prm.invitation.link", f"{tenant_id}:{email}:{stamp}", algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


INVITATION_STATUS_LABELS = {
    "pending": _("Pending"),
    "accepted": _("Accepted"),
    "revoked": _("Withdrawn"),
    "expired": _("Expired"),
}


@pghistory.track()
class Invitation(TenantOwnedModel):
    """An emailed, expiring invitation to join a tenant in a role. Only the token's hash is stored."""

    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    partner_organization = models.ForeignKey(
        settings.PRM_PARTNER_ORGANIZATION_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("partner"),
    )
    token_hash = models.CharField(max_length=64)
    # Empty for the first tenant admin of a new program, invited by the platform operator.
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "token_hash"], name="invitation_token_unique"),
            models.UniqueConstraint(
                fields=["tenant", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self):
        return f"{self.email} ({self.get_role_display()})"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    @property
    def status_label(self) -> str:
        """The status as people read it (the code stays in `status`: the API and filters use it)."""
        return str(INVITATION_STATUS_LABELS[self.status])

    def is_open(self) -> bool:
        return self.status == "pending"

    def link_token(self) -> str:
        return invitation_link_token(tenant_id=self.tenant_id, email=self.email, expires_at=self.expires_at)


def partner_organization_model():
    """The partner organization model (settings.PRM_PARTNER_ORGANIZATION_MODEL), as get_user_model() is the user's."""
    from django.apps import apps

    return apps.get_model(settings.PRM_PARTNER_ORGANIZATION_MODEL, require_ready=False)
