"""The public application page, the review queue and the ideal partner profile."""

from django.urls import path

from partners.views import recruitment as views

urlpatterns = [
    # Public: anyone may apply (see prm.middleware.tenant_public).
    path("apply/", views.ApplyView.as_view(), name="apply"),
    path("apply/logo/", views.ApplyLogoView.as_view(), name="apply_logo"),
    path("apply/confirm/<str:confirmation_token>/", views.ApplyConfirmView.as_view(), name="apply_confirm"),
    # Staff
    path("applications/", views.ApplicationQueueView.as_view(), name="application_list"),
    path("applications/<int:application_id>/", views.ApplicationDetailView.as_view(), name="application_detail"),
    path(
        "applications/<int:application_id>/approve/",
        views.ApplicationApproveView.as_view(),
        name="application_approve",
    ),
    path(
        "applications/<int:application_id>/decline/",
        views.ApplicationDeclineView.as_view(),
        name="application_decline",
    ),
    path("recruitment/", views.RecruitmentSettingsView.as_view(), name="recruitment_settings"),
    path("recruitment/criteria/", views.CriterionCreateView.as_view(), name="criterion_create"),
    path("recruitment/criteria/<int:criterion_id>/", views.CriterionEditView.as_view(), name="criterion_edit"),
    path(
        "recruitment/criteria/<int:criterion_id>/delete/",
        views.CriterionDeleteView.as_view(),
        name="criterion_delete",
    ),
]
