"""Tenant isolation in the database itself: row-level security with the application's own connection."""

import pytest
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from partners.models import PartnerOrganization
from prm.errors import NoTenantSelected
from prm.rls import tenant_tables
from prm.tenancy import all_tenants, tenant_context
from tests.factories import MembershipFactory, PartnerOrganizationFactory, TenantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_tenants():
    a, b = TenantFactory(slug="tenant-a"), TenantFactory(slug="tenant-b")
    PartnerOrganizationFactory.create_batch(3, tenant=a)
    PartnerOrganizationFactory.create_batch(2, tenant=b)
    return a, b


def raw_count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - table names come from the catalogue
        return cursor.fetchone()[0]


def test_raw_select_without_tenant_returns_no_rows(two_tenants):
    assert raw_count("partners_partnerorganization") == 0
    assert raw_count("prm_membership") == 0


def test_raw_select_with_tenant_a_never_returns_tenant_b_rows(two_tenants):
    a, b = two_tenants
    with tenant_context(a), connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tenant_id FROM partners_partnerorganization")
        assert [row[0] for row in cursor.fetchall()] == [a.pk]
        cursor.execute("SELECT count(*) FROM partners_partnerorganization WHERE tenant_id = %s", [b.pk])
        assert cursor.fetchone()[0] == 0


def test_insert_of_another_tenants_row_is_refused(two_tenants):
    a, b = two_tenants
    with pytest.raises(ProgrammingError, match="row-level security"), tenant_context(a):
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO partners_partnerorganization "
                "(tenant_id, name, partner_type, status, website, country, region, created_at) "
                "VALUES (%s, 'Smuggled', 'var', 'active', '', '', '', now())",
                [b.pk],
            )
    with all_tenants():
        assert not PartnerOrganization.unscoped.filter(name="Smuggled").exists()


def test_update_cannot_reach_another_tenants_rows(two_tenants):
    a, b = two_tenants
    with tenant_context(a), connection.cursor() as cursor:
        cursor.execute("UPDATE partners_partnerorganization SET region = 'hijacked'")
        assert cursor.rowcount == 3
    with tenant_context(b):
        assert not PartnerOrganization.objects.filter(region="hijacked").exists()


def test_history_rows_are_isolated_too(two_tenants):
    a, b = two_tenants
    with tenant_context(a):
        assert raw_count("partners_partnerorganizationevent") == 3


def test_app_logs_in_as_unprivileged_role_that_owns_no_table_and_belongs_to_no_role(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT session_user, current_user, r.rolsuper, r.rolbypassrls "
            "FROM pg_roles r WHERE r.rolname = current_user"
        )
        login, role, is_superuser, bypasses_rls = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tableowner = %s", [role])
        owned = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM pg_auth_members WHERE member = %s::regrole", [role])
        memberships = cursor.fetchone()[0]
    # Logged in as itself, not switched to by the owner: there is no other role for injected SQL to return to.
    assert login == role == connection.settings_dict["APP_ROLE"]
    assert (is_superuser, bypasses_rls, owned, memberships) == (False, False, 0, 0)


def tenant_ids_seen(cursor) -> list[int]:
    cursor.execute("SELECT DISTINCT tenant_id FROM partners_partnerorganization ORDER BY tenant_id")
    return [row[0] for row in cursor.fetchall()]


def test_reset_role_from_sql_does_not_escape_row_level_security(two_tenants):
    a, _ = two_tenants
    with tenant_context(a), connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
        assert tenant_ids_seen(cursor) == [a.pk]


def test_set_role_to_the_table_owner_from_sql_is_refused(two_tenants):
    a, _ = two_tenants
    owner = connection.settings_dict["USER"]
    with pytest.raises(ProgrammingError, match="permission denied"), tenant_context(a):
        with connection.cursor() as cursor:
            cursor.execute(f'SET ROLE "{owner}"')
            # Had it been allowed, this would show the owner's (or a superuser's) view of every tenant.
            assert tenant_ids_seen(cursor) == [a.pk]


def test_switching_on_all_tenants_from_sql_does_not_escape_row_level_security(two_tenants):
    a, _ = two_tenants
    with tenant_context(a), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.all_tenants', 'on', true)")
        assert tenant_ids_seen(cursor) == [a.pk]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.all_tenants', 'on', true)")
        assert tenant_ids_seen(cursor) == []


def test_all_tenants_proof_made_for_another_session_does_not_escape(two_tenants):
    # The proof all_tenants() sets is bound to one database session; one read from another session's query text
    # (pg_stat_activity) is worthless here.
    from prm.db.base import all_tenants_proof_for

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.all_tenants', %s, true)", [all_tenants_proof_for("1:0")])
        assert tenant_ids_seen(cursor) == []


