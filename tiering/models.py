"""Tier programs, their tiers, criteria and benefits; each partner's standing, overrides and assessment history.

The program is read by the evaluation (`tiering.evaluation`, pure functions) and the recalculation
(`tiering.services.recalculation`); other apps read a partner's tier and benefits through `tiering.selectors`."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from prm.tenancy import TenantOwnedModel

MONEY = {"max_digits": 14, "decimal_places": 2}
VALUE = {"max_digits": 18, "decimal_places": 4}


class EvaluationModel(models.TextChoices):
    ALL = "all", _("Every condition of the tier")
    ANY = "any", _("Any condition of the tier")
    POINTS = "points", _("Weighted points with a pass mark")
    INDEX = "index", _("An index with bands")


class Operator(models.TextChoices):
    GTE = "gte", _("at least")
    GT = "gt", _("more than")
    LTE = "lte", _("at most")
    LT = "lt", _("less than")
    EQ = "eq", _("exactly")


class PointsCategory(models.TextChoices):
    PERFORMANCE = "performance", _("Performance")
    SKILLING = "skilling", _("Skilling")
    CUSTOMER_SUCCESS = "customer_success", _("Customer success")


class TierProgram(TenantOwnedModel):
    """A tenant's tier program: ordered tiers and how they are earned. `partner_type` blank is the program for every
    partner type without one of its own."""

    name = models.CharField(_("name"), max_length=120)
    partner_type = models.CharField(_("partner type"), max_length=32, blank=True)
    evaluation_model = models.CharField(
        _("evaluation model"), max_length=8, choices=EvaluationModel.choices, default=EvaluationModel.ALL
    )
    grace_period_days = models.PositiveSmallIntegerField(
        _("grace period (days)"),
        default=90,
        validators=[MaxValueValidator(730)],
        help_text=_("How long a partner that no longer qualifies keeps its tier (at risk) before it is demoted."),
    )
    qualification_window_days = models.PositiveSmallIntegerField(
        _("qualification window (days)"),
        default=365,
        validators=[MinValueValidator(1), MaxValueValidator(1095)],
        help_text=_("The trailing window of metrics over time, such as won revenue."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tier program")
        verbose_name_plural = _("tier programs")
        ordering = ["partner_type", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "partner_type"], name="tier_program_one_per_partner_type"),
        ]

    def __str__(self):
        return self.name


class Tier(TenantOwnedModel):
    """A level of a program, with its typed benefits. `rank` orders the tiers (0 the lowest)."""

    program = models.ForeignKey(TierProgram, on_delete=models.CASCADE, related_name="tiers")
    name = models.CharField(_("name"), max_length=32)
    rank = models.PositiveSmallIntegerField(_("rank"))
    description = models.TextField(_("description"), blank=True)
    # Points model: the points needed; index model: the band's lower bound (0–10). Unused by all/any.
    min_score = models.DecimalField(_("minimum score"), max_digits=7, decimal_places=2, default=Decimal("0"))
    # Benefits (None: the program's general rule applies, e.g. the rules of engagement).
    deal_protection_days = models.PositiveSmallIntegerField(
        _("deal protection (days)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(730)]
    )
    deal_auto_approve_limit = models.DecimalField(
        _("deal auto-approval limit"), **MONEY, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    mdf_allocation = models.DecimalField(
        _("MDF allocation"), **MONEY, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    discount_percent = models.DecimalField(
        _("discount (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    content_access = models.JSONField(
        _("content access"), default=list, blank=True, help_text=_("Names of the content collections it opens.")
    )
    dedicated_channel_manager = models.BooleanField(_("dedicated channel manager"), default=False)

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["program", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "program", "rank"], name="tier_rank_unique_per_program"),
            models.UniqueConstraint(fields=["tenant", "program", "name"], name="tier_name_unique_per_program"),
            models.CheckConstraint(
                condition=models.Q(discount_percent__gte=0, discount_percent__lte=100), name="tier_discount_percent"
            ),
        ]

    def __str__(self):
        return self.name


class TierCriterion(TenantOwnedModel):
    """One condition on a metric. A tier's criteria (all/any, points); the program's own (tier None) make the index."""

    program = models.ForeignKey(TierProgram, on_delete=models.CASCADE, related_name="criteria")
    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, null=True, blank=True, related_name="criteria")
    metric_key = models.CharField(_("metric"), max_length=64)
    operator = models.CharField(_("operator"), max_length=4, choices=Operator.choices, default=Operator.GTE)
    threshold = models.DecimalField(_("threshold"), **VALUE)
    options = models.JSONField(_("options"), default=dict, blank=True)
    # Points model: the most points this criterion gives; index model: its weight.
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2, default=Decimal("0"))
    category = models.CharField(_("category"), max_length=20, choices=PointsCategory.choices, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("tier criterion")
        verbose_name_plural = _("tier criteria")
        ordering = ["program", "tier", "position", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(points__gte=0), name="tier_criterion_points")]

    def __str__(self):
        return f"{self.metric_key} {self.operator} {self.threshold}"


class TierChange(models.TextChoices):
    NONE = "none", _("No change")
    ENTERED = "entered", _("Entered the program")
    PROMOTED = "promoted", _("Promoted")
    DEMOTED = "demoted", _("Demoted")
    AT_RISK = "at_risk", _("At risk")
    RECOVERED = "recovered", _("Qualifies again")
    OVERRIDDEN = "overridden", _("Set by an override")


class TierStanding(TenantOwnedModel):
    """A partner's current tier (one row per partner), written only by the recalculation. `qualified_tier` is what
    the data says; `tier` is what the partner holds (kept during the grace period, or set by an override)."""

    partner_organization = models.ForeignKey(
        settings.PRM_PARTNER_ORGANIZATION_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    program = models.ForeignKey(TierProgram, on_delete=models.CASCADE, related_name="+")
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    qualified_tier = models.ForeignKey(Tier, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    since = models.DateField(_("since"))
    at_risk_since = models.DateField(_("at risk since"), null=True, blank=True)
    demotion_due = models.DateField(_("demotion due"), null=True, blank=True)
    assessed_on = models.DateField(_("assessed on"))
    # What the last assessment saw (metric values and result): a recalculation that sees the same writes nothing.
    fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("tier standing")
        verbose_name_plural = _("tier standings")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "partner_organization"], name="tier_standing_one_per_partner"),
        ]
        indexes = [models.Index(fields=["tenant", "tier"], name="tier_standing_tenant_tier")]

    def is_at_risk(self) -> bool:
        return self.at_risk_since is not None


class TierOverride(TenantOwnedModel):
    """A tier set by hand, with a reason, until `ends_on` (inclusive): the recalculation keeps it meanwhile."""

    partner_organization = models.ForeignKey(
        settings.PRM_PARTNER_ORGANIZATION_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="overrides")
    reason = models.CharField(_("reason"), max_length=500)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Ended by hand before `ends_on`: no longer held from this day on.
    ended_early_on = models.DateField(_("ended early on"), null=True, blank=True)

    class Meta:
        verbose_name = _("tier override")
        verbose_name_plural = _("tier overrides")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="tier_override_dates")
        ]
        indexes = [models.Index(fields=["tenant", "partner_organization", "ends_on"], name="tier_override_partner")]

    def is_active_on(self, day) -> bool:
        ended = self.ended_early_on is not None and day >= self.ended_early_on
        return self.starts_on <= day <= self.ends_on and not ended


class TierAssessment(TenantOwnedModel):
    """One evaluation of a partner, kept for ever as written: the metric values, each criterion met or missed with
    value and threshold, the tier the data gives, the tier held after it, the change and why."""

    APPEND_ONLY = True

    partner_organization = models.ForeignKey(
        settings.PRM_PARTNER_ORGANIZATION_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    program = models.ForeignKey(TierProgram, on_delete=models.CASCADE, related_name="+")
    assessed_on = models.DateField(_("assessed on"))
    assessed_at = models.DateTimeField(auto_now_add=True)
    metric_values = models.JSONField(default=dict)
    # [{"tier": id, "metric": key, "operator": "gte", "threshold": "…", "value": "…", "met": bool, "points": "…"}]
    criteria = models.JSONField(default=list)
    score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    qualified_tier = models.ForeignKey(Tier, on_delete=models.SET_NULL, null=True, related_name="+")
    previous_tier = models.ForeignKey(Tier, on_delete=models.SET_NULL, null=True, related_name="+")
    tier = models.ForeignKey(Tier, on_delete=models.SET_NULL, null=True, related_name="+")
    change = models.CharField(_("change"), max_length=12, choices=TierChange.choices, default=TierChange.NONE)
    explanation = models.TextField(_("explanation"), blank=True)

    class Meta:
        verbose_name = _("tier assessment")
        verbose_name_plural = _("tier assessments")
        ordering = ["-assessed_at", "-id"]
        indexes = [models.Index(fields=["tenant", "partner_organization", "-id"], name="tier_assessment_partner")]
