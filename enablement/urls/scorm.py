"""Enablement pages: SCORM (import and preview for authors, the player and its commits for learners, and the
package files, reached with a signed token)."""

from django.urls import path

from enablement.views import scorm as views

urlpatterns = [
    # The course editor links a module's "SCORM package" button here (`?module=<id>`).
    path("authoring/scorm/upload/", views.ScormImportView.as_view(), name="scorm_upload"),
    path("authoring/scorm/packages/<int:package_id>/preview/", views.ScormPreviewView.as_view(), name="scorm_preview"),
    path(
        "learning/enrollments/<int:enrollment_id>/lessons/<int:lesson_id>/scorm/",
        views.ScormPlayerView.as_view(),
        name="scorm_player",
    ),
    path("learning/scorm/commit/<str:commit_token>/", views.ScormCommitView.as_view(), name="scorm_commit"),
    path(
        "scorm/content/<str:content_token>/<path:file_path>",
        views.ScormContentView.as_view(),
        name="scorm_content",
    ),
]
