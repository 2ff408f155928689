"""``manage.py walkins_housekeeping``: puts tickets on hold when their office appointment is
due, resumes long holds, closes tickets of earlier days. Run it every minute."""

from django.core.management.base import BaseCommand

from willkommen.walkins.tasks import apply_office_appointment_holds


class Command(BaseCommand):
    help = "Applies office-appointment holds and closes tickets of earlier days."

    def handle(self, *args, **options):
        result = apply_office_appointment_holds.enqueue()
        self.stdout.write(f"Enqueued walk-in housekeeping ({result.id}).")
