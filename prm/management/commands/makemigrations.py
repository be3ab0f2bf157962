from django.core.management.commands import makemigrations
from django.db import connections

from prm.db.base import owner_mode


class Command(makemigrations.Command):
    """Django's makemigrations; its history-consistency check reads django_migrations as the table owner."""

    def handle(self, *args, **options):
        with owner_mode(connections["default"]):
            return super().handle(*args, **options)
