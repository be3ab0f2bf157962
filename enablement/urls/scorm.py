"""Enablement pages: scorm."""

urlpatterns: list = []
