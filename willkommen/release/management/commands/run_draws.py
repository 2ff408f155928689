"""``manage.py run_draws``: draws every round whose draw time has passed and tells whoever
was not told yet (a timer every minute; safe from several servers at once: each round is
drawn exactly once)."""

from django.core.management.base import BaseCommand

from willkommen.release.draw import run_due_draws


class Command(BaseCommand):
    help = "Draw every due release round."

    def handle(self, *args, **options):
        outcomes = run_due_draws()
        for outcome in outcomes:
            self.stdout.write(
                f"round {outcome.round_id}: {outcome.requests} request(s), "
                f"{outcome.allocated} allocated in {outcome.seconds:.2f} s"
            )
        self.stdout.write(f"{len(outcomes)} round(s) drawn.")
