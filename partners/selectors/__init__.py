from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

# CompanySize and PartnerStatus, the vocabulary of a partner's fields, are named by other apps through this module
# (they read partners here, never from its models): hence the explicit re-exports.
from partners.models import CompanySize as CompanySize
from partners.models import CustomPartnerType, PartnerContact, PartnerOrganization, PartnerType
from partners.models import PartnerStatus as PartnerStatus
from prm.roles import Role

# The directory's sort orders: the `ordering` parameter's value -> ORDER BY. Ties end on the name, then the id.
PARTNER_ORDERINGS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    # Unscored partners last either way.
    "score": (F("ipp_score").desc(nulls_last=True), "name", "id"),
    "-score": (F("ipp_score").asc(nulls_last=True), "name", "id"),
    "created": ("-created_at", "-id"),
    "-created": ("created_at", "id"),
}
PARTNER_ORDERING_LABELS = {
    "name": _("Name (A–Z)"),
    "-name": _("Name (Z–A)"),
    "score": _("Highest IPP score"),
    "-score": _("Lowest IPP score"),
    "created": _("Newest"),
    "-created": _("Oldest"),
}


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


def partner_directory(*, ordering: str = "name") -> QuerySet[PartnerOrganization]:
    """The staff directory: every partner of the tenant with its owner and active user count, in one query
    (the PartnerFilterSet narrows it)."""
    order = PARTNER_ORDERINGS.get(ordering, PARTNER_ORDERINGS["name"])
    return (
        PartnerOrganization.objects.select_related("owner")
        .annotate(user_count=Count("memberships", filter=Q(memberships__is_active=True)))
        .order_by(*order)
    )


def partner_export_rows(*, ordering: str = "name") -> QuerySet[PartnerOrganization]:
    """Partners for the CSV export: the owner joined, nothing per row."""
    return PartnerOrganization.objects.select_related("owner").order_by(
        *PARTNER_ORDERINGS.get(ordering, PARTNER_ORDERINGS["name"])
    )


def partner_type_choices() -> list[tuple[str, str]]:
    """Built-in partner types, then the tenant's own."""
    custom = [(t.key, t.label) for t in CustomPartnerType.objects.order_by("label")]
    return [*PartnerType.choices, *custom]


def partner_owner_choices() -> list[tuple[int, str]]:
    """People who may own partners: the tenant's active admins and channel managers."""
    from prm.selectors import members_list

    members = members_list().filter(is_active=True, role__in=[Role.TENANT_ADMIN, Role.CHANNEL_MANAGER])
    return [(m.user_id, str(m.user)) for m in members.order_by("user__email")]


def partner_get(*, partner_id: int) -> PartnerOrganization | None:
    return PartnerOrganization.objects.filter(pk=partner_id).first()


def partners_by_id(*, partner_ids) -> dict[int, PartnerOrganization]:
    """The partners of the current tenant with these ids, by id (one query); unknown ids are absent."""
    return {partner.pk: partner for partner in PartnerOrganization.objects.filter(pk__in=list(partner_ids))}


def partners_in_program() -> QuerySet[PartnerOrganization]:
    """The partners taking part in the program (active or onboarding), by name: those who may register deals."""
    return PartnerOrganization.objects.filter(status__in=(PartnerStatus.ACTIVE, PartnerStatus.ONBOARDING)).order_by(
        "name"
    )


def partner_queryset() -> QuerySet[PartnerOrganization]:
    """Partner organizations of the current tenant, for the API (filters come from its FilterSet)."""
    return PartnerOrganization.objects.all()


def partners_by_external_id_or_name() -> tuple[dict[str, PartnerOrganization], dict[str, PartnerOrganization]]:
    """Every partner of the tenant keyed by external_id and by lower-cased name (one query), for the import."""
    by_external_id, by_name = {}, {}
    for partner in PartnerOrganization.objects.all():
        if partner.external_id:
            by_external_id[partner.external_id] = partner
        by_name[partner.name.casefold()] = partner
    return by_external_id, by_name


def contact_list(*, partner_organization_id: int | None = None) -> QuerySet[PartnerContact]:
    queryset = PartnerContact.objects.select_related("partner_organization")
    if partner_organization_id is not None:
        queryset = queryset.filter(partner_organization_id=partner_organization_id)
    return queryset


def contact_get(*, partner_organization_id: int, contact_id: int) -> PartnerContact | None:
    return contact_list(partner_organization_id=partner_organization_id).filter(pk=contact_id).first()


def partner_statistics() -> dict:
    """The console's partner figures: how many, how many active, and a chart of partners by type."""
    by_status = dict(
        PartnerOrganization.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    by_type = list(
        PartnerOrganization.objects.values("partner_type").annotate(n=Count("id")).order_by("-n", "partner_type")
    )
    labels = dict(PartnerType.choices)
    return {
        "partner_total": sum(by_status.values()),
        "partners_active": by_status.get(PartnerStatus.ACTIVE, 0),
        "chart": {
            "labels": [labels.get(row["partner_type"], row["partner_type"]) for row in by_type],
            "values": [row["n"] for row in by_type],
        },
    }
