from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partner lifecycle"

    def ready(self):
        from partners import subscribers  # noqa: F401 - event subscribers (onboarding)
