"""Enablement pages: certifications."""

urlpatterns: list = []
