from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partner lifecycle"

    def ready(self):
        from partners import subscribers  # noqa: F401 - event subscribers (onboarding)
        from partners.models import STEP_KIND_EVENTS
        from prm import registry

        # A step kind waiting for an event type no app declares would never complete: stop start-up instead.
        registry.require_event_types(STEP_KIND_EVENTS.values(), where="Onboarding step kinds (partners.models)")
