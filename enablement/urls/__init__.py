"""URLs of the enablement app (included under /t/<slug>/ through `PAGE_URLS`), one module per area."""

from django.urls import include, path

urlpatterns = [
    path("", include("enablement.urls.learning")),
    path("", include("enablement.urls.authoring")),
    path("", include("enablement.urls.quizzes")),
    path("", include("enablement.urls.scorm")),
    path("", include("enablement.urls.certifications")),
]
