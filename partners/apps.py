from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partner lifecycle"

    def ready(self):
        from partners import subscribers  # noqa: F401 - event subscribers (onboarding, time to value)
        from partners.models import STEP_KIND_EVENTS
        from partners.services.time_to_value import FIRST_DEAL_STAMPS
        from prm import registry

        # Partners sits below the apps whose events it waits for, so it names them as strings; one that no app
        # declares (a typo, an app removed) would never match: stop start-up instead.
        registry.require_event_types(STEP_KIND_EVENTS.values(), where="Onboarding step kinds (partners.models)")
        registry.require_event_types(FIRST_DEAL_STAMPS, where="Time-to-value stamps (partners.services)")
