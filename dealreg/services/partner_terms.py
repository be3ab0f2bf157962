"""A partner's own deal registration terms (protection period, auto-approval limit), set from above (the tier
program pushes its tiers' benefits here) and read by the review and submission use cases, falling back to the
program's rules of engagement for a term the partner has none of."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from dealreg.models import EngagementRules, PartnerDealTerms


@dataclass(frozen=True)
class DealTerms:
    protection_days: int | None = None
    auto_approve_max_amount: Decimal | None = None
    source: str = ""


def partner_deal_terms_set(*, terms: Mapping[int, DealTerms]) -> int:
    """Write the terms of these partners (by partner id) in one statement, replacing what they had."""
    if not terms:
        return 0
    rows = [
        PartnerDealTerms(
            partner_organization_id=partner_id,
            protection_days=term.protection_days,
            auto_approve_max_amount=term.auto_approve_max_amount,
            source=term.source[:100],
        )
        for partner_id, term in terms.items()
    ]
    PartnerDealTerms.objects.bulk_create(
        rows,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["tenant", "partner_organization"],
        update_fields=["protection_days", "auto_approve_max_amount", "source", "updated_at"],
    )
    return len(rows)


def _terms_of(partner_id: int) -> PartnerDealTerms | None:
    return PartnerDealTerms.objects.filter(partner_organization_id=partner_id).first()


def protection_days_for(partner_id: int, rules: EngagementRules) -> int:
    """The partner's own protection period when it has one (its tier's), else the rules of engagement's."""
    terms = _terms_of(partner_id)
    return terms.protection_days if terms and terms.protection_days else rules.protection_days


def auto_approve_limit_for(partner_id: int, rules: EngagementRules) -> Decimal | None:
    """The partner's own auto-approval limit when it has one (its tier's), else the rules of engagement's."""
    terms = _terms_of(partner_id)
    if terms and terms.auto_approve_max_amount is not None:
        return terms.auto_approve_max_amount
    return rules.auto_approve_max_amount
