"""Deal registration pages."""

urlpatterns = []
