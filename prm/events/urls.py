from django.urls import path

from prm.events import views

urlpatterns = [
    path("settings/events/failed/", views.FailureListView.as_view(), name="event_failures"),
    path(
        "settings/events/failed/<int:failure_id>/retry/", views.FailureRetryView.as_view(), name="event_failure_retry"
    ),
    path(
        "settings/events/failed/<int:failure_id>/dismiss/",
        views.FailureDismissView.as_view(),
        name="event_failure_dismiss",
    ),
]
