from django.urls import path

from partners.views import directory as views

urlpatterns = [
    path("partners/", views.PartnerListView.as_view(), name="partner_list"),
    path("partners/options/", views.PartnerOptionsView.as_view(), name="partner_options"),
    path("partners/export.csv", views.PartnerExportView.as_view(), name="partner_export"),
    path("partners/import/", views.PartnerImportView.as_view(), name="partner_import"),
    path("partners/<int:partner_id>/edit/", views.PartnerProfileEditView.as_view(), name="partner_profile_edit"),
    path("partners/<int:partner_id>/contacts/", views.PartnerContactsView.as_view(), name="partner_contacts"),
    path(
        "partners/<int:partner_id>/contacts/<int:contact_id>/",
        views.PartnerContactEditView.as_view(),
        name="partner_contact_edit",
    ),
    path(
        "partners/<int:partner_id>/contacts/<int:contact_id>/delete/",
        views.PartnerContactDeleteView.as_view(),
        name="partner_contact_delete",
    ),
    path("portal/profile/", views.PortalProfileView.as_view(), name="portal_profile"),
    path("partners/<int:partner_id>/", views.PartnerDetailView.as_view(), name="partner_detail"),
    path("partners/<int:partner_id>/status/", views.PartnerStatusView.as_view(), name="partner_status"),
]
