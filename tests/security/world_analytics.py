"""The isolation world's analytics: partner costs of tenant A for organizations X and Y (their notes carry each
side's marker: Y's people and tenant B's must never read X's, and partners read no cost at all) and one of tenant B;
an exchange rate of each tenant. A won deal of X that Y influenced gives both scorecards figures.

The dashboard, the exports, the costs and every partner's scorecard page are staff pages; a partner reads only its own
scorecard (`/analytics/scorecard/`, no id in the address) and, over the API, `/analytics/scorecards/<its id>/`."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from analytics.models import ExchangeRate, PartnerCost
from prm.tenancy import tenant_context

# URL parameter -> the object's id, for page routes (the scorecard's `partner_id` is the world's: X).
OBJECT_KWARGS = {"cost_id": lambda w: w.analytics_cost_x.pk}
# Router basename -> the object's id, for API detail routes.
API_OBJECTS = {
    "partner-cost": lambda w: w.analytics_cost_x.pk,
    "analytics-scorecard": lambda w: w.org_x.pk,
    "analytics-program-metrics": lambda w: None,
}


def extend(world) -> None:
    """Create this area's objects (runs inside tenant A's context) and set them as attributes of the world."""
    today = timezone.localdate()
    world.analytics_cost_x = PartnerCost.objects.create(
        partner_organization=world.org_x,
        period_start=today - timedelta(days=10),
        kind="enablement",
        amount=Decimal("1200.00"),
        currency="USD",
        note="Xylophone Secure bootcamp",
    )
    world.analytics_cost_y = PartnerCost.objects.create(
        partner_organization=world.org_y,
        period_start=today - timedelta(days=10),
        kind="incentives",
        amount=Decimal("800.00"),
        currency="EUR",
        note="Yonder Secret rebate",
    )
    ExchangeRate.objects.create(currency="EUR", rate=Decimal("1.1"))
    with tenant_context(world.tenant_b):
        world.analytics_cost_b = PartnerCost.objects.create(
            partner_organization=world.org_b,
            period_start=today - timedelta(days=10),
            kind="mdf",
            amount=Decimal("999.00"),
            currency="USD",
            note="Bravo Secret MDF",
        )
