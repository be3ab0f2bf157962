"""API for agreements: its viewsets and their router entries."""

# (prefix, viewset, basename) for prm/api/urls.py
ROUTES = []
