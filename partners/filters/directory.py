"""The one FilterSet of partner organizations: the directory page and the API list both filter through it."""

import django_filters
from django.db.models import Q

from partners import selectors
from partners.models import PartnerContact, PartnerOrganization, PartnerStatus, PartnerType
from prm.api.viewsets import UpdatedSinceFilterSet


class PartnerFilterSet(UpdatedSinceFilterSet):
    search = django_filters.CharFilter(
        method="filter_search", help_text="Part of the name, legal name, website or an email domain."
    )
    status = django_filters.ChoiceFilter(choices=PartnerStatus.choices)
    # Built-in types in the class (what the schema documents); each instance adds the tenant's custom types.
    partner_type = django_filters.ChoiceFilter(choices=PartnerType.choices)
    tier = django_filters.CharFilter(help_text="Exact tier, as the tier program names it.")
    region = django_filters.CharFilter(lookup_expr="iexact")
    owner = django_filters.NumberFilter(field_name="owner_id", help_text="User id of the owning channel manager.")
    min_score = django_filters.NumberFilter(
        field_name="ipp_score", lookup_expr="gte", min_value=0, max_value=100, help_text="Lowest IPP score (0–100)."
    )
    external_id = django_filters.CharFilter()

    class Meta:
        model = PartnerOrganization
        fields = ["search", "status", "partner_type", "tier", "region", "owner", "min_score", "external_id"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A callable: read (in the request's tenant) only when the form is built. The class's filter may hold a
        # form field built with the built-in types only (schema generation builds it): drop it so it is rebuilt.
        partner_type = self.filters["partner_type"]
        partner_type.extra["choices"] = selectors.partner_type_choices
        partner_type.__dict__.pop("_field", None)

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(legal_name__icontains=value)
            | Q(website__icontains=value)
            | Q(email_domains__icontains=value)
        )


class PartnerContactFilterSet(UpdatedSinceFilterSet):
    partner_organization = django_filters.NumberFilter(
        field_name="partner_organization_id", help_text="Only the contacts of this partner organization (id)."
    )
    email = django_filters.CharFilter(lookup_expr="iexact")
    external_id = django_filters.CharFilter()

    class Meta:
        model = PartnerContact
        fields = ["partner_organization", "email", "external_id"]
