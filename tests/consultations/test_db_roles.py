"""The application's own PostgreSQL role cannot rewrite the audit log.

Both roles are created in the test cluster: a migration role that owns every table (as
after ``migrate``) and an application role given its rights by ``grant_app_role``. The
test then really connects as each of them. As the application: its normal work goes
through, but UPDATE, DELETE, TRUNCATE and ALTER TABLE … DISABLE TRIGGER on the audit log
fail. Control: as the owner, the same statements succeed (the attack of issue #19)."""

import secrets
from contextlib import contextmanager
from io import StringIO

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection

from willkommen.consultations import audit, audit_chain, db_roles
from willkommen.consultations.models import AuditAction, AuditEvent, ClientRecord, Consultation

from .factories import caritas_consultation

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

AUDIT_TABLE = AuditEvent._meta.db_table
TRIGGER = "consultations_auditevent_append_only"
FORBIDDEN = {
    "UPDATE": "UPDATE consultations_auditevent SET detail = 'rewritten'",
    "DELETE": "DELETE FROM consultations_auditevent",
    "TRUNCATE": f"TRUNCATE {AUDIT_TABLE}",
    "DISABLE TRIGGER": f"ALTER TABLE {AUDIT_TABLE} DISABLE TRIGGER {TRIGGER}",
    "DROP TRIGGER": f"DROP TRIGGER {TRIGGER} ON {AUDIT_TABLE}",
    "REPLACE THE TRIGGER FUNCTION": (
        "CREATE OR REPLACE FUNCTION consultations_audit_append_only() RETURNS trigger AS "
        "$$ BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql"
    ),
    "DROP TABLE": f"DROP TABLE {AUDIT_TABLE}",
}


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("database roles exist on PostgreSQL only; SQLite has none to separate")


def execute(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


@contextmanager
def connected_as(user):
    """The application's connection, really opened as ``user`` (trust authentication on
    the loopback, as the test cluster is set up)."""
    original = connection.settings_dict["USER"]
    connection.close()
    connection.settings_dict["USER"] = user
    try:
        assert execute("SELECT current_user, session_user") == [(user, user)]
        yield
    finally:
        connection.close()
        connection.settings_dict["USER"] = original


@pytest.fixture
def roles():
    """A migration role owning every table, and an application role with no rights yet."""
    suffix = secrets.token_hex(4)
    owner, app = f"wk_test_owner_{suffix}", f"wk_test_app_{suffix}"
    execute(f"CREATE ROLE {owner} LOGIN")
    execute(f"CREATE ROLE {app} LOGIN")
    execute(f"GRANT CREATE ON SCHEMA public TO {owner}")
    for (table,) in execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"):
        execute(f'ALTER TABLE "{table}" OWNER TO {owner}')
    try:
        yield owner, app
    finally:
        superuser = connection.settings_dict["USER"]
        # Both: a test may hand a table to the application role, and DROP OWNED below
        # would drop that table for every later test.
        execute(f"REASSIGN OWNED BY {owner}, {app} TO {superuser}")
        for role in (app, owner):
            execute(f"DROP OWNED BY {role}")
            execute(f"DROP ROLE {role}")


def grant(role):
    out = StringIO()
    call_command("grant_app_role", "--role", role, stdout=out)
    return out.getvalue()


def refused(sql):
    with pytest.raises(DatabaseError) as error:
        execute(sql)
    return str(error.value)


def test_the_application_role_cannot_rewrite_the_audit_log(roles, staff):
    owner, app = roles
    with connected_as(owner):
        output = grant(app)
        grant(app)  # idempotent
    assert f"{AUDIT_TABLE}: SELECT, INSERT (append-only)" in output

    with connected_as(app):
        # The application's normal work.
        consultation = caritas_consultation(staff)
        consultation.note = "changed"
        consultation.save()
        audit.record(None, AuditAction.READ, consultation)
        audit.record(None, AuditAction.UPDATE, consultation)
        ClientRecord.objects.filter(pk=consultation.client_id).update(name="")
        Consultation.objects.filter(pk=consultation.pk).update(client=None)
        ClientRecord.objects.filter(pk=consultation.client_id).delete()
        SessionStore().create()
        events = AuditEvent.objects.count()
        assert events == 2

        # Rewriting history.
        for what, sql in FORBIDDEN.items():
            message = refused(sql)
            assert "permission denied" in message or "must be owner" in message, what
        assert AuditEvent.objects.count() == events
        assert audit_chain.verify(AuditEvent.objects.all()).ok


def test_every_other_table_is_the_applications_to_read_and_write(roles, staff):
    owner, app = roles
    with connected_as(owner):
        grant(app)
        tables = [
            row[0]
            for row in execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        rights = {
            table: db_roles.table_privileges(connection.cursor(), app, table) for table in tables
        }
    special = set(db_roles.append_only_tables()) | set(db_roles.READ_ONLY_TABLES)
    for table, granted in rights.items():
        if table in special:
            continue
        assert granted == ["SELECT", "INSERT", "UPDATE", "DELETE"], table
    assert rights["django_migrations"] == ["SELECT"]
    for table in db_roles.append_only_tables():
        assert rights[table] == ["SELECT", "INSERT"], table


def test_tables_created_later_are_covered(roles):
    owner, app = roles
    with connected_as(owner):
        grant(app)
        execute("CREATE TABLE later_table (id bigint GENERATED BY DEFAULT AS IDENTITY, x int)")
    with connected_as(app):
        execute("INSERT INTO later_table (x) VALUES (1)")
        execute("UPDATE later_table SET x = 2")
        assert execute("SELECT x FROM later_table") == [(2,)]
        assert "permission denied" in refused("TRUNCATE later_table")


def test_control_as_owner_the_same_statements_succeed(roles, staff):
    """The attack of issue #19: the owner switches the trigger off, rewrites, switches it
    on again and truncates. The chain shows the rewrite; only the separate role stops it."""
    owner, app = roles
    with connected_as(owner):
        grant(app)
        for number in range(3):
            audit.record(None, AuditAction.READ, object_type="consultation", object_id=number)
        execute(FORBIDDEN["DISABLE TRIGGER"])
        execute(FORBIDDEN["UPDATE"] + " WHERE chain_index = 2")
        execute(f"ALTER TABLE {AUDIT_TABLE} ENABLE TRIGGER {TRIGGER}")
        result = audit_chain.verify(AuditEvent.objects.all())
        assert not result.ok and result.broken_index == 2
        execute(FORBIDDEN["TRUNCATE"])
        assert AuditEvent.objects.count() == 0


def test_the_command_refuses_the_owner_itself_and_a_missing_role(roles):
    owner, _app = roles
    with connected_as(owner):
        with pytest.raises(CommandError, match="run this as the migration role"):
            grant(owner)
        with pytest.raises(CommandError, match="does not exist"):
            grant("wk_no_such_role")


def test_the_command_refuses_a_role_that_owns_tables(roles):
    owner, app = roles
    execute(f'ALTER TABLE "{AUDIT_TABLE}" OWNER TO {app}')
    with connected_as(owner), pytest.raises(CommandError, match="owns 1 table"):
        grant(app)
