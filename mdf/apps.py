from django.apps import AppConfig


class MdfConfig(AppConfig):
    name = "mdf"
    verbose_name = "Market development funds"

    def ready(self):
        from mdf import subscribers  # noqa: F401 - offboarding releases commitments and returns allocations
