"""manage.py generate_activity --days 365 [--scale N]: a realistic year of demo activity."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from willkommen.statistics import activity


class Command(BaseCommand):
    help = "Generate past office appointments, walk-ins and consultations (and their facts)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=365)
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--force", action="store_true", help="Generate even if generated activity exists."
        )

    def handle(self, *args, **options):
        if not getattr(settings, "WILLKOMMEN_DEMO_DATA_ALLOWED", True):
            raise CommandError(
                "generate_activity refuses to run with the production settings: it invents "
                "appointments and consultations"
            )
        if options["days"] < 1 or options["days"] > 3660 or options["scale"] <= 0:
            raise CommandError("--days must be 1..3660 and --scale positive.")
        if activity.already_generated() and not options["force"]:
            self.stdout.write("Generated activity exists already; use --force to add more.")
            return
        counts = activity.generate(
            options["days"], options["scale"], options["seed"], stdout=self.stdout
        )
        if not counts:
            raise CommandError("No counsellors or languages: run manage.py seed_demo first.")
        self.stdout.write(f"Created {counts}.")
