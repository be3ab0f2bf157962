"""Enablement pages: authoring (courses, modules, lessons, preview, enrollment rules, learning paths) and the
download of a lesson's file."""

from django.urls import path

from enablement.views import authoring as views
from enablement.views import learning_paths as path_views

COURSE = "authoring/courses/<int:course_id>/"
MODULE = f"{COURSE}modules/<int:module_id>/"
LESSON = f"{COURSE}lessons/<int:lesson_id>/"
PATH = "authoring/paths/<int:learning_path_id>/"

urlpatterns = [
    path("authoring/courses/", views.CourseListView.as_view(), name="authoring_courses"),
    path("authoring/courses/new/", views.CourseCreateView.as_view(), name="authoring_course_create"),
    path(COURSE, views.CourseEditView.as_view(), name="authoring_course"),
    path(f"{COURSE}details/", views.CourseDetailsView.as_view(), name="authoring_course_details"),
    path(f"{COURSE}audience/", views.CourseAudienceView.as_view(), name="authoring_course_audience"),
    path(f"{COURSE}draft/", views.CourseDraftView.as_view(), name="authoring_course_draft"),
    path(f"{COURSE}publish/", views.CoursePublishView.as_view(), name="authoring_course_publish"),
    path(f"{COURSE}discard/", views.CourseDiscardView.as_view(), name="authoring_course_discard"),
    path(f"{COURSE}archive/", views.CourseArchiveView.as_view(), name="authoring_course_archive"),
    path(f"{COURSE}preview/", views.PreviewView.as_view(), name="authoring_course_preview"),
    path(f"{COURSE}modules/", views.ModuleAddView.as_view(), name="authoring_module_add"),
    path(f"{COURSE}modules/order/", views.ModulesOrderView.as_view(), name="authoring_modules_order"),
    path(MODULE, views.ModuleEditView.as_view(), name="authoring_module"),
    path(f"{MODULE}delete/", views.ModuleDeleteView.as_view(), name="authoring_module_delete"),
    path(f"{MODULE}move/", views.ModuleMoveView.as_view(), name="authoring_module_move"),
    path(f"{MODULE}lessons/new/<str:lesson_kind>/", views.LessonAddView.as_view(), name="authoring_lesson_add"),
    path(f"{MODULE}lessons/order/", views.LessonsOrderView.as_view(), name="authoring_lessons_order"),
    path(LESSON, views.LessonEditView.as_view(), name="authoring_lesson"),
    path(f"{LESSON}delete/", views.LessonDeleteView.as_view(), name="authoring_lesson_delete"),
    path(f"{LESSON}move/", views.LessonMoveView.as_view(), name="authoring_lesson_move"),
    path(f"{LESSON}preview/", views.PreviewView.as_view(), name="authoring_lesson_preview"),
    # Learners download here too: not under authoring/.
    path("lessons/<int:lesson_id>/file/", views.LessonFileDownloadView.as_view(), name="lesson_file_download"),
    path("authoring/rules/", path_views.RuleListView.as_view(), name="authoring_rules"),
    path("authoring/rules/<int:enrollment_rule_id>/", path_views.RuleEditView.as_view(), name="authoring_rule"),
    path(
        "authoring/rules/<int:enrollment_rule_id>/delete/",
        path_views.RuleDeleteView.as_view(),
        name="authoring_rule_delete",
    ),
    path("authoring/paths/", path_views.PathListView.as_view(), name="authoring_paths"),
    path(PATH, path_views.PathEditView.as_view(), name="authoring_path"),
    path(f"{PATH}courses/", path_views.PathCourseAddView.as_view(), name="authoring_path_course_add"),
    path(f"{PATH}courses/order/", path_views.PathCoursesOrderView.as_view(), name="authoring_path_courses_order"),
    path(
        f"{PATH}courses/<int:path_step_id>/move/",
        path_views.PathCourseMoveView.as_view(),
        name="authoring_path_course_move",
    ),
    path(
        f"{PATH}courses/<int:path_step_id>/remove/",
        path_views.PathCourseRemoveView.as_view(),
        name="authoring_path_course_remove",
    ),
]
