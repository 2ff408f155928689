"""``manage.py import_offers FILE [--organisation SHORT_NAME]``: loads offers from CSV or
JSON, all or nothing, into one organisation's offers (default: the city's). Offers of
other organisations named in the file are reported and left alone."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from willkommen.directory import exchange, services
from willkommen.organisations.models import Organisation


class Command(BaseCommand):
    help = (
        "Imports offers from a CSV or JSON file into one organisation's offers; any bad row "
        "rejects the whole file, other organisations' offers are reported, not changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of a .csv or .json file (UTF-8)")
        parser.add_argument(
            "--organisation",
            help="short name of the owning organisation (default: the coordinators' one)",
        )

    def handle(self, *args, file, organisation=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        owner = self._owner(organisation)
        result = exchange.import_offers(
            path.read_bytes(), path.name, organisation=owner, source="command"
        )
        if not result.ok:
            for error in result.errors:
                where = f"row {error.row}" if error.row else "file"
                column = f", column {error.field}" if error.field else ""
                self.stderr.write(f"{where}{column}: {error.message}")
            raise CommandError(f"Nothing imported: {len(result.errors)} error(s).")
        for skipped in result.skipped:
            self.stderr.write(
                f"row {skipped.row}: {skipped.reference} belongs to "
                f"{skipped.owner or 'no organisation'}, not changed"
            )
        self.stdout.write(
            f"Imported into {owner}: {result.created} created, {result.updated} updated, "
            f"{len(result.skipped)} of other organisations not changed."
        )

    def _owner(self, short_name):
        if short_name:
            owner = Organisation.objects.filter(short_name=short_name).first()
            if owner is None:
                raise CommandError(f"No organisation with the short name {short_name!r}.")
            return owner
        owner = services.city_organisation()
        if owner is None:
            raise CommandError("No city organisation yet: pass --organisation.")
        return owner
