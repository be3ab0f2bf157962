from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = _("Program analytics")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The metric registry fills itself when its modules are imported.
        from analytics import (
            metrics,  # noqa: F401
            subscribers,  # noqa: F401 - MDF payouts become partner costs
        )
