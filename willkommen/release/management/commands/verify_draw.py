"""``manage.py verify_draw ROUND``: recomputes a round's draw from its published seed and
stored input, and exits non-zero if anything differs (docs/fair-release.md)."""

from django.core.management.base import BaseCommand, CommandError

from willkommen.release.models import ReleaseRound
from willkommen.release.verify import verify_round


class Command(BaseCommand):
    help = "Recompute a release round's draw from its seed and input and compare."

    def add_arguments(self, parser):
        parser.add_argument("round", type=int)

    def handle(self, *args, **options):
        release_round = ReleaseRound.objects.filter(pk=options["round"]).first()
        if release_round is None:
            raise CommandError(f"There is no release round {options['round']}.")
        check = verify_round(release_round)
        self.stdout.write(f"seed SHA-256 {release_round.seed_sha256}")
        self.stdout.write(f"{check.requests} request(s) drawn, {check.allocated} allocated")
        if not check.ok:
            raise CommandError("; ".join(check.problems))
        self.stdout.write("The draw is verified: order and allocation recomputed identically.")
