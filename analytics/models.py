"""Analytics' own tables: what the program spends on each partner (partner costs) and the exchange rates that turn
amounts in other currencies into the tenant's base currency for every report. Everything else analytics shows is
read from the other apps through their selectors."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from prm.tenancy import TenantOwnedModel

MONEY = {"max_digits": 14, "decimal_places": 2}


class CostKind(models.TextChoices):
    MDF = "mdf", _("MDF paid")
    INCENTIVES = "incentives", _("Incentives and rebates")
    ENABLEMENT = "enablement", _("Enablement")
    SUPPORT = "support", _("Support and channel-manager time")
    OTHER = "other", _("Other")


class CostSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    CSV = "csv", _("CSV import")
    API = "api", _("API")
    MDF = "mdf", _("MDF payout")


class PartnerCost(TenantOwnedModel):
    """One cost of the program for one partner: a day (`period_start` alone) or a period. It counts in a report's
    period when its first day falls inside it (no proration: docs/analytics.md)."""

    partner_organization = models.ForeignKey(
        settings.PRM_PARTNER_ORGANIZATION_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("partner"),
    )
    period_start = models.DateField(_("date"), help_text=_("The cost's day, or the first day of its period."))
    period_end = models.DateField(_("period end"), null=True, blank=True, help_text=_("Empty: a one-day cost."))
    kind = models.CharField(_("kind"), max_length=16, choices=CostKind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    note = models.CharField(_("note"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=CostSource.choices, default=CostSource.MANUAL)
    # What created it elsewhere (an MDF claim's id for `mdf`), so the same payout never adds a cost twice.
    source_reference = models.CharField(_("source reference"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partner cost")
        verbose_name_plural = _("partner costs")
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="partner_cost_amount_not_negative"),
            models.CheckConstraint(
                condition=models.Q(period_end__isnull=True) | models.Q(period_end__gte=models.F("period_start")),
                name="partner_cost_period_ordered",
            ),
            models.UniqueConstraint(
                fields=["tenant", "source", "source_reference"],
                condition=~models.Q(source_reference=""),
                name="partner_cost_source_reference_once",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "period_start"], name="partner_cost_tenant_day"),
            models.Index(fields=["tenant", "partner_organization", "period_start"], name="partner_cost_partner_day"),
            models.Index(fields=["tenant", "id"], name="partner_cost_tenant_id"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} {self.currency}"


class ExchangeRate(TenantOwnedModel):
    """How much one unit of `currency` is worth in the tenant's base currency, as the program's finance team sets it.
    Reports convert every amount with it; amounts in a currency without a rate are left out and counted."""

    currency = models.CharField(_("currency"), max_length=3)
    rate = models.DecimalField(
        _("rate"), max_digits=18, decimal_places=8, help_text=_("Base-currency units for one unit of this currency.")
    )

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "currency"], name="exchange_rate_currency_once"),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="exchange_rate_positive"),
        ]

    def __str__(self):
        return f"1 {self.currency} = {self.rate}"
