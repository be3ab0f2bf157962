"""Enablement pages: learning."""

urlpatterns: list = []
