"""The draw's arithmetic, with no database: the random order from the seed, and serial
dictatorship over the pool's free time. ``draw`` feeds it from the database and writes the
result; ``manage.py verify_draw`` feeds it the stored input again and compares. The
algorithm is stated for anyone to check in docs/fair-release.md.

Order. Each request's key is ``u ** (1 / weight)`` where ``u`` comes from
``SHA-256(seed + ":" + request number)`` (the first 8 bytes as an integer ``n``,
``u = (n + 1) / (2**64 + 1)``, so 0 < u < 1). Requests are drawn by descending key, ties
(practically impossible) by number. With every weight 1 this is a uniformly random order;
a weight of 2 is the Efraimidis–Spirakis weighted order.

Allocation. In that order, each request gets the earliest start among the free slots of
its concern that lie on an acceptable day and day-part (lowest desk id on a tie), and
that time is then taken on that desk. The slots of a desk are the booking page's: each free
stretch cut into lengths of the concern from its beginning. Nothing about a consultation
enters the allocation: the office's outcome is the same whether or not anyone asked for one
(docs/security.md).
"""

import hashlib
import heapq
from dataclasses import dataclass, field

MORNING, AFTERNOON = "morning", "afternoon"


@dataclass(frozen=True)
class Wish:
    """One request as the allocation sees it."""

    number: str
    service_id: int
    days: tuple[str, ...] = ()  # ISO dates; empty: any day of the pool
    day_parts: tuple[str, ...] = ()  # MORNING / AFTERNOON; empty: any
    weight: int = 1

    def accepts(self, service_id: int, day: str, part: str) -> bool:
        """Whether a slot of concern ``service_id`` on ``day`` (ISO) in ``part`` suits."""
        return (
            service_id == self.service_id
            and (not self.days or day in self.days)
            and (not self.day_parts or part in self.day_parts)
        )


@dataclass
class Pool:
    """The pool's free time when the draw starts.

    ``free``: {(desk_id, ISO day): [(start, end), …]} in seconds since 1970, sorted;
    ``service_desks``: {service_id: [desk ids that handle it]};
    ``durations``: {service_id: seconds}; ``noon``: {ISO day: local 12:00 in seconds};
    ``earliest``: no slot starts before this."""

    free: dict[tuple[int, str], list[tuple[int, int]]]
    service_desks: dict[int, list[int]]
    durations: dict[int, int]
    noon: dict[str, int]
    earliest: int = 0

    def to_json(self) -> dict:
        return {
            "free": [
                [desk, day, [list(piece) for piece in pieces]]
                for (desk, day), pieces in sorted(self.free.items())
            ],
            "service_desks": {str(key): value for key, value in self.service_desks.items()},
            "durations": {str(key): value for key, value in self.durations.items()},
            "noon": self.noon,
            "earliest": self.earliest,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Pool":
        return cls(
            free={
                (desk, day): [tuple(piece) for piece in pieces]
                for desk, day, pieces in data["free"]
            },
            service_desks={int(key): value for key, value in data["service_desks"].items()},
            durations={int(key): value for key, value in data["durations"].items()},
            noon=data["noon"],
            earliest=data["earliest"],
        )


@dataclass(frozen=True)
class Allocation:
    number: str
    desk_id: int
    start: int
    end: int


@dataclass
class Result:
    order: list[str]
    allocations: dict[str, Allocation] = field(default_factory=dict)


def draw_key(seed: str, number: str, weight: int = 1) -> float:
    digest = hashlib.sha256(f"{seed}:{number}".encode()).digest()
    uniform = (int.from_bytes(digest[:8], "big") + 1) / (2**64 + 1)
    return uniform ** (1 / max(weight, 1))


def draw_order(seed: str, wishes) -> list[Wish]:
    """The requests in draw order (see the module docstring)."""
    return sorted(
        wishes, key=lambda wish: (-draw_key(seed, wish.number, wish.weight), wish.number)
    )


def day_part(start: int, noon: int) -> str:
    """MORNING before the day's local 12:00 (``noon``, in seconds since 1970), else
    AFTERNOON: the one rule for the draw and the waiting list."""
    return MORNING if start < noon else AFTERNOON


class _Desks:
    """Free time per desk and day that shrinks as slots are given; candidate starts per
    (concern, day, day-part) in heaps, checked lazily against what was taken since."""

    def __init__(self, pool: Pool):
        self.pool = pool
        self.taken: dict[tuple[int, str], list[tuple[int, int]]] = {}
        self.heaps: dict[tuple[int, str, str], list[tuple[int, int]]] = {}
        self.days = sorted({day for _desk, day in pool.free})
        for service_id, desk_ids in pool.service_desks.items():
            duration = pool.durations[service_id]
            for (desk_id, day), pieces in pool.free.items():
                if desk_id not in desk_ids:
                    continue
                noon = pool.noon[day]
                for piece_start, piece_end in pieces:
                    start = piece_start
                    while start + duration <= piece_end:
                        if start >= pool.earliest:
                            key = (service_id, day, day_part(start, noon))
                            self.heaps.setdefault(key, []).append((start, desk_id))
                        start += duration
        for heap in self.heaps.values():
            heapq.heapify(heap)

    def _is_free(self, desk_id, day, start, end) -> bool:
        return all(
            end <= taken_start or start >= taken_end
            for taken_start, taken_end in self.taken.get((desk_id, day), ())
        )

    def best(self, service_id, day, part, duration):
        """The earliest still-free candidate of this heap, or None (stale ones dropped)."""
        heap = self.heaps.get((service_id, day, part))
        while heap:
            start, desk_id = heap[0]
            if self._is_free(desk_id, day, start, start + duration):
                return start, desk_id
            heapq.heappop(heap)
        return None

    def take(self, service_id, day, part, desk_id, start, end):
        heapq.heappop(self.heaps[(service_id, day, part)])
        self.taken.setdefault((desk_id, day), []).append((start, end))


def allocate(seed: str, wishes, pool: Pool) -> Result:
    """Serial dictatorship in draw order. Deterministic: the same seed, wishes and pool
    always give the same result."""
    ordered = draw_order(seed, wishes)
    desks = _Desks(pool)
    result = Result(order=[wish.number for wish in ordered])
    for wish in ordered:
        duration = pool.durations.get(wish.service_id)
        if duration is None:
            continue
        days = sorted(set(wish.days)) if wish.days else desks.days
        parts = [
            part for part in (MORNING, AFTERNOON) if not wish.day_parts or part in wish.day_parts
        ]
        for day in days:
            found = None
            for part in parts:
                candidate = desks.best(wish.service_id, day, part, duration)
                if candidate is not None and (found is None or candidate < found[0]):
                    found = (candidate, part)
            if found is not None:
                (start, desk_id), part = found
                desks.take(wish.service_id, day, part, desk_id, start, start + duration)
                result.allocations[wish.number] = Allocation(
                    wish.number, desk_id, start, start + duration
                )
                break
    return result
