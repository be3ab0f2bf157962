import pghistory
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from prm.tenancy import TenantOwnedModel


class PartnerType(models.TextChoices):
    RESELLER = "reseller", _("Reseller")
    VAR = "var", _("Value-added reseller")
    SYSTEM_INTEGRATOR = "system_integrator", _("System integrator")
    ISV = "isv", _("ISV")
    MSP = "msp", _("Managed service provider")
    REFERRAL = "referral", _("Referral / influence")
    DISTRIBUTOR = "distributor", _("Distributor")


def partner_type_label(code: str) -> str:
    """A partner type by its name ("Managed service provider", not msp); a tenant's own type by its key made
    readable (its label is in CustomPartnerType, which callers with a query to spare use)."""
    builtin = dict(PartnerType.choices).get(code)
    return str(builtin) if builtin else (code or "").replace("_", " ").replace("-", " ").capitalize()


def _history_value_labels() -> dict:
    """How the history panel names partner types (the tenant's own with their labels) and region codes."""
    from prm.geography import region_label

    custom = dict(CustomPartnerType.objects.values_list("key", "label"))
    return {"partner_type": lambda code: custom.get(code) or partner_type_label(code), "regions": region_label}


class PartnerStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    APPLIED = "applied", _("Applied")
    ONBOARDING = "onboarding", _("Onboarding")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    OFFBOARDED = "offboarded", _("Offboarded")
    REJECTED = "rejected", _("Rejected")


# The partner lifecycle: which status may follow which. Every change goes through partners.services, which
# refuses anything not listed here and records who, when and why (history + event).
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    PartnerStatus.PROSPECT: frozenset({PartnerStatus.APPLIED, PartnerStatus.ONBOARDING, PartnerStatus.REJECTED}),
    PartnerStatus.APPLIED: frozenset({PartnerStatus.ONBOARDING, PartnerStatus.REJECTED}),
    PartnerStatus.ONBOARDING: frozenset({PartnerStatus.ACTIVE, PartnerStatus.SUSPENDED, PartnerStatus.OFFBOARDED}),
    PartnerStatus.ACTIVE: frozenset({PartnerStatus.SUSPENDED, PartnerStatus.OFFBOARDED}),
    PartnerStatus.SUSPENDED: frozenset({PartnerStatus.ACTIVE, PartnerStatus.OFFBOARDED}),
    # Reactivation after offboarding starts again with onboarding (agreement, profile…).
    PartnerStatus.OFFBOARDED: frozenset({PartnerStatus.ONBOARDING}),
    PartnerStatus.REJECTED: frozenset({PartnerStatus.APPLIED}),
}


class CompanySize(models.TextChoices):
    MICRO = "1-10", _("1–10 employees")
    SMALL = "11-50", _("11–50 employees")
    MEDIUM = "51-200", _("51–200 employees")
    LARGE = "201-1000", _("201–1,000 employees")
    ENTERPRISE = "1000+", _("More than 1,000 employees")


