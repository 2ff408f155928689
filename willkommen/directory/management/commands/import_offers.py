"""``manage.py import_offers FILE``: loads offers from CSV or JSON, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from willkommen.directory import exchange


class Command(BaseCommand):
    help = "Imports offers from a CSV or JSON file; any bad row rejects the whole file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of a .csv or .json file (UTF-8)")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        result = exchange.import_offers(path.read_bytes(), path.name)
        if not result.ok:
            for error in result.errors:
                where = f"row {error.row}" if error.row else "file"
                column = f", column {error.field}" if error.field else ""
                self.stderr.write(f"{where}{column}: {error.message}")
            raise CommandError(f"Nothing imported: {len(result.errors)} error(s).")
        self.stdout.write(f"Imported: {result.created} created, {result.updated} updated.")
