"""``manage.py export_offers [--format csv|json] [--output FILE]``: every offer, active or not."""

from pathlib import Path

from django.core.management.base import BaseCommand

from willkommen.directory import exchange


class Command(BaseCommand):
    help = "Exports all offers as CSV or JSON (the format import_offers reads)."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "json"], default="json")
        parser.add_argument("--output", help="file to write; standard output if omitted")

    def handle(self, *args, format, output=None, **options):
        content = exchange.export_csv() if format == "csv" else exchange.export_json()
        if output:
            Path(output).write_text(content, encoding="utf-8")
            self.stderr.write(f"Written to {output}.")
        else:
            self.stdout.write(content, ending="")
