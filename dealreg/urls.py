"""Deal registration pages."""

from django.urls import path

from dealreg.views import influence, registrations, review

urlpatterns = [
    path("deals/", registrations.DealListView.as_view(), name="deal_list"),
    path("deals/new/", registrations.DealCreateView.as_view(), name="deal_create"),
    path("deals/check-conflicts/", registrations.DealConflictCheckView.as_view(), name="deal_conflict_check"),
    path("deals/review/", review.DealQueueView.as_view(), name="deal_queue"),
    path("deals/review/bulk/", review.DealBulkDecideView.as_view(), name="deal_bulk_decide"),
    path("deals/export.csv", review.DealExportView.as_view(), name="deal_export"),
    path("deals/rules/", review.EngagementRulesView.as_view(), name="deal_rules"),
    path("deals/<int:deal_id>/", registrations.DealDetailView.as_view(), name="deal_detail"),
    path("deals/<int:deal_id>/edit/", registrations.DealEditView.as_view(), name="deal_edit"),
    path("deals/<int:deal_id>/submit/", registrations.DealSubmitView.as_view(), name="deal_submit"),
    path("deals/<int:deal_id>/withdraw/", registrations.DealWithdrawView.as_view(), name="deal_withdraw"),
    path("deals/<int:deal_id>/answer/", registrations.DealAnswerView.as_view(), name="deal_answer"),
    path("deals/<int:deal_id>/decide/", registrations.DealDecideView.as_view(), name="deal_decide"),
    path("deals/<int:deal_id>/close/", registrations.DealCloseView.as_view(), name="deal_close"),
    path(
        "deals/<int:deal_id>/extension/",
        registrations.DealExtensionRequestView.as_view(),
        name="deal_extension_request",
    ),
    path(
        "deals/<int:deal_id>/extensions/<int:extension_id>/",
        registrations.DealExtensionDecideView.as_view(),
        name="deal_extension_decide",
    ),
    path("deals/<int:deal_id>/participants/", registrations.DealParticipantsView.as_view(), name="deal_participants"),
    path("deals/influence/", influence.InfluenceClaimsView.as_view(), name="influence_claims"),
    path("deals/influence/review/", influence.InfluenceQueueView.as_view(), name="influence_queue"),
    path("deals/influence/add/", influence.InfluenceAddView.as_view(), name="influence_add"),
    path(
        "deals/influence/<int:claim_id>/decide/",
        influence.InfluenceClaimDecideView.as_view(),
        name="influence_claim_decide",
    ),
    # Public: the program's rules of engagement, for anyone.
    path("rules/", review.program_rules, name="program_rules"),
]
