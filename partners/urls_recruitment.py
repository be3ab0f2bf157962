"""The public application page, the review queue and the ideal partner profile."""

urlpatterns = []
