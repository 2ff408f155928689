"""``manage.py grant_app_role --role willkommen_app``: gives the application's PostgreSQL
role exactly the rights it needs (see willkommen.consultations.db_roles). Run it as the
migration role, after every ``migrate``; it is idempotent."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from willkommen.consultations import db_roles


class Command(BaseCommand):
    help = (
        "Grant the application's database role read/write on the tables, only SELECT and "
        "INSERT on the audit log, and nothing that would let it rewrite history. Run as "
        "the migration role after migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--role", required=True, help="the application's role, e.g. willkommen_app"
        )
        parser.add_argument(
            "--create",
            action="store_true",
            help="create the role (LOGIN, no password) if it is missing; needs CREATEROLE",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, role, create=False, database=DEFAULT_DB_ALIAS, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError(
                "Database roles exist on PostgreSQL only; with SQLite the application and "
                "its file are one (docs/deploy.md)."
            )
        with transaction.atomic(using=database), connection.cursor() as cursor:
            found = db_roles.situation(cursor, role)
            try:
                db_roles.check(role, found, create=create)
            except db_roles.RoleError as error:
                raise CommandError(str(error)) from error
            for sql in db_roles.statements(role, found, connection.ops.quote_name):
                cursor.execute(sql)
            self.stdout.write(
                f"Granted the application's rights to {role} (as {found.current_user})."
            )
            for table in db_roles.append_only_tables():
                granted = ", ".join(db_roles.table_privileges(cursor, role, table))
                self.stdout.write(f"  {table}: {granted} (append-only)")
