"""Program agreements: versions, publishing and click-to-accept."""

from django.urls import path

from partners.views import agreements as views

urlpatterns = [
    path("agreements/", views.AgreementListView.as_view(), name="agreement_list"),
    path("agreements/new/", views.AgreementCreateView.as_view(), name="agreement_create"),
    path("agreements/<int:agreement_id>/", views.AgreementDetailView.as_view(), name="agreement_detail"),
    path(
        "agreements/<int:agreement_id>/versions/new/",
        views.AgreementVersionCreateView.as_view(),
        name="agreement_version_create",
    ),
    path(
        "agreements/<int:agreement_id>/versions/<int:version_id>/",
        views.AgreementVersionView.as_view(),
        name="agreement_version",
    ),
    path(
        "agreements/<int:agreement_id>/versions/<int:version_id>/edit/",
        views.AgreementVersionEditView.as_view(),
        name="agreement_version_edit",
    ),
    path(
        "agreements/<int:agreement_id>/versions/<int:version_id>/publish/",
        views.AgreementVersionPublishView.as_view(),
        name="agreement_version_publish",
    ),
    path("portal/agreements/", views.PortalAgreementListView.as_view(), name="portal_agreements"),
    path("portal/agreements/<int:agreement_id>/", views.PortalAgreementView.as_view(), name="portal_agreement"),
    path(
        "portal/agreements/<int:agreement_id>/accept/",
        views.PortalAgreementAcceptView.as_view(),
        name="portal_agreement_accept",
    ),
]
