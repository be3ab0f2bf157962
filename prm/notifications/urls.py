from django.urls import path

from prm.notifications import views

urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("notifications/bell/", views.NotificationBellView.as_view(), name="notifications_bell"),
    path("notifications/menu/", views.NotificationMenuView.as_view(), name="notifications_menu"),
    path("notifications/read-all/", views.NotificationReadAllView.as_view(), name="notifications_read_all"),
    path("notifications/preferences/", views.NotificationPreferencesView.as_view(), name="notification_preferences"),
    path("notifications/<int:notification_id>/", views.NotificationOpenView.as_view(), name="notification_open"),
    path("notifications/<int:notification_id>/read/", views.NotificationReadView.as_view(), name="notification_read"),
]
