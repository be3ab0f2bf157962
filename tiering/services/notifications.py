"""Notifications of tier changes to the partner's admins and its channel manager (from the events' relay)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from partners.selectors import partner_get
from prm.i18n import lazy_format
from prm.models import Event, Membership
from prm.notifications import notify
from prm.roles import Role
from tiering.declarations import TIER_AT_RISK


def tier_change_notify(event: Event) -> None:
    payload = event.payload or {}
    partner = partner_get(partner_id=int(payload.get("partner_organization_id") or 0))
    if partner is None:
        return
    admins = [
        membership.user
        for membership in Membership.objects.select_related("user").filter(
            partner_organization_id=partner.pk, role=Role.PARTNER_ADMIN, is_active=True
        )
    ]
    owner = [partner.owner] if partner.owner_id else []
    if event.type == TIER_AT_RISK:
        title = lazy_format(_("%(partner)s: %(tier)s at risk"), partner=partner.name, tier=payload.get("tier", ""))
        body = lazy_format(
            _("Demotion is due on %(date)s unless it qualifies again. Missing: %(missing)s."),
            date=payload.get("demotion_due", ""),
            missing=payload.get("missing", ""),
        )
    else:
        title = lazy_format(_("%(partner)s is now %(tier)s"), partner=partner.name, tier=payload.get("tier") or "-")
        body = lazy_format(_("Previous tier: %(tier)s."), tier=payload.get("previous_tier") or "-")
    notify(users=[*admins, *owner], kind=event.type, title=title, body=body)
