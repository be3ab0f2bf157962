"""PostgreSQL backend that runs the application as a login role which owns nothing and is bound by row-level security.

The DATABASE_URL login owns the tables and is used only in *owner mode*: migrations and test-database setup. Every
other connection logs in as `APP_ROLE` (NOSUPERUSER, NOBYPASSRLS, table grants only, a member of no role) with
`APP_PASSWORD`, so a query that forgot its tenant filter returns nothing instead of another tenant's rows, and
injected SQL has no role to `SET ROLE` or `RESET ROLE` back to.

Platform-wide work (prm.tenancy.all_tenants) is let through by the policy only when the transaction's
`app.all_tenants` setting holds a proof: an HMAC, under a key the application derives from SECRET_KEY and migrate
stores where the app role cannot read it, of this database session's identity (see prm/rls.py). SQL can set the
setting to anything, but cannot compute the proof, and a proof seen in another session's query text does not fit
this session.
"""

import hashlib
import hmac
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.backends.postgresql import base, creation
from django.utils.crypto import salted_hmac

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


def all_tenants_key() -> bytes:
    """The key of the all-tenants proof; migrate stores it in the database (prm.rls), readable by the owner only."""
    return salted_hmac("prm.db.all_tenants", "key", secret=settings.SECRET_KEY, algorithm="sha256").digest()


def all_tenants_proof_for(session: str) -> str:
    return hmac.new(all_tenants_key(), session.encode(), hashlib.sha256).hexdigest()


class DatabaseCreation(creation.DatabaseCreation):
    def create_test_db(self, *args, **kwargs):
        with owner_mode(self.connection):
            return super().create_test_db(*args, **kwargs)

    def destroy_test_db(self, *args, **kwargs):
        with owner_mode(self.connection):
            return super().destroy_test_db(*args, **kwargs)


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation

    def get_connection_params(self):
        params = super().get_connection_params()
        role = self.settings_dict.get("APP_ROLE")
        if role and not _owner_mode:
            params["user"] = role
            params.pop("password", None)
            if self.settings_dict.get("APP_PASSWORD"):
                params["password"] = self.settings_dict["APP_PASSWORD"]
        return params

    def init_connection_state(self):
        super().init_connection_state()
        if _owner_mode:
            # Migrations that run before post_migrate re-applies the policies meet those of the previous release,
            # which let the owner through on this setting (the current ones have a policy for it).
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT set_config('app.all_tenants', 'on', false)")
            if not self.get_autocommit():
                self.connection.commit()

    def get_new_connection(self, conn_params):
        self._all_tenants_proof = None
        return super().get_new_connection(conn_params)

    def all_tenants_proof(self) -> str:
        """This session's proof for `app.all_tenants`, computed once per connection and checked with the database."""
        self.ensure_connection()
        if getattr(self, "_all_tenants_proof", None) is None:
            # The raw cursor keeps these out of the query log: they are per connection, not per request.
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT prm_rls_session()")
                proof = all_tenants_proof_for(cursor.fetchone()[0] or "")
                cursor.execute("SELECT prm_all_tenants_valid(%s)", [proof])
                if not cursor.fetchone()[0]:
                    raise ImproperlyConfigured(
                        "The database refuses this installation's all-tenants key: run `manage.py migrate` with the "
                        "same SECRET_KEY as the application (and see docs/deployment.md, section 2)."
                    )
            self._all_tenants_proof = proof
        return self._all_tenants_proof
