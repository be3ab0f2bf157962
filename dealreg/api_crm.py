"""CRM side of deal registration: accounts and opportunities pushed by the vendor's CRM."""

# (prefix, viewset, basename) for prm/api/urls.py
ROUTES = []
