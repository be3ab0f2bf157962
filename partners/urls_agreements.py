"""Program agreements: versions, publishing and click-to-accept."""

urlpatterns = []
