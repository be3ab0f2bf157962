from django.urls import path

from prm.api import pages

urlpatterns = [
    path("settings/api-keys/", pages.ApiKeysView.as_view(), name="api_keys"),
    path("settings/api-keys/revoke/", pages.ApiKeyRevokeView.as_view(), name="api_key_revoke"),
]
