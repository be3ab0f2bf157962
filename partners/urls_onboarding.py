"""Onboarding plans, the partner's checklist and the channel manager's progress view."""

urlpatterns = []
