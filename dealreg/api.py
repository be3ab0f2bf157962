"""Deal registration and CRM API."""

# (prefix, viewset, basename) for prm/api/urls.py
ROUTES = []