@pghistory.track()
class PartnerOrganization(TenantOwnedModel):
    """A company in the program, from prospect to offboarded. Partner users belong to one organization."""

    name = models.CharField(_("name"), max_length=200)
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    # Built-in types (PartnerType) or one the tenant added (CustomPartnerType.key): checked by the services.
    partner_type = models.CharField(_("partner type"), max_length=32, default=PartnerType.RESELLER)
    status = models.CharField(_("status"), max_length=16, choices=PartnerStatus.choices, default=PartnerStatus.ACTIVE)
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    website = models.URLField(_("website"), blank=True)
    # Lower-case domains its people's emails use ("acme.com"): conflict checks and applications match on them.
    email_domains = models.JSONField(_("email domains"), default=list, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2"))
    # A prm.geography.Region code (values from before the choices are kept as written).
    region = models.CharField(_("region"), max_length=32, blank=True)
    regions = models.JSONField(_("sales regions"), default=list, blank=True, help_text=_("Regions it sells into."))
    industries = models.JSONField(_("industries"), default=list, blank=True)
    company_size = models.CharField(_("company size"), max_length=16, choices=CompanySize.choices, blank=True)
    customer_count = models.PositiveIntegerField(_("number of customers"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("channel manager"),
        help_text=_("The channel manager who owns this partner."),
    )
    # Ideal-partner-profile score (0–100), kept from the application; explained on the application.
    ipp_score = models.PositiveSmallIntegerField(_("IPP score"), null=True, blank=True)
    # A cache of the tier the tier program gives the partner (tiering owns it): written only through
    # partners.services.tier_cache by the recalculation, read by the directory filter and the API.
    tier = models.CharField(
        _("tier"), max_length=32, blank=True, help_text=_("Set by the tier program's recalculation; read-only.")
    )
    # The record's id in the vendor's CRM, for upserts from integrations; unique within the tenant when set.
    external_id = models.CharField(_("external ID"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Time to value: each stamp is set once, the first time the partner gets there.
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    first_deal_registered_at = models.DateTimeField(_("first deal registered at"), null=True, blank=True)
    first_deal_won_at = models.DateTimeField(_("first deal won at"), null=True, blank=True)
    offboarded_at = models.DateTimeField(_("offboarded at"), null=True, blank=True)

    class Meta:
        # The core's models name this one only through settings.PRM_PARTNER_ORGANIZATION_MODEL.
        swappable = "PRM_PARTNER_ORGANIZATION_MODEL"
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="partner_name_unique_per_tenant"),
            models.UniqueConstraint(
                fields=["tenant", "external_id"],
                condition=~models.Q(external_id=""),
                name="partner_external_id_unique_per_tenant",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "updated_at"], name="partner_tenant_updated"),
            # API lists page by id (cursor pagination): newest first straight from the index.
            models.Index(fields=["tenant", "id"], name="partner_tenant_id"),
            models.Index(fields=["tenant", "status"], name="partner_tenant_status"),
            models.Index(fields=["tenant", "owner"], name="partner_tenant_owner"),
        ]

    def __str__(self):
        return self.name

    @property
    def partner_type_label(self) -> str:
        return partner_type_label(self.partner_type)

    history_value_labels = staticmethod(_history_value_labels)

    def can_transition_to(self, status: str) -> bool:
        return status in STATUS_TRANSITIONS.get(self.status, frozenset())


class CustomPartnerType(TenantOwnedModel):
    """A partner type a tenant adds to the built-in ones (e.g. "Cloud marketplace")."""

    key = models.SlugField(max_length=32)
    label = models.CharField(max_length=100)

    class Meta:
        ordering = ["label"]
        constraints = [models.UniqueConstraint(fields=["tenant", "key"], name="custom_partner_type_key_unique")]

    def __str__(self):
        return self.label


@pghistory.track()
class PartnerContact(TenantOwnedModel):
    """A person at a partner organization the vendor deals with (not necessarily a portal user)."""

    partner_organization = models.ForeignKey(PartnerOrganization, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    job_title = models.CharField(max_length=100, blank=True)
    is_primary = models.BooleanField(default=False)
    external_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "external_id"],
                condition=~models.Q(external_id=""),
                name="partner_contact_external_id_unique",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "partner_organization"], name="partner_contact_org")]

    def __str__(self):
        return self.name


class RevenueBand(models.TextChoices):
    UNDER_1M = "<1m", _("Under $1M")
    FROM_1M = "1m-10m", _("$1M–$10M")
    FROM_10M = "10m-50m", _("$10M–$50M")
    FROM_50M = "50m-250m", _("$50M–$250M")
    OVER_250M = ">250m", _("Over $250M")


class ApplicationStatus(models.TextChoices):
    PENDING_CONFIRMATION = "pending_confirmation", _("Waiting for email confirmation")
    SUBMITTED = "submitted", _("In review")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


OPEN_APPLICATION_STATUSES = (ApplicationStatus.PENDING_CONFIRMATION, ApplicationStatus.SUBMITTED)


