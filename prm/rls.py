"""Row-level security for every tenant-owned table, and the unprivileged role the application runs as.

One mechanism for all apps: after each migrate, every table in the schema that has a `tenant_id` column gets
RLS enabled *and forced* with the same policy, so a table added by any later app is covered with no code.
The policy compares with the per-transaction setting `app.tenant_id` (prm.tenancy.tenant_context); with no
setting the comparison is NULL and no row is visible or writable.
"""

from django.apps import apps
from django.db import connections
from psycopg2 import sql

from prm.db.base import in_owner_mode

TENANT_ISOLATION_POLICY = """
CREATE POLICY tenant_isolation ON {table}
USING (
    tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::bigint
    OR current_setting('app.all_tenants', true) = 'on'
)
WITH CHECK (
    tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::bigint
    OR current_setting('app.all_tenants', true) = 'on'
)
"""


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
    import pghistory.models

    return [m._meta.db_table for m in apps.get_models() if issubclass(m, pghistory.models.Event)]


def apply_database_security(using="default", **kwargs):
    # post_migrate also follows a test flush, which runs as the app role and changes no table: nothing to do.
    if not in_owner_mode():
        return
    connection = connections[using]
    role = connection.settings_dict.get("APP_ROLE")
    with connection.cursor() as cursor:
        if role:
            _ensure_app_role(cursor, role)
        for table in tenant_tables(cursor):
            name = sql.Identifier(table)
            cursor.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(name))
            cursor.execute(sql.SQL("ALTER TABLE {} FORCE ROW LEVEL SECURITY").format(name))
            cursor.execute(sql.SQL("DROP POLICY IF EXISTS tenant_isolation ON {}").format(name))
            cursor.execute(sql.SQL(TENANT_ISOLATION_POLICY).format(table=name))
        if role:
            # History is evidence: the application may add to it but never rewrite or remove it.
            for table in _history_tables():
                cursor.execute(
                    sql.SQL("REVOKE UPDATE, DELETE ON {} FROM {}").format(sql.Identifier(table), sql.Identifier(role))
                )


def _ensure_app_role(cursor, role: str) -> None:
    role_id = sql.Identifier(role)
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    if cursor.fetchone() is None:
        # Roles are cluster-wide: parallel test databases may race to create it, so tolerate a duplicate.
        cursor.execute(
            sql.SQL(
                "DO $$ BEGIN CREATE ROLE {} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE; "
                "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
            ).format(role_id)
        )
    cursor.execute("SELECT pg_has_role(current_user, %s, 'MEMBER')", [role])
    if not cursor.fetchone()[0]:
        # The owner needs membership to SET ROLE to the app role (a superuser has it implicitly).
        cursor.execute(sql.SQL("GRANT {} TO CURRENT_USER").format(role_id))
    cursor.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(role_id))
    cursor.execute(
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO {}").format(role_id)
    )
    cursor.execute(sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}").format(role_id))
