"""Onboarding plans, the partner's checklist and the channel manager's progress view."""

from django.urls import path

from partners.views import onboarding as views

urlpatterns = [
    path("onboarding/", views.OnboardingProgressView.as_view(), name="onboarding_progress"),
    path("onboarding/plans/", views.PlanListView.as_view(), name="onboarding_plans"),
    path("onboarding/settings/", views.OnboardingSettingsView.as_view(), name="onboarding_settings"),
    path("onboarding/plans/<int:onboarding_plan_id>/", views.PlanDetailView.as_view(), name="onboarding_plan"),
    path(
        "onboarding/plans/<int:onboarding_plan_id>/steps/<int:plan_step_id>/",
        views.PlanStepView.as_view(),
        name="onboarding_plan_step",
    ),
    path(
        "onboarding/plans/<int:onboarding_plan_id>/steps/<int:plan_step_id>/remove/",
        views.PlanStepRemoveView.as_view(),
        name="onboarding_plan_step_remove",
    ),
    path(
        "onboarding/plans/<int:onboarding_plan_id>/steps/<int:plan_step_id>/move/",
        views.PlanStepMoveView.as_view(),
        name="onboarding_plan_step_move",
    ),
    path("portal/onboarding/", views.PortalOnboardingView.as_view(), name="portal_onboarding"),
    path(
        "partners/<int:partner_id>/onboarding/start/",
        views.PartnerOnboardingStartView.as_view(),
        name="partner_onboarding_start",
    ),
    path(
        "partners/<int:partner_id>/onboarding/steps/<int:onboarding_step_id>/complete/",
        views.OnboardingStepCompleteView.as_view(),
        name="onboarding_step_complete",
    ),
    path("partners/<int:partner_id>/documents/", views.PartnerDocumentsView.as_view(), name="partner_documents"),
    path(
        "partners/<int:partner_id>/documents/<int:partner_document_id>/",
        views.PartnerDocumentDownloadView.as_view(),
        name="partner_document_download",
    ),
]
