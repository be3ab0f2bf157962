"""Read queries of the platform core: scoped to the current tenant (or explicitly to one user's tenants)."""

from __future__ import annotations

import pghistory.models
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from prm.history import history_rows, subject_names
from prm.models import Invitation, Membership, Tenant
from prm.tenancy import all_tenants


def membership_for(*, user, tenant: Tenant) -> Membership | None:
    """The user's active membership in the current tenant (call inside tenant_context)."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.select_related("user", "partner_organization", "tenant")
        .filter(user=user, is_active=True)
        .first()
    )


def tenants_of_user(*, user) -> list[Tenant]:
    """Every program the user belongs to, for the tenant switcher: the one cross-tenant read a user makes."""
    if not user.is_authenticated:
        return []
    with all_tenants():
        memberships = list(
            Membership.unscoped.select_related("tenant")
            .filter(user=user, is_active=True, tenant__is_active=True)
            .order_by("tenant__name")
        )
    return [m.tenant for m in memberships]


def members_list(*, partner_organization_id: int | None = None) -> QuerySet[Membership]:
    queryset = Membership.objects.select_related("user", "partner_organization").order_by(
        "partner_organization__name", "user__email"
    )
    if partner_organization_id is not None:
        queryset = queryset.filter(partner_organization_id=partner_organization_id)
    return queryset


def invitations_list(
    *, partner_organization_id: int | None = None, open_only: bool = True, pending_only: bool = False
) -> QuerySet[Invitation]:
    """Invitations, newest first. `open_only`: not accepted nor withdrawn (expired ones included, so they can be
    seen and re-sent); `pending_only`: open and not yet expired, i.e. links that still work."""
    queryset = Invitation.objects.select_related("partner_organization", "invited_by").order_by("-created_at")
    if open_only or pending_only:
        queryset = queryset.filter(accepted_at__isnull=True, revoked_at__isnull=True)
    if pending_only:
        queryset = queryset.filter(expires_at__gt=timezone.now())
    if partner_organization_id is not None:
        queryset = queryset.filter(partner_organization_id=partner_organization_id)
    return queryset


def history_for(*objs, limit: int = 50) -> list[dict]:
    """Change history of records, newest first, as people read it (`prm.history.history_rows`): who, when, what,
    and each changed field from what to what. One query per kind of record, plus one per kind of record named."""
    # pghistory aggregates the events of one model at a time: one query per kind of record, merged here.
    by_model: dict[type, list] = {}
    for obj in objs:
        by_model.setdefault(type(obj), []).append(obj)
    events = []
    for group in by_model.values():
        events += pghistory.models.Events.objects.tracks(*group).order_by("-pgh_created_at", "-pgh_id")[:limit]
    events = sorted(events, key=lambda e: (e.pgh_created_at, e.pgh_id), reverse=True)[:limit]
    return history_rows(events, subjects=subject_names(objs))


def member_counts() -> dict:
    """The console's people figures: active staff and partner users, and invitations not yet accepted."""
    counts = Membership.objects.aggregate(
        staff=Count("id", filter=Q(is_active=True, partner_organization__isnull=True)),
        partner_users=Count("id", filter=Q(is_active=True, partner_organization__isnull=False)),
    )
    return {**counts, "open_invitations": invitations_list(pending_only=True).count()}
