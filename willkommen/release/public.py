"""What anyone may see of a round, with no personal data and nothing that tells requests
with a consultation apart from those without: the pool's size, the number of confirmed
requests and of allocations, the seed's hash and, after the draw, the seed and the request
numbers in draw order (so that each client can check their place) — page by page, and as one
file for whoever recomputes the whole order."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Max, Q

from willkommen.booking.availability import grid_starts
from willkommen.scheduling import config_cache

from .models import TAKING_PART, ReleaseRound, RequestStatus
from .pool import build_pool

LISTED_AFTER_DRAW = timedelta(days=30)


ORDER_PAGE_SIZE = 500


@dataclass
class RoundFigures:
    phase: str
    slots: int
    confirmed: int
    allocated: int


@dataclass
class OrderPage:
    """One page of the draw order: (position, number, weight) rows. Positions run from 1
    without gaps, so a page is a range of them (an index range, however long the order)."""

    number: int
    pages: int
    total: int
    rows: list[tuple[int, str, int]]

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def listed_rounds(now):
    return (
        ReleaseRound.objects.filter(
            Q(drawn_at__isnull=True) | Q(drawn_at__gte=now - LISTED_AFTER_DRAW)
        )
        .select_related("location")
        .prefetch_related("services")
        .order_by("opens_at")
    )


def slot_count(pool) -> int:
    """Whole slots of the round's shortest concern on the booking page's grid."""
    if not pool.durations:
        return 0
    shortest = min(pool.durations.values())
    return sum(len(grid_starts(pieces, shortest, pool.earliest)) for pieces in pool.free.values())


def pool_slots(release_round, now) -> int:
    """Slots in the pool: as the draw found them, else the pool's free time now — read by
    every visit to an open round's page, so kept in the configuration memo (a few seconds;
    a withheld pool changes only when an appointment made before the round is cancelled)."""
    if release_round.drawn_slots is not None:
        return release_round.drawn_slots
    return config_cache.memoised(
        ("release-pool-slots", release_round.pk),
        lambda: slot_count(build_pool(release_round, now)),
    )


def figures(release_round, now) -> RoundFigures:
    counts = release_round.requests.aggregate(
        confirmed=Count("pk", filter=Q(status__in=TAKING_PART)),
        allocated=Count("pk", filter=Q(status=RequestStatus.ALLOCATED)),
    )
    return RoundFigures(
        phase=release_round.phase(now),
        slots=pool_slots(release_round, now),
        confirmed=counts["confirmed"],
        allocated=counts["allocated"],
    )


def order_length(release_round) -> int:
    if release_round.drawn_at is None:
        return 0
    return release_round.requests.aggregate(last=Max("draw_position"))["last"] or 0


def order_page(release_round, page: int, size: int | None = None) -> OrderPage:
    """Page ``page`` (from 1; clamped to the pages there are) of the draw order."""
    size = size or ORDER_PAGE_SIZE
    total = order_length(release_round)
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    rows = list(
        release_round.requests.filter(
            draw_position__gt=(page - 1) * size, draw_position__lte=page * size
        )
        .order_by("draw_position")
        .values_list("draw_position", "number", "weight")
    )
    return OrderPage(page, pages, total, rows)


def page_of_number(release_round, number: str, size: int | None = None) -> int | None:
    """The order page that lists request ``number``, if it is in this round's draw order."""
    size = size or ORDER_PAGE_SIZE
    position = (
        release_round.requests.filter(number=number.strip().upper())
        .exclude(draw_position=None)
        .values_list("draw_position", flat=True)
        .first()
    )
    return None if position is None else -(-position // size)


def order_csv(release_round) -> str:
    """The whole order as CSV: place, request number, weight (the order's file)."""
    rows = (
        release_round.requests.exclude(draw_position=None)
        .order_by("draw_position")
        .values_list("draw_position", "number", "weight")
        .iterator(chunk_size=5000)
    )
    lines = ["place,request_number,weight"]
    lines += [f"{place},{number},{weight}" for place, number, weight in rows]
    return "\n".join(lines) + "\n"
