from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PrmConfig(AppConfig):
    name = "prm"
    verbose_name = "PRM core"

    def ready(self):
        from prm import registry, rls
        from prm.api import schema  # noqa: F401 - registers the OpenAPI authentication extensions
        from prm.notifications import subscribers as notification_subscribers  # noqa: F401 - event subscribers
        from prm.webhooks import subscribers as webhook_subscribers  # noqa: F401 - event subscribers

        # Every app's declarations (policy rules, event types, navigation, …); apps' ready() may rely on them.
        registry.collect()
        # Once after every migrate (all apps' tables exist by then), so tables added later get their policy too.
        post_migrate.connect(rls.apply_database_security, sender=self, dispatch_uid="prm.rls.apply_database_security")