def test_app_role_can_neither_read_the_all_tenants_key_nor_turn_row_level_security_off(two_tenants):
    with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM prm_rls_key")
    with pytest.raises(ProgrammingError, match="must be owner"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE partners_partnerorganization NO FORCE ROW LEVEL SECURITY")


def test_all_tenants_sees_every_tenant_in_raw_sql_too(two_tenants):
    a, b = two_tenants
    with all_tenants(), connection.cursor() as cursor:
        assert tenant_ids_seen(cursor) == sorted([a.pk, b.pk])
        with tenant_context(a):
            assert tenant_ids_seen(cursor) == [a.pk]
        # Leaving the inner tenant gives the platform-wide view back.
        assert tenant_ids_seen(cursor) == sorted([a.pk, b.pk])


def test_app_role_cannot_rewrite_history(two_tenants):
    a, _ = two_tenants
    with pytest.raises(ProgrammingError, match="permission denied"), tenant_context(a):
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM partners_partnerorganizationevent")


def test_app_role_cannot_rewrite_an_append_only_table(two_tenants):
    """A model that says APPEND_ONLY (a quiz attempt's answers) is evidence like history: insert only."""
    a, _ = two_tenants
    for statement in ("UPDATE enablement_attemptanswer SET choice_ids = '{}'", "DELETE FROM enablement_attemptanswer"):
        with pytest.raises(ProgrammingError, match="permission denied"), tenant_context(a):
            with connection.cursor() as cursor:
                cursor.execute(statement)


def test_tenant_tables_have_forced_rls_tenant_id_and_tenant_scoped_unique_constraints(db):
    with connection.cursor() as cursor:
        tables = tenant_tables(cursor)
        cursor.execute(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
            "WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace"
        )
        flags = {name: (enabled, forced) for name, enabled, forced in cursor.fetchall()}
        # Every unique constraint or unique index except the surrogate primary key must include tenant_id,
        # so that tables can later be distributed by tenant (Citus) and uniqueness is per program.
        cursor.execute(
            """
            SELECT t.relname, i.relname, array_agg(a.attname::text)
            FROM pg_index x
            JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(x.indkey)
            WHERE x.indisunique AND NOT x.indisprimary AND t.relname = ANY(%s)
            GROUP BY t.relname, i.relname
            """,
            [tables],
        )
        unique_without_tenant = [(t, i) for t, i, cols in cursor.fetchall() if "tenant_id" not in cols]
    expected = {
        "prm_membership",
        "prm_invitation",
        "partners_partnerorganization",
        "prm_membershipevent",
        "prm_invitationevent",
        "partners_partnerorganizationevent",
    }
    assert expected <= set(tables)
    assert {t: flags[t] for t in tables} == {t: (True, True) for t in tables}
    assert unique_without_tenant == []


def test_every_tenant_owned_model_is_in_the_rls_catalogue(db):
    from django.apps import apps

    from prm.tenancy import TenantOwnedModel

    with connection.cursor() as cursor:
        tables = set(tenant_tables(cursor))
    models = {m._meta.db_table for m in apps.get_models() if issubclass(m, TenantOwnedModel)}
    assert models and models <= tables


def test_scoped_manager_raises_without_tenant(two_tenants):
    with pytest.raises(NoTenantSelected):
        list(PartnerOrganization.objects.all())


def test_scoped_manager_sees_only_current_tenant(two_tenants):
    a, b = two_tenants
    with tenant_context(a):
        assert PartnerOrganization.objects.count() == 3
        with tenant_context(b):
            assert PartnerOrganization.objects.count() == 2
        # Leaving the inner block gives the outer tenant back, in the ORM and in the database.
        assert PartnerOrganization.objects.count() == 3
        assert raw_count("partners_partnerorganization") == 3


def test_new_rows_take_the_tenant_from_the_context_not_from_input(two_tenants):
    a, b = two_tenants
    with tenant_context(a):
        partner = PartnerOrganization.objects.create(name="Context Partner")
    assert partner.tenant_id == a.pk


def test_rls_setting_does_not_outlive_the_transaction(two_tenants):
    a, _ = two_tenants
    with transaction.atomic():
        with tenant_context(a):
            pass
        assert raw_count("partners_partnerorganization") == 0


def test_membership_of_other_tenant_invisible_to_related_lookups(two_tenants):
    a, b = two_tenants
    membership = MembershipFactory(tenant=b)
    with tenant_context(a):
        assert not membership.user.memberships.exists()


@pytest.mark.django_db(transaction=True)
def test_rls_setting_ends_with_the_outermost_transaction():
    tenant = TenantFactory()
    PartnerOrganizationFactory(tenant=tenant)
    with tenant_context(tenant):
        assert raw_count("partners_partnerorganization") == 1
    # Autocommit again: the next statement runs in a new transaction, with no tenant.
    assert raw_count("partners_partnerorganization") == 0
