"""Row-level security for every tenant-owned table, and the unprivileged role the application runs as.

One mechanism for all apps: after each migrate, every table in the schema that has a `tenant_id` column gets
RLS enabled *and forced* with the same policy, so a table added by any later app is covered with no code.
The policy compares with the per-transaction setting `app.tenant_id` (prm.tenancy.tenant_context); with no
setting the comparison is NULL and no row is visible or writable. Platform-wide work passes the second arm only with
a proof that SQL alone cannot produce (prm/db/base.py; the functions below check it), and the owner, which runs
migrations, has a policy of its own.
"""

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from psycopg2 import sql

from prm.db.base import all_tenants_key, in_owner_mode

# `(SELECT f())` is an InitPlan: the proof is checked once per statement, not once per row.
TENANT_ISOLATION_POLICY = """
CREATE POLICY tenant_isolation ON {table}
USING (
    tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::bigint
    OR (SELECT {schema}.prm_all_tenants_on())
)
WITH CHECK (
    tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::bigint
    OR (SELECT {schema}.prm_all_tenants_on())
)
"""

# Migrations and bulk loads (owner mode) see every row; FORCE ROW LEVEL SECURITY would otherwise bind the owner too.
OWNER_POLICY = "CREATE POLICY owner_maintenance ON {table} TO CURRENT_USER USING (true) WITH CHECK (true)"

# The key of the all-tenants proof as HMAC-SHA256's inner and outer padded keys (RFC 2104), readable by the owner
# only; the functions that read it run as the owner (SECURITY DEFINER) with a fixed search_path.
ALL_TENANTS_FUNCTIONS = [
    "CREATE TABLE IF NOT EXISTS {schema}.prm_rls_key (ipad bytea NOT NULL, opad bytea NOT NULL)",
    # The session a proof is bound to: a process id alone is reused once the backend ends, its start time is not.
    """
    CREATE OR REPLACE FUNCTION {schema}.prm_rls_session() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        SELECT pg_backend_pid()::text || ':' || (extract(epoch FROM backend_start) * 1000000)::bigint::text
        FROM pg_stat_activity WHERE pid = pg_backend_pid()
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION {schema}.prm_all_tenants_valid(proof text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        SELECT coalesce(proof, '') <> '' AND EXISTS (
            SELECT 1 FROM {schema}.prm_rls_key k
            WHERE encode(sha256(k.opad || sha256(k.ipad || convert_to({schema}.prm_rls_session(), 'UTF8'))), 'hex')
                = proof
        )
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION {schema}.prm_all_tenants_on() RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        SELECT {schema}.prm_all_tenants_valid(current_setting('app.all_tenants', true))
    $$
    """,
]


def tenant_tables(cursor) -> list[str]:
    cursor.execute(
        """
        SELECT c.table_name FROM information_schema.columns c
        JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = current_schema() AND c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE'
        ORDER BY c.table_name
        """
    )
    return [row[0] for row in cursor.fetchall()]


def _history_tables() -> list[str]:
    """History tables, and the tables of models that say they are append-only (`APPEND_ONLY = True`: a quiz
    attempt's answers, a ledger's entries): evidence the application may add to but never rewrite or remove."""
    import pghistory.models

    return [
        m._meta.db_table
        for m in apps.get_models()
        if issubclass(m, pghistory.models.Event) or getattr(m, "APPEND_ONLY", False)
    ]


def apply_database_security(using="default", **kwargs):
    # post_migrate also follows a test flush, which runs as the app role and changes no table: nothing to do.
    if not in_owner_mode():
        return
    connection = connections[using]
    role = connection.settings_dict.get("APP_ROLE")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = sql.Identifier(cursor.fetchone()[0])
        _install_all_tenants_proof(cursor, schema)
        if role:
            _ensure_app_role(cursor, role, connection.settings_dict.get("APP_PASSWORD") or "")
        for table in tenant_tables(cursor):
            name = sql.Identifier(table)
            cursor.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(name))
            cursor.execute(sql.SQL("ALTER TABLE {} FORCE ROW LEVEL SECURITY").format(name))
            cursor.execute(sql.SQL("DROP POLICY IF EXISTS tenant_isolation ON {}").format(name))
            cursor.execute(sql.SQL(TENANT_ISOLATION_POLICY).format(table=name, schema=schema))
            cursor.execute(sql.SQL("DROP POLICY IF EXISTS owner_maintenance ON {}").format(name))
            cursor.execute(sql.SQL(OWNER_POLICY).format(table=name))
        if role:
            # History is evidence: the application may add to it but never rewrite or remove it.
            for table in _history_tables():
                cursor.execute(
                    sql.SQL("REVOKE UPDATE, DELETE ON {} FROM {}").format(sql.Identifier(table), sql.Identifier(role))
                )
            # The key stays the owner's: the blanket table grant above included it.
            cursor.execute(sql.SQL("REVOKE ALL ON {}.prm_rls_key FROM PUBLIC, {}").format(schema, sql.Identifier(role)))


def _install_all_tenants_proof(cursor, schema: sql.Identifier) -> None:
    for statement in ALL_TENANTS_FUNCTIONS:
        cursor.execute(sql.SQL(statement).format(schema=schema))
    key = all_tenants_key().ljust(64, b"\0")
    cursor.execute(sql.SQL("DELETE FROM {}.prm_rls_key").format(schema))
    cursor.execute(
        sql.SQL("INSERT INTO {}.prm_rls_key (ipad, opad) VALUES (%s, %s)").format(schema),
        [bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)],
    )


def _ensure_app_role(cursor, role: str, password: str) -> None:
    role_id = sql.Identifier(role)
    cursor.execute("SELECT current_user = %s", [role])
    if cursor.fetchone()[0]:
        raise ImproperlyConfigured("DATABASE_APP_ROLE must not be the DATABASE_URL login that owns the tables.")
    cursor.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", [role])
    row = cursor.fetchone()
    if row is None:
        # Roles are cluster-wide: parallel test databases may race to create it, so tolerate a duplicate.
        cursor.execute(
            sql.SQL(
                "DO $$ BEGIN CREATE ROLE {} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT; "
                "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
            ).format(role_id)
        )
    elif not row[0]:
        # Installations before the app role logged in by itself created it NOLOGIN.
        cursor.execute(sql.SQL("ALTER ROLE {} LOGIN").format(role_id))
    if password:
        cursor.execute(sql.SQL("ALTER ROLE {} PASSWORD %s").format(role_id), [password])
    cursor.execute("SELECT pg_has_role(current_user, %s, 'USAGE')", [role])
    if not cursor.fetchone()[0]:
        # The owner reads the app role's sessions (their start time, which the all-tenants proof is bound to) by
        # being a member; membership runs this way only, the app role belongs to no role. (A superuser has it.)
        cursor.execute(sql.SQL("GRANT {} TO CURRENT_USER").format(role_id))
    cursor.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(role_id))
    cursor.execute(
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO {}").format(role_id)
    )
    cursor.execute(sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}").format(role_id))
