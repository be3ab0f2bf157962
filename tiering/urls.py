"""Pages of the tiering app (included under /t/<slug>/ through `PAGE_URLS`)."""

from django.urls import path

from tiering.views import partner as views
from tiering.views import staff

urlpatterns = [
    path("tier/", views.MyTierView.as_view(), name="my_tier"),
    path("tiers/", staff.TierOverviewView.as_view(), name="tier_overview"),
    path("tiers/what-if/", staff.TierWhatIfView.as_view(), name="tier_what_if"),
    path("tiers/partners/<int:partner_id>/", staff.PartnerTierView.as_view(), name="partner_tier"),
    path(
        "tiers/partners/<int:partner_id>/overrides/",
        staff.TierOverrideCreateView.as_view(),
        name="partner_tier_override",
    ),
    path(
        "tiers/partners/<int:partner_id>/overrides/<int:override_id>/end/",
        staff.TierOverrideEndView.as_view(),
        name="partner_tier_override_end",
    ),
    path(
        "tiers/partners/<int:partner_id>/recalculate/",
        staff.PartnerTierRecalculateView.as_view(),
        name="partner_tier_recalculate",
    ),
]
