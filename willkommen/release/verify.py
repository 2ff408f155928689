"""Checking a draw after the fact (``manage.py verify_draw``): the revealed seed must hash
to the hash published when the window opened, and the order and the allocation computed
again from the stored input must equal what the draw recorded."""

import hashlib
from dataclasses import dataclass, field

from .allocation import Pool, Wish, allocate, draw_order
from .models import DrawRecord, RequestStatus


@dataclass
class Verification:
    problems: list[str] = field(default_factory=list)
    requests: int = 0
    allocated: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def public_order(seed: str, numbers_and_weights) -> list[str]:
    """The draw order from what the round's page publishes (seed, numbers, weights)."""
    wishes = [Wish(number, 0, weight=weight) for number, weight in numbers_and_weights]
    return [wish.number for wish in draw_order(seed, wishes)]


def verify_round(release_round) -> Verification:
    check = Verification()
    record = DrawRecord.objects.filter(round=release_round).first()
    if release_round.drawn_at is None or record is None:
        check.problems.append("the round has not been drawn")
        return check
    if hashlib.sha256(release_round.seed.encode()).hexdigest() != release_round.seed_sha256:
        check.problems.append("the seed does not match the published SHA-256")
    data = record.data
    wishes = [
        Wish(number, service_id, tuple(days), tuple(parts), weight)
        for number, service_id, days, parts, weight in data["wishes"]
    ]
    result = allocate(release_round.seed, wishes, Pool.from_json(data["pool"]))
    check.requests, check.allocated = len(wishes), len(result.allocations)
    recorded = {number: (desk, start, end) for number, desk, start, end in data["allocations"]}
    computed = {
        number: (item.desk_id, item.start, item.end) for number, item in result.allocations.items()
    }
    if recorded != computed:
        differing = sorted(set(recorded.items()) ^ set(computed.items()))
        check.problems.append(f"the allocation differs for {len(differing)} request(s)")
    positions = dict(
        release_round.requests.exclude(draw_position=None).values_list("number", "draw_position")
    )
    expected = {number: position for position, number in enumerate(result.order, start=1)}
    if positions != expected:
        check.problems.append("the recorded draw order differs from the seed's order")
    taking_part = set(
        release_round.requests.filter(
            status__in=(RequestStatus.ALLOCATED, RequestStatus.NOT_DRAWN)
        ).values_list("number", flat=True)
    )
    if taking_part != {wish.number for wish in wishes}:
        check.problems.append("the requests in the draw differ from the confirmed requests")
    return check
