"""Enablement pages: certifications (staff definitions and awards, the learner's and the partner admin's views, the
public verification page and the issuer's documents) and the staff learning reports."""

from django.urls import path

from enablement.views import certifications as views
from enablement.views import reports

urlpatterns = [
    path("certifications/", views.CertificationListView.as_view(), name="certification_list"),
    path("certifications/new/", views.CertificationCreateView.as_view(), name="certification_create"),
    path(
        "certifications/<int:certification_id>/",
        views.CertificationDetailView.as_view(),
        name="certification_detail",
    ),
    path(
        "certifications/<int:certification_id>/edit/",
        views.CertificationEditView.as_view(),
        name="certification_edit",
    ),
    path("certifications/awards/<int:award_id>/", views.AwardDetailView.as_view(), name="certification_award"),
    path(
        "certifications/awards/<int:award_id>/revoke/",
        views.AwardRevokeView.as_view(),
        name="certification_award_revoke",
    ),
    path(
        "certifications/awards/<int:award_id>/certificate.pdf",
        views.AwardPdfView.as_view(),
        name="certification_award_pdf",
    ),
    path(
        "certifications/awards/<int:award_id>/credential.jwt",
        views.AwardCredentialView.as_view(),
        name="certification_award_credential",
    ),
    path("portal/certifications/", views.MyCertificationsView.as_view(), name="my_certifications"),
    path("portal/certifications/team/", views.TeamCertificationsView.as_view(), name="team_certifications"),
    # Public (no sign-in): the verification page, the issuer's did:web document and keys, the status list.
    path("verify/<str:verification_code>/", views.VerifyView.as_view(), name="certification_verify"),
    path("did.json", views.issuer_did_document, name="credential_issuer_did"),
    path("credentials/jwks.json", views.issuer_jwks, name="credential_jwks"),
    path("credentials/status-list/", views.status_list, name="credential_status_list"),
    # Staff reports
    path("enablement/reports/", reports.ReportView.as_view(), name="enablement_report"),
    path("enablement/reports/export.csv", reports.ReportExportView.as_view(), name="enablement_report_export"),
]
