"""API for onboarding: its viewsets and their router entries."""

# (prefix, viewset, basename) for prm/api/urls.py
ROUTES = []
