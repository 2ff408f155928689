"""The application's PostgreSQL role: only the rights it needs (docs/deploy.md).

A table's owner can do anything to it, including ``ALTER TABLE … DISABLE TRIGGER`` and
``TRUNCATE``, so the role the application connects with must own nothing. A separate
migration role owns the tables, runs ``migrate`` and then ``grant_app_role``, which gives
the application role

* read and write (SELECT, INSERT, UPDATE, DELETE) on every table and the use of every
  sequence of the schema, also for tables created later (default privileges);
* on the append-only tables (the audit log, the offers' change trail) only SELECT and
  INSERT; on the migration record only SELECT;
* never TRUNCATE, REFERENCES or TRIGGER, and no ownership (so no ALTER, no DROP, no
  switching a trigger off).

Every statement is idempotent: run it after every ``migrate``.
"""

import re
from dataclasses import dataclass

from django.apps import apps

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# Tables the application may only read and append to.
APPEND_ONLY_MODELS = ("consultations.AuditEvent", "directory.OfferChange")
# Tables the application may only read.
READ_ONLY_TABLES = ("django_migrations",)
WRITE = "SELECT, INSERT, UPDATE, DELETE"


class RoleError(Exception):
    """The role cannot be given the application's rights; the message says why."""


def append_only_tables() -> list[str]:
    tables = []
    for label in APPEND_ONLY_MODELS:
        try:
            tables.append(apps.get_model(label)._meta.db_table)
        except LookupError:
            continue
    return tables


@dataclass
class Situation:
    current_user: str
    database: str
    schema: str
    role_exists: bool
    role_is_superuser: bool
    role_is_member_of_owner: bool
    tables_owned_by_role: int


def situation(cursor, role) -> Situation:
    cursor.execute("SELECT current_user, current_database(), current_schema()")
    current_user, database, schema = cursor.fetchone()
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
    found = cursor.fetchone()
    member = owned = 0
    if found:
        cursor.execute("SELECT pg_has_role(%s, current_user, 'MEMBER')", [role])
        member = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = %s AND tableowner = %s",
            [schema, role],
        )
        owned = cursor.fetchone()[0]
    return Situation(
        current_user=current_user,
        database=database,
        schema=schema,
        role_exists=bool(found),
        role_is_superuser=bool(found and found[0]),
        role_is_member_of_owner=bool(member),
        tables_owned_by_role=owned,
    )


def check(role, found: Situation, *, create=False):
    """Refuses a role that could not be held to the grants (raises ``RoleError``)."""
    if not ROLE_NAME.match(role):
        raise RoleError(f"{role!r} is not a plain role name (a-z, 0-9, _).")
    if role == found.current_user:
        raise RoleError(
            f"Connected as {role} itself: run this as the migration role that owns the "
            "tables (DATABASE_URL=$MIGRATION_DATABASE_URL, see docs/deploy.md)."
        )
    if not found.role_exists and not create:
        raise RoleError(
            f"The role {role} does not exist. Create it first "
            f"(sudo -u postgres createuser {role}) or pass --create."
        )
    if found.role_is_superuser:
        raise RoleError(f"{role} is a superuser, which ignores every grant.")
    if found.role_is_member_of_owner:
        raise RoleError(f"{role} is a member of {found.current_user} and has its powers.")
    if found.tables_owned_by_role:
        raise RoleError(
            f"{role} owns {found.tables_owned_by_role} table(s): hand them to the migration "
            f"role first (REASSIGN OWNED BY {role} TO {found.current_user})."
        )


def statements(role, found: Situation, quote) -> list[str]:
    """The SQL that gives ``role`` exactly the application's rights."""
    role_q, schema_q = quote(role), quote(found.schema)
    sql = []
    if not found.role_exists:
        sql.append(f"CREATE ROLE {role_q} LOGIN")
    sql += [
        f"GRANT CONNECT ON DATABASE {quote(found.database)} TO {role_q}",
        f"GRANT USAGE ON SCHEMA {schema_q} TO {role_q}",
        f"REVOKE CREATE ON SCHEMA {schema_q} FROM {role_q}",
        f"GRANT {WRITE} ON ALL TABLES IN SCHEMA {schema_q} TO {role_q}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {schema_q} FROM {role_q}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema_q} TO {role_q}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema_q} GRANT {WRITE} ON TABLES TO {role_q}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema_q} "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {role_q}",
    ]
    for table in append_only_tables():
        sql.append(f"REVOKE UPDATE, DELETE ON TABLE {quote(table)} FROM {role_q}")
    for table in READ_ONLY_TABLES:
        sql.append(f"REVOKE INSERT, UPDATE, DELETE ON TABLE {quote(table)} FROM {role_q}")
    return sql


PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


def table_privileges(cursor, role, table) -> list[str]:
    """What ``role`` may do on ``table``, as PostgreSQL sees it."""
    granted = []
    for privilege in PRIVILEGES:
        cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [role, table, privilege])
        if cursor.fetchone()[0]:
            granted.append(privilege)
    return granted
