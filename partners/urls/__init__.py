"""URLs of the partners app (included under /t/<slug>/ by prm.urls), one module per area."""

from django.urls import include, path

urlpatterns = [
    path("", include("partners.urls.directory")),
    path("", include("partners.urls.recruitment")),
    path("", include("partners.urls.onboarding")),
    path("", include("partners.urls.agreements")),
]
