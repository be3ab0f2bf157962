from contextlib import nullcontext

from django.core.management.commands import makemigrations
from django.db import connections

from prm.db.base import owner_mode


class Command(makemigrations.Command):
    """Django's makemigrations; its history-consistency check reads django_migrations as the table owner
    (the app role may not exist yet on a fresh database). Inside a transaction (a test) it keeps the
    connection it has."""

    def handle(self, *args, **options):
        connection = connections["default"]
        with nullcontext() if connection.in_atomic_block else owner_mode(connection):
            return super().handle(*args, **options)
