from django.apps import AppConfig


class EnablementConfig(AppConfig):
    name = "enablement"
    verbose_name = "Enablement"

    def ready(self):
        from enablement import subscribers  # noqa: F401 - event subscribers (awards on completion, rules for new members)
