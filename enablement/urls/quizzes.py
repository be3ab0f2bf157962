"""Enablement pages: quizzes."""

urlpatterns: list = []
