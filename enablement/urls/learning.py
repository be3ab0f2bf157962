"""Enablement pages: learning (the catalogue, my learning, courses and lessons being taken, paths, a team's
learning, a rule's backfill)."""

from django.urls import path

from enablement.views import learning as views

urlpatterns = [
    path("learning/", views.MyLearningView.as_view(), name="learning_home"),
    path("learning/catalogue/", views.CatalogueView.as_view(), name="learning_catalogue"),
    path("learning/courses/<int:course_id>/", views.CourseOverviewView.as_view(), name="learning_course_overview"),
    path("learning/courses/<int:course_id>/enroll/", views.EnrollView.as_view(), name="learning_enroll"),
    path("learning/enrollments/<int:enrollment_id>/", views.CourseView.as_view(), name="learning_course"),
    path("learning/enrollments/<int:enrollment_id>/retake/", views.RetakeView.as_view(), name="learning_retake"),
    path(
        "learning/enrollments/<int:enrollment_id>/lessons/<int:lesson_id>/",
        views.LessonView.as_view(),
        name="learning_lesson",
    ),
    path(
        "learning/enrollments/<int:enrollment_id>/lessons/<int:lesson_id>/file/",
        views.LessonFileView.as_view(),
        name="learning_lesson_file",
    ),
    path("learning/paths/", views.PathsView.as_view(), name="learning_paths"),
    path("learning/paths/<int:path_id>/start/", views.PathStartView.as_view(), name="learning_path_start"),
    path("learning/team/", views.TeamView.as_view(), name="learning_team"),
    path("learning/rules/<int:rule_id>/backfill/", views.RuleBackfillView.as_view(), name="learning_rule_backfill"),
]
