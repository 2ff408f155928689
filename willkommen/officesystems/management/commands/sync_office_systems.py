"""Re-checks the office appointments that carry a consultation (cron-able).

Example timer: every 5 minutes, ``manage.py sync_office_systems`` (each appointment is
asked again every ``OFFICE_SYSTEMS_SYNC_MINUTES``, after a failure with a back-off). Safe to
run from several servers at once. ``--enqueue`` hands the run to the task worker.
"""

from django.core.management.base import BaseCommand

from willkommen.officesystems import sync
from willkommen.officesystems.tasks import sync_office_appointments


class Command(BaseCommand):
    help = "Re-check office appointments held elsewhere that carry a consultation."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the run for the task worker."
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            sync_office_appointments.enqueue()
            self.stdout.write("Office system sync enqueued.")
            return
        report = sync.run()
        self.stdout.write(
            f"{report.checked} checked, {report.moved} moved, {report.cancelled} cancelled, "
            f"{report.failed} failed (retried later), {report.unchanged} unchanged."
        )
