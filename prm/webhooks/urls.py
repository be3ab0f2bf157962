from django.urls import path

from prm.webhooks import views

urlpatterns = [
    path("settings/webhooks/", views.WebhookListView.as_view(), name="webhooks"),
    path("settings/webhooks/<int:endpoint_id>/", views.WebhookDetailView.as_view(), name="webhook_detail"),
    path(
        "settings/webhooks/<int:endpoint_id>/rotate-secret/",
        views.WebhookRotateSecretView.as_view(),
        name="webhook_rotate_secret",
    ),
    path(
        "settings/webhooks/<int:endpoint_id>/active/", views.WebhookSetActiveView.as_view(), name="webhook_set_active"
    ),
    path("settings/webhooks/<int:endpoint_id>/delete/", views.WebhookDeleteView.as_view(), name="webhook_delete"),
    path(
        "settings/webhooks/deliveries/<int:delivery_id>/", views.WebhookDeliveryView.as_view(), name="webhook_delivery"
    ),
    path(
        "settings/webhooks/deliveries/<int:delivery_id>/redeliver/",
        views.WebhookRedeliverView.as_view(),
        name="webhook_redeliver",
    ),
]
