"""Re-encrypts every note and client contact with the first key of CONSULTATION_KEYS."""

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from willkommen.consultations.crypto import rotate
from willkommen.consultations.models import ClientRecord, Consultation

ENCRYPTED_COLUMNS = [
    (Consultation, ["note"]),
    (ClientRecord, ["name", "contact"]),
]


class Command(BaseCommand):
    help = "Re-encrypt consultation notes and client contact data with the current key."

    def handle(self, *args, **options):
        total = 0
        for model, columns in ENCRYPTED_COLUMNS:
            table = connection.ops.quote_name(model._meta.db_table)
            select = ", ".join(connection.ops.quote_name(column) for column in columns)
            with transaction.atomic(), connection.cursor() as cursor:
                # Raw tokens, not the decrypted values: MultiFernet.rotate keeps the
                # original timestamp and needs no plaintext in Python objects.
                cursor.execute(f"SELECT id, {select} FROM {table}")  # noqa: S608
                rows = cursor.fetchall()
                for pk, *tokens in rows:
                    if not any(tokens):
                        continue
                    assignments = ", ".join(
                        f"{connection.ops.quote_name(column)} = %s" for column in columns
                    )
                    cursor.execute(
                        f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608
                        [rotate(token) for token in tokens] + [pk],
                    )
                    total += 1
        self.stdout.write(f"Re-encrypted {total} rows with the current key.")
