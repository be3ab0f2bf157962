"""The one FilterSet of deal registrations: the staff list, the review queue, the CSV export and the API list
all filter through it."""

from datetime import timedelta

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealreg.models import DealRegistration, DealStatus, RevenueType
from dealreg.selectors import has_current_conflicts
from dealreg.services.review import SLA_DUE_SOON
from prm.api.viewsets import UpdatedSinceFilterSet

SLA_CHOICES = [("on_time", _("On time")), ("due_soon", _("Due soon")), ("overdue", _("Overdue"))]


class DealFilterSet(UpdatedSinceFilterSet):
    search = django_filters.CharFilter(
        method="filter_search", max_length=100, help_text="Part of the customer's name or domain, or the title."
    )
    status = django_filters.MultipleChoiceFilter(
        choices=DealStatus.choices, help_text="One status, or several (`status=submitted&status=under_review`)."
    )
    partner_organization = django_filters.NumberFilter(
        field_name="partner_organization_id", help_text="Only this partner's registrations (id)."
    )
    min_amount = django_filters.NumberFilter(
        field_name="amount", lookup_expr="gte", min_value=0, max_digits=14, decimal_places=2, help_text="Lowest amount."
    )
    max_amount = django_filters.NumberFilter(
        field_name="amount",
        lookup_expr="lte",
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text="Highest amount.",
    )
    currency = django_filters.CharFilter(lookup_expr="iexact", max_length=3)
    min_age_days = django_filters.NumberFilter(
        method="filter_min_age", min_value=0, max_value=3650, help_text="Submitted at least this many days ago."
    )
    max_age_days = django_filters.NumberFilter(
        method="filter_max_age", min_value=0, max_value=3650, help_text="Submitted at most this many days ago."
    )
    sla = django_filters.ChoiceFilter(
        choices=SLA_CHOICES,
        method="filter_sla",
        help_text="Review SLA of registrations waiting for review: on time, due within 24 hours, or overdue.",
    )
    has_conflicts = django_filters.BooleanFilter(
        method="filter_has_conflicts", help_text="Only registrations with (true) or without (false) conflicts."
    )
    protected_until_before = django_filters.DateFilter(
        field_name="protected_until", lookup_expr="lte", help_text="Protection ending on or before this date."
    )
    external_id = django_filters.CharFilter(max_length=100)
    revenue_type = django_filters.MultipleChoiceFilter(
        choices=RevenueType.choices, help_text="New business, expansion or renewal (several allowed)."
    )
    campaign_code = django_filters.CharFilter(
        lookup_expr="iexact", max_length=32, help_text="Registrations that came from this marketing campaign."
    )

    class Meta:
        model = DealRegistration
        fields = []

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(customer_name__icontains=value) | Q(customer_domain__icontains=value) | Q(title__icontains=value)
        )

    def filter_min_age(self, queryset, name, value):
        return queryset.filter(submitted_at__lte=timezone.now() - timedelta(days=int(value)))

    def filter_max_age(self, queryset, name, value):
        return queryset.filter(submitted_at__gte=timezone.now() - timedelta(days=int(value)))

    def filter_sla(self, queryset, name, value):
        now = timezone.now()
        waiting = queryset.filter(
            status__in=(DealStatus.SUBMITTED, DealStatus.UNDER_REVIEW), review_due_at__isnull=False
        )
        if value == "overdue":
            return waiting.filter(review_due_at__lte=now)
        if value == "due_soon":
            return waiting.filter(review_due_at__gt=now, review_due_at__lte=now + SLA_DUE_SOON)
        return waiting.filter(review_due_at__gt=now + SLA_DUE_SOON)

    def filter_has_conflicts(self, queryset, name, value):
        if value is None:
            return queryset
        # As the lists count them: the CRM records found at screening, and active registrations of the same customer,
        # earlier or later.
        current = has_current_conflicts()
        return queryset.filter(current) if value else queryset.exclude(current)
