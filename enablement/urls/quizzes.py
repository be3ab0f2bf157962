"""Enablement pages: quizzes (the authors' editor and the learner's quiz lesson)."""

from django.urls import path

from enablement.views import quizzes as views

_LESSON = "learning/<int:enrollment_id>/lessons/<int:lesson_id>/quiz/"
_ATTEMPT = _LESSON + "attempts/<int:quiz_attempt_id>/"

urlpatterns = [
    path("quizzes/", views.QuizListView.as_view(), name="quiz_list"),
    path("quizzes/<int:quiz_id>/", views.QuizEditView.as_view(), name="quiz_edit"),
    path("quizzes/<int:quiz_id>/questions/add/", views.QuestionAddView.as_view(), name="quiz_question_add"),
    path(
        "quizzes/<int:quiz_id>/questions/<int:quiz_question_id>/",
        views.QuestionEditView.as_view(),
        name="quiz_question_edit",
    ),
    path(
        "quizzes/<int:quiz_id>/questions/<int:quiz_question_id>/active/",
        views.QuestionActiveView.as_view(),
        name="quiz_question_active",
    ),
    path("quizzes/<int:quiz_id>/pools/add/", views.QuizPoolAddView.as_view(), name="quiz_pool_add"),
    path("quizzes/<int:quiz_id>/pools/<int:quiz_pool_id>/", views.QuizPoolEditView.as_view(), name="quiz_pool_edit"),
    path(
        "quizzes/<int:quiz_id>/pools/<int:quiz_pool_id>/delete/",
        views.QuizPoolDeleteView.as_view(),
        name="quiz_pool_delete",
    ),
    path(_LESSON, views.QuizLessonView.as_view(), name="quiz_lesson"),
    path(_LESSON + "start/", views.QuizAttemptStartView.as_view(), name="quiz_attempt_start"),
    path(_ATTEMPT, views.QuizAttemptView.as_view(), name="quiz_attempt"),
    path(_ATTEMPT + "save/", views.QuizAttemptSaveView.as_view(), name="quiz_attempt_save"),
    path(_ATTEMPT + "submit/", views.QuizAttemptSubmitView.as_view(), name="quiz_attempt_submit"),
]
