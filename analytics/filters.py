"""The partner cost FilterSet, shared by the API list (and ready for the staff list)."""

import django_filters

from analytics.models import CostKind, CostSource, PartnerCost
from prm.api.viewsets import UpdatedSinceFilterSet


class PartnerCostFilterSet(UpdatedSinceFilterSet):
    partner_organization = django_filters.NumberFilter(
        field_name="partner_organization_id", help_text="Only this partner's costs (id)."
    )
    kind = django_filters.ChoiceFilter(choices=CostKind.choices, help_text="Only costs of this kind.")
    source = django_filters.ChoiceFilter(choices=CostSource.choices, help_text="Only costs from this source.")
    date_from = django_filters.DateFilter(
        field_name="period_start", lookup_expr="gte", help_text="Costs dated on or after this day (YYYY-MM-DD)."
    )
    date_to = django_filters.DateFilter(
        field_name="period_start", lookup_expr="lte", help_text="Costs dated on or before this day (YYYY-MM-DD)."
    )

    class Meta:
        model = PartnerCost
        fields = ["partner_organization", "kind", "source", "date_from", "date_to", "updated_since"]
