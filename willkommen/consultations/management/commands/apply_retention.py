"""Deletes personal data that is due (see willkommen.consultations.retention); the dry run
lists every rule with its table and what it would delete."""

from django.core.management.base import BaseCommand

from willkommen.consultations.retention import apply_retention
from willkommen.consultations.tasks import apply_retention_task


class Command(BaseCommand):
    help = (
        "Delete what links a person to counselling once it is due: contact data, notes, "
        "client records, past appointments, idempotency records, task results, sessions."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only show what would be deleted."
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the run to the background worker instead of running it here.",
        )

    def handle(self, *args, dry_run=False, enqueue=False, **options):
        if enqueue and not dry_run:
            apply_retention_task.enqueue()
            self.stdout.write("Retention run enqueued.")
            return
        result = apply_retention(dry_run=dry_run)
        heading = "Would delete (dry run):" if dry_run else "Deleted:"
        self.stdout.write(heading)
        for line in result.lines():
            self.stdout.write(f"  {line}")
