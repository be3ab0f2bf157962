"""`PartnerOrganization.tier`: a cache of the tier the tier program gives each partner, for the directory's filter
and the API. Written only here, and only by the tier program (the app above), never by a form or the API."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from partners.models import PartnerOrganization


def partner_tier_cache_set(*, tiers: Mapping[int, str]) -> int:
    """Set the cached tier name of these partners (by id): one UPDATE per tier name, whatever the number of
    partners. Returns how many rows changed."""
    by_name: dict[str, list[int]] = defaultdict(list)
    for partner_id, name in tiers.items():
        by_name[name or ""].append(partner_id)
    changed = 0
    for name, partner_ids in by_name.items():
        changed += PartnerOrganization.objects.filter(pk__in=partner_ids).exclude(tier=name).update(tier=name)
    return changed
