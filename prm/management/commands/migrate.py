from django.core.management.commands import migrate
from django.db import connections

from prm.db.base import owner_mode


class Command(migrate.Command):
    """Django's migrate, run as the table owner; the app role's grants and RLS policies follow (prm.rls)."""

    def handle(self, *args, **options):
        with owner_mode(connections[options["database"]]):
            return super().handle(*args, **options)
