from django.apps import AppConfig


class DealregConfig(AppConfig):
    name = "dealreg"
    verbose_name = "Deal registration"

    def ready(self):
        from dealreg import subscribers  # noqa: F401 - event subscribers (a partner's offboarding)
