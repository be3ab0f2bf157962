from django.db.models import Count, Q, QuerySet

from partners.models import PartnerOrganization


def partner_list(*, search: str = "", status: str = "", partner_type: str = "") -> QuerySet[PartnerOrganization]:
    queryset = PartnerOrganization.objects.annotate(
        user_count=Count("memberships", filter=Q(memberships__is_active=True))
    ).order_by("name")
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(website__icontains=search))
    if status:
        queryset = queryset.filter(status=status)
    if partner_type:
        queryset = queryset.filter(partner_type=partner_type)
    return queryset


def partner_get(*, partner_id: int) -> PartnerOrganization | None:
    return PartnerOrganization.objects.filter(pk=partner_id).first()


def partner_queryset() -> QuerySet[PartnerOrganization]:
    """Partner organizations of the current tenant, for the API (filters come from its FilterSet)."""
    return PartnerOrganization.objects.all()
