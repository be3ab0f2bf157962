"""API for recruitment: its viewsets and their router entries."""

# (prefix, viewset, basename) for prm/api/urls.py
ROUTES = []
