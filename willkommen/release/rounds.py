"""Setting up rounds (the coordinator, in the staff pages and the API): a round may be
changed only until its window opens, since its seed hash is public from then on and
clients choose their days from its pool."""

from django.db import transaction
from django.utils import timezone

from .draw import schedule_draw
from .errors import RoundLocked
from .models import ReleaseRound


def save_round(form, now=None) -> ReleaseRound:
    """Saves a valid ``RoundForm`` and queues the draw for its time."""
    now = now or timezone.now()
    instance = form.instance
    if instance.pk and instance.opens_at_initial <= now:
        raise RoundLocked()
    with transaction.atomic():
        release_round = form.save()
        schedule_draw(release_round)
    return release_round


def editable(release_round, now=None) -> bool:
    return release_round.drawn_at is None and (now or timezone.now()) < release_round.opens_at
