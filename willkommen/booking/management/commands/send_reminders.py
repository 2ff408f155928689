"""Sends the reminders of the day before (cron-able; also releases expired holds and
settles what a dead worker left of a schedule change).

Example crontab line: ``*/15 * * * * manage.py send_reminders``. Safe to run from several
servers at once: each reminder is sent exactly once.
"""

from django.core.management.base import BaseCommand

from willkommen.booking import schedule_changes, services
from willkommen.booking.tasks import send_due_reminders_now


class Command(BaseCommand):
    help = "Send the reminders for tomorrow's appointments and release expired holds."

    def handle(self, *args, **options):
        released = services.release_expired_holds()
        sent = send_due_reminders_now()
        settled = schedule_changes.resume_outstanding()
        self.stdout.write(
            f"{sent} reminder(s) sent, {released} expired hold(s) released, "
            f"{settled} booking(s) of schedule changes settled."
        )
