"""Sends the reminders of the day before (cron-able; also releases expired holds).

Example crontab line: ``*/15 * * * * manage.py send_reminders``. Safe to run from several
servers at once: each reminder is sent exactly once.
"""

from django.core.management.base import BaseCommand

from willkommen.booking import services
from willkommen.booking.tasks import send_due_reminders_now


class Command(BaseCommand):
    help = "Send the reminders for tomorrow's appointments and release expired holds."

    def handle(self, *args, **options):
        released = services.release_expired_holds()
        sent = send_due_reminders_now()
        self.stdout.write(f"{sent} reminder(s) sent, {released} expired hold(s) released.")
