"""Pages of the tiering app (included under /t/<slug>/ through `PAGE_URLS`)."""

from django.urls import path

from tiering.views import partner as views

urlpatterns = [
    path("tier/", views.MyTierView.as_view(), name="my_tier"),
]
