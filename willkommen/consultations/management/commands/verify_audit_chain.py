"""``manage.py verify_audit_chain``: checks the audit log's hash chain from the first event
to the last (see willkommen.consultations.audit_chain). Exit status 1 names the first
broken event; 0 prints the head to note down as the next run's ``--anchor``."""

import re

from django.core.management.base import BaseCommand, CommandError

from willkommen.consultations import audit_chain
from willkommen.consultations.models import AuditEvent

ANCHOR = re.compile(r"^(\d+):([0-9a-f]{64})$")


def anchor_type(value):
    match = ANCHOR.match(value.strip().lower())
    if not match:
        raise ValueError(value)
    return int(match.group(1)), match.group(2)


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exit 1 and name the first broken event."

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            type=anchor_type,
            metavar="POSITION:HASH",
            help="a head printed by an earlier run: that event must still be in the chain "
            "unchanged (detects a chain cut off or rebuilt since)",
        )

    def handle(self, *args, anchor=None, **options):
        result = audit_chain.verify(AuditEvent.objects.all(), anchor=anchor)
        if not result.ok:
            if result.broken_pk is not None:
                raise CommandError(
                    f"Audit chain broken at event {result.broken_pk} "
                    f"(position {result.broken_index}): {result.reason}. "
                    f"{result.count} events before it are intact."
                )
            raise CommandError(f"Audit chain broken: {result.reason}.")
        self.stdout.write(
            f"Audit chain intact: {result.count} events. "
            f"Head: {result.head_index}:{result.head_hash}"
        )
