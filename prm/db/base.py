"""PostgreSQL backend that runs the application as a role which owns nothing and is bound by row-level security.

The login role (DATABASE_URL) owns the tables and is used only in *owner mode*: migrations and test-database
setup. Every other connection immediately switches to `APP_ROLE` (NOSUPERUSER, NOBYPASSRLS, table grants
only), so a query that forgot its tenant filter returns nothing instead of another tenant's rows.
"""

from contextlib import contextmanager

from django.db.backends.postgresql import base, creation
from psycopg2 import sql

_owner_mode = False


def in_owner_mode() -> bool:
    return _owner_mode


@contextmanager
def owner_mode(connection):
    """Run as the table owner (migrations, test database setup); reconnect as the app role afterwards."""
    global _owner_mode
    previous = _owner_mode
    connection.close()
    _owner_mode = True
    try:
        yield
    finally:
        _owner_mode = previous
        connection.close()


class DatabaseCreation(creation.DatabaseCreation):
    def create_test_db(self, *args, **kwargs):
        with owner_mode(self.connection):
            return super().create_test_db(*args, **kwargs)

    def destroy_test_db(self, *args, **kwargs):
        with owner_mode(self.connection):
            return super().destroy_test_db(*args, **kwargs)


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation

    def init_connection_state(self):
        super().init_connection_state()
        role = self.settings_dict.get("APP_ROLE")
        with self.connection.cursor() as cursor:
            if _owner_mode:
                # Data migrations run as the owner; FORCE ROW LEVEL SECURITY applies to it too.
                cursor.execute("SELECT set_config('app.all_tenants', 'on', false)")
            elif role:
                cursor.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
        if not self.get_autocommit():
            self.connection.commit()
