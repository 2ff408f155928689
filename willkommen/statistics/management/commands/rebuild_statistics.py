"""Recompute the statistics fact tables from the source tables.

Facts whose source was already deleted by retention stay as they are: they can no longer
be recomputed, and they hold nothing personal.
"""

from datetime import date, timedelta

from django.core.management.base import BaseCommand

from willkommen import clock
from willkommen.statistics import facts, rollups


class Command(BaseCommand):
    help = "Recompute the statistics fact tables from appointments, consultations and tickets."

    def add_arguments(self, parser):
        parser.add_argument(
            "--staffed-days",
            type=int,
            default=400,
            help="How many past days of staffed minutes to recompute (default 400).",
        )

    def handle(self, *args, **options):
        today = clock.today()
        first_day: date = today - timedelta(days=options["staffed_days"])
        counts = {
            "consultations": facts.rebuild_consultations(),
            "appointments": facts.rebuild_appointments(),
            "walk-ins": facts.rebuild_walk_ins(),
            "staffed days": facts.rebuild_staffed_minutes(first_day, today + timedelta(days=31)),
        }
        rollups.rebuild_all()
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