@pghistory.track()
class PartnerApplication(TenantOwnedModel):
    """A company's request to join the program, from the public page or a CRM; scored against the tenant's ideal
    partner profile and decided by a channel manager (or by the tenant's auto-approve/decline rule)."""

    company_name = models.CharField(_("company name"), max_length=200)
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    website = models.URLField(_("website"), blank=True)
    # The company's domain (from its website or the contact's email), lower case: one open application per domain.
    email_domain = models.CharField(_("email domain"), max_length=253)
    contact_first_name = models.CharField(_("first name"), max_length=100)
    contact_last_name = models.CharField(_("last name"), max_length=100, blank=True)
    contact_email = models.EmailField(_("email"))
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    contact_job_title = models.CharField(_("job title"), max_length=100, blank=True)
    partner_type = models.CharField(_("partner type"), max_length=32)
    country = models.CharField(_("country"), max_length=2, blank=True)
    regions = models.JSONField(_("sales regions"), default=list, blank=True)
    industries = models.JSONField(_("industries"), default=list, blank=True)
    company_size = models.CharField(_("company size"), max_length=16, choices=CompanySize.choices, blank=True)
    annual_revenue_band = models.CharField(_("annual revenue"), max_length=16, choices=RevenueBand.choices, blank=True)
    customer_count = models.PositiveIntegerField(_("number of customers"), null=True, blank=True)
    certifications = models.JSONField(_("certifications"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("status"), max_length=24, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING_CONFIRMATION
    )
    ipp_score = models.PositiveSmallIntegerField(_("IPP score"), null=True, blank=True)
    # [{"criterion": label, "points": n, "of": weight, "matched": bool, "why": "..."}] — what made the score.
    ipp_explanation = models.JSONField(default=list, blank=True)
    source = models.CharField(_("source"), max_length=16, default="web")
    # The language the applicant used on the public page: their emails are written in it (blank: the program's).
    language = models.CharField(_("language"), max_length=8, blank=True)
    submitted_ip = models.GenericIPAddressField(_("sent from"), null=True, blank=True)
    confirmation_token_hash = models.CharField(max_length=64, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=500, blank=True)
    auto_decided = models.BooleanField(_("decided automatically"), default=False)
    partner_organization = models.ForeignKey(
        PartnerOrganization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("partner"),
    )
    external_id = models.CharField(_("external ID"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "email_domain"],
                condition=models.Q(status__in=OPEN_APPLICATION_STATUSES),
                name="application_one_open_per_domain",
            ),
            models.UniqueConstraint(
                fields=["tenant", "external_id"],
                condition=~models.Q(external_id=""),
                name="application_external_id_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "ipp_score"], name="application_queue"),
            models.Index(
                fields=["tenant", "confirmation_token_hash"],
                condition=~models.Q(confirmation_token_hash=""),
                name="application_confirmation_token",
            ),
        ]

    def __str__(self):
        return self.company_name

    @property
    def partner_type_label(self) -> str:
        return partner_type_label(self.partner_type)

    history_value_labels = staticmethod(_history_value_labels)


class IppAttribute(models.TextChoices):
    PARTNER_TYPE = "partner_type", _("Partner type")
    COUNTRY = "country", _("Country")
    REGION = "regions", _("Regions")
    INDUSTRY = "industries", _("Industries")
    COMPANY_SIZE = "company_size", _("Company size")
    REVENUE_BAND = "annual_revenue_band", _("Revenue band")
    CUSTOMER_COUNT = "customer_count", _("Customer count")
    CERTIFICATION = "certifications", _("Certifications")


class IppOperator(models.TextChoices):
    IN = "in", _("is one of")
    ANY = "any", _("includes any of")
    AT_LEAST = "gte", _("is at least")
    AT_MOST = "lte", _("is at most")


class IppCriterion(TenantOwnedModel):
    """One weighted trait of the tenant's ideal partner profile. An application earns the weight when it matches;
    the score is earned / total weight, scaled to 0–100."""

    label = models.CharField(max_length=200)
    attribute = models.CharField(max_length=32, choices=IppAttribute.choices)
    operator = models.CharField(max_length=8, choices=IppOperator.choices)
    value = models.JSONField(help_text=_("A list of values for in/any, a number for gte/lte."))
    weight = models.PositiveSmallIntegerField(default=10)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.label


class Agreement(TenantOwnedModel):
    """A program agreement (e.g. "Partner program agreement"), for every partner or one partner type."""

    name = models.CharField(max_length=200)
    partner_type = models.CharField(max_length=32, blank=True, help_text=_("Empty: every partner."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def partner_type_label(self) -> str:
        return partner_type_label(self.partner_type)


@pghistory.track()
class AgreementVersion(TenantOwnedModel):
    """A numbered text of an agreement. Publishing a version asks every active partner to (re-)accept it, by
    `reaccept_by`; a published version's text never changes."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    body = models.TextField()
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reaccept_by = models.DateField(null=True, blank=True)
    # Which re-acceptance reminders went out (days before the deadline, e.g. [7, 1]; 0 = the overdue notice), so
    # the daily task sends each one once.
    reminders_sent = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agreement", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "agreement", "number"], name="agreement_version_number_unique")
        ]

    def __str__(self):
        return f"{self.agreement} v{self.number}"


class AgreementAcceptance(TenantOwnedModel):
    """Click-to-accept evidence: who, when, from where, and the exact text accepted."""

    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="acceptances")
    partner_organization = models.ForeignKey(
        PartnerOrganization, on_delete=models.CASCADE, related_name="agreement_acceptances"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    text = models.TextField()
    text_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "version", "partner_organization"], name="agreement_accepted_once_per_partner"
            )
        ]


# Onboarding ---------------------------------------------------------------------------------------------------


class OnboardingStepKind(models.TextChoices):
    ACCEPT_AGREEMENT = "accept_agreement", _("Accept the program agreement")
    COMPLETE_PROFILE = "complete_profile", _("Complete the company profile")
    INVITE_COLLEAGUES = "invite_colleagues", _("Invite colleagues")
    COMPLETE_COURSE = "complete_course", _("Complete a course")
    EARN_CERTIFICATION = "earn_certification", _("Earn a certification")
    REGISTER_DEAL = "register_deal", _("Register a first deal")
    UPLOAD_DOCUMENT = "upload_document", _("Upload a document")
    MANUAL = "manual", _("Manual step for the channel manager")
    EVENT = "event", _("Done when an event happens")


# The event that completes each kind of step, unless the step names its own. A step completes when an event of
# that type happens for the step's partner (its subject, or the partner named by `partner_organization_id` in its
# payload) and the event's payload matches the step's condition. The course, certification and deal kinds rely on
# the events those apps emit; nothing here changes when they start emitting them. "Invite colleagues" completes
# when one of the partner's own people invites someone (not when its first admin accepts the approval's
# invitation): see docs/onboarding.md.
STEP_KIND_EVENTS: dict[str, str] = {
    OnboardingStepKind.ACCEPT_AGREEMENT: "agreement.accepted",
    OnboardingStepKind.COMPLETE_PROFILE: "partner.profile_completed",
    OnboardingStepKind.INVITE_COLLEAGUES: "invitation.created",
    OnboardingStepKind.COMPLETE_COURSE: "course.completed",
    OnboardingStepKind.EARN_CERTIFICATION: "certification.awarded",
    OnboardingStepKind.REGISTER_DEAL: "deal.submitted",
    OnboardingStepKind.UPLOAD_DOCUMENT: "partner.document_uploaded",
    OnboardingStepKind.MANUAL: "",
    OnboardingStepKind.EVENT: "",
}


class OnboardingPlan(TenantOwnedModel):
    """A template of ordered onboarding steps for one partner type (or, with no type, for every partner whose
    type has no plan of its own)."""

    name = models.CharField(max_length=200)
    partner_type = models.CharField(max_length=32, blank=True, help_text=_("Empty: the default plan."))
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partner_type", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "partner_type"],
                condition=models.Q(is_active=True),
                name="onboarding_one_active_plan_per_type",
            )
        ]

    def __str__(self):
        return self.name


class OnboardingStepTemplate(TenantOwnedModel):
    plan = models.ForeignKey(OnboardingPlan, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=32, choices=OnboardingStepKind.choices)
    # Empty: the kind's event (STEP_KIND_EVENTS). Manual steps have none.
    completion_event = models.CharField(max_length=64, blank=True)
    # Payload keys and the values they must have, e.g. {"course_id": 12}; empty matches any event of the type.
    condition = models.JSONField(default=dict, blank=True)
    required = models.BooleanField(default=True)
    due_offset_days = models.PositiveSmallIntegerField(default=14, help_text=_("Days after the plan starts."))

    class Meta:
        ordering = ["plan", "position", "id"]

    def __str__(self):
        return self.title


class OnboardingStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class PartnerOnboarding(TenantOwnedModel):
    """One run of an onboarding plan for one partner: its steps are copied from the plan when it starts, so
    editing the plan later does not change plans already running."""

    partner_organization = models.ForeignKey(PartnerOrganization, on_delete=models.CASCADE, related_name="onboardings")
    plan = models.ForeignKey(OnboardingPlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    plan_name = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=OnboardingStatus.choices, default=OnboardingStatus.IN_PROGRESS)
    started_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    # The last time a step was completed (or the start): a plan with no progress for a while is stalled.
    last_progress_at = models.DateTimeField()
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "partner_organization"],
                condition=models.Q(status="in_progress"),
                name="onboarding_one_running_per_partner",
            )
        ]
        indexes = [models.Index(fields=["tenant", "status", "last_progress_at"], name="onboarding_status_progress")]

    def __str__(self):
        return f"{self.plan_name} for {self.partner_organization_id}"


@pghistory.track()
class OnboardingStep(TenantOwnedModel):
    onboarding = models.ForeignKey(PartnerOnboarding, on_delete=models.CASCADE, related_name="steps")
    # Copied from the onboarding so the event subscriber finds a partner's open steps from one index.
    partner_organization = models.ForeignKey(PartnerOrganization, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=32, choices=OnboardingStepKind.choices)
    completion_event = models.CharField(max_length=64, blank=True)
    condition = models.JSONField(default=dict, blank=True)
    required = models.BooleanField(default=True)
    due_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The domain event that completed the step (empty for manual steps).
    completed_by_event = models.ForeignKey(
        "prm.Event", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["onboarding", "position", "id"]
        indexes = [
            models.Index(
                fields=["tenant", "partner_organization", "completion_event"],
                condition=models.Q(completed_at__isnull=True),
                name="onboarding_open_step_event",
            ),
            models.Index(
                fields=["tenant", "due_at"], condition=models.Q(completed_at__isnull=True), name="onboarding_step_due"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_done(self) -> bool:
        return self.completed_at is not None

    @property
    def done_before_start(self) -> bool:
        """Done by something the partner did before its plan started (dated then, or the start itself)."""
        return self.completed_at is not None and self.completed_at <= self.onboarding.started_at


class PartnerDocument(TenantOwnedModel):
    """A file a partner uploads (tax form, insurance certificate, signed NDA…), e.g. for an onboarding step."""

    partner_organization = models.ForeignKey(PartnerOrganization, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="partner-documents/%Y/%m/")
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "partner_organization"], name="partner_document_org")]

    def __str__(self):
        return self.title


@pghistory.track()
class PartnerProgramSettings(TenantOwnedModel):
    """A tenant's settings of its partner program (one row per tenant, created the first time a tenant admin saves
    them; until then the defaults): the application page and its automatic rule, onboarding reminder timing, and
    the re-acceptance deadline of a newly published agreement. Each app keeps its settings in its own model."""

    applications_open = models.BooleanField(default=True)
    # Applications scoring at least this are approved on arrival (None: off).
    auto_approve_at = models.PositiveSmallIntegerField(null=True, blank=True)
    # Applications scoring below this are declined on arrival (None: off).
    auto_decline_below = models.PositiveSmallIntegerField(null=True, blank=True)
    onboarding_reminder_days_before = models.PositiveSmallIntegerField(default=3)
    onboarding_stalled_after_days = models.PositiveSmallIntegerField(default=14)
    agreement_reaccept_days = models.PositiveSmallIntegerField(default=30)

    class Meta:
        verbose_name = _("partner program settings")
        verbose_name_plural = _("partner program settings")
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="partner_program_settings_one_per_tenant"),
            models.CheckConstraint(
                condition=models.Q(auto_approve_at__lte=100) & models.Q(auto_decline_below__lte=100),
                name="partner_program_settings_scores",
            ),
        ]

    def __str__(self):
        return f"Partner program settings of {self.tenant_id}"
