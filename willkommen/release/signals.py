"""What happened in a round, for the statistics (which listen, read-only)."""

from django.dispatch import Signal

# Keyword arguments: release_round, successor (the next round of a weekly series, or None).
round_drawn = Signal()


def send(signal: Signal, **kwargs):
    signal.send(sender="release", **kwargs)
