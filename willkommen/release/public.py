"""What anyone may see of a round, with no personal data and nothing that tells requests
with a consultation apart from those without: the pool's size, the number of confirmed
requests and of allocations, the seed's hash and, after the draw, the seed and the request
numbers in draw order (so that each client can check their place)."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q

from willkommen.booking.availability import grid_starts

from .models import TAKING_PART, ReleaseRound, RequestStatus
from .pool import build_pool

LISTED_AFTER_DRAW = timedelta(days=30)


@dataclass
class RoundFigures:
    phase: str
    slots: int
    confirmed: int
    allocated: int
    order: list[tuple[int, str, int]]  # (position, number, weight)


def listed_rounds(now):
    return (
        ReleaseRound.objects.filter(
            Q(drawn_at__isnull=True) | Q(drawn_at__gte=now - LISTED_AFTER_DRAW)
        )
        .select_related("location")
        .prefetch_related("services")
        .order_by("opens_at")
    )


def pool_slots(release_round, now) -> int:
    """Slots in the pool: recorded by the draw, else the pool's free time now."""
    if release_round.draw_input:
        data = release_round.draw_input["pool"]
        free = [pieces for _desk, _day, pieces in data["free"]]
        durations = list(data["durations"].values())
        earliest = data["earliest"]
    else:
        pool = build_pool(release_round, now)
        free = list(pool.free.values())
        durations = list(pool.durations.values())
        earliest = pool.earliest
    if not durations:
        return 0
    shortest = min(durations)
    return sum(len(grid_starts(pieces, shortest, earliest)) for pieces in free)


def figures(release_round, now) -> RoundFigures:
    requests = release_round.requests
    order = []
    if release_round.drawn_at:
        order = list(
            requests.exclude(draw_position=None)
            .order_by("draw_position")
            .values_list("draw_position", "number", "weight")
        )
    return RoundFigures(
        phase=release_round.phase(now),
        slots=pool_slots(release_round, now),
        confirmed=requests.filter(status__in=TAKING_PART).count(),
        allocated=requests.filter(status=RequestStatus.ALLOCATED).count(),
        order=order,
    )
