"""Enablement pages: authoring."""

urlpatterns: list = []
