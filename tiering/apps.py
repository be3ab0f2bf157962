from django.apps import AppConfig


class TieringConfig(AppConfig):
    name = "tiering"
    verbose_name = "Tiering"

    def ready(self):
        from tiering import subscribers  # noqa: F401 - on-demand recalculation, tier change notifications
