"""Deal registration pages."""

from django.urls import path

from dealreg import views, views_review

urlpatterns = [
    path("deals/", views.DealListView.as_view(), name="deal_list"),
    path("deals/new/", views.DealCreateView.as_view(), name="deal_create"),
    path("deals/check-conflicts/", views.DealConflictCheckView.as_view(), name="deal_conflict_check"),
    path("deals/review/", views_review.DealQueueView.as_view(), name="deal_queue"),
    path("deals/review/bulk/", views_review.DealBulkDecideView.as_view(), name="deal_bulk_decide"),
    path("deals/export.csv", views_review.DealExportView.as_view(), name="deal_export"),
    path("deals/rules/", views_review.EngagementRulesView.as_view(), name="deal_rules"),
    path("deals/<int:deal_id>/", views.DealDetailView.as_view(), name="deal_detail"),
    path("deals/<int:deal_id>/edit/", views.DealEditView.as_view(), name="deal_edit"),
    path("deals/<int:deal_id>/submit/", views.DealSubmitView.as_view(), name="deal_submit"),
    path("deals/<int:deal_id>/withdraw/", views.DealWithdrawView.as_view(), name="deal_withdraw"),
    path("deals/<int:deal_id>/answer/", views.DealAnswerView.as_view(), name="deal_answer"),
    path("deals/<int:deal_id>/decide/", views.DealDecideView.as_view(), name="deal_decide"),
    path("deals/<int:deal_id>/close/", views.DealCloseView.as_view(), name="deal_close"),
    path("deals/<int:deal_id>/extension/", views.DealExtensionRequestView.as_view(), name="deal_extension_request"),
    path(
        "deals/<int:deal_id>/extensions/<int:extension_id>/",
        views.DealExtensionDecideView.as_view(),
        name="deal_extension_decide",
    ),
    path("deals/<int:deal_id>/participants/", views.DealParticipantsView.as_view(), name="deal_participants"),
    # Public: the program's rules of engagement, for anyone.
    path("rules/", views_review.program_rules, name="program_rules"),
]
