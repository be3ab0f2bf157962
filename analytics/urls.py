"""Pages of the analytics app (included under /t/<slug>/ through `PAGE_URLS`)."""

from django.urls import path

from analytics.views import costs, dashboard

urlpatterns = [
    path("analytics/", dashboard.DashboardView.as_view(), name="analytics_dashboard"),
    path("analytics/export/", dashboard.DashboardExportView.as_view(), name="analytics_export"),
    path(
        "analytics/partners/<int:partner_id>/",
        dashboard.PartnerScorecardView.as_view(),
        name="analytics_partner_scorecard",
    ),
    path("analytics/scorecard/", dashboard.MyScorecardView.as_view(), name="analytics_my_scorecard"),
    path("analytics/costs/", costs.CostListView.as_view(), name="analytics_costs"),
    path("analytics/costs/import/", costs.CostImportView.as_view(), name="analytics_cost_import"),
    path("analytics/costs/<int:cost_id>/delete/", costs.CostDeleteView.as_view(), name="analytics_cost_delete"),
    path("analytics/rates/", costs.ExchangeRatesView.as_view(), name="analytics_rates"),
]
