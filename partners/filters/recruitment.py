"""The one FilterSet of applications: the review queue page and the API list both filter through it."""

import django_filters
from django.db.models import Q

from partners.models import ApplicationStatus, PartnerApplication
from prm.api.viewsets import UpdatedSinceFilterSet


class ApplicationFilterSet(UpdatedSinceFilterSet):
    search = django_filters.CharFilter(
        method="filter_search", help_text="Part of the company name, its domain, or the contact's name or email."
    )
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices)
    min_score = django_filters.NumberFilter(
        field_name="ipp_score", lookup_expr="gte", min_value=0, max_value=100, help_text="Lowest IPP score (0–100)."
    )
    external_id = django_filters.CharFilter()

    class Meta:
        model = PartnerApplication
        fields = ["search", "status", "min_score", "external_id"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(company_name__icontains=value)
            | Q(email_domain__icontains=value)
            | Q(contact_email__icontains=value)
            | Q(contact_first_name__icontains=value)
            | Q(contact_last_name__icontains=value)
        )
