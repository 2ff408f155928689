"""Property tests of the draw's allocation (``willkommen.release.allocation``): whatever
the pool and the requests, no time is given twice, no request gets two slots, every slot
lies in what its request accepts, and the same seed gives the same result — also after the
input went through the JSON that ``verify_draw`` reads."""

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from willkommen.release.allocation import AFTERNOON, MORNING, Pool, Wish, allocate, draw_order

DAYS = ("2027-03-01", "2027-03-02", "2027-03-03")
HOUR = 3600
# Local noon of each day, as seconds (a simple timeline: day i starts at i * 24 h).
NOON = {day: index * 24 * HOUR + 12 * HOUR for index, day in enumerate(DAYS)}


@st.composite
def pools(draw):
    desks = draw(st.lists(st.integers(1, 6), min_size=1, max_size=3, unique=True))
    free = {}
    for desk in desks:
        for index, day in enumerate(DAYS):
            if draw(st.booleans()):
                base = index * 24 * HOUR + 8 * HOUR
                cuts = sorted(
                    draw(st.lists(st.integers(0, 8 * 6), min_size=2, max_size=6, unique=True))
                )
                pieces = [
                    (base + cuts[i] * 600, base + cuts[i + 1] * 600)
                    for i in range(0, len(cuts) - 1, 2)
                ]
                if pieces:
                    free[(desk, day)] = pieces
    durations = {
        10: draw(st.sampled_from([600, 1200, 1800])),
        20: draw(st.sampled_from([900, 2400])),
    }
    service_desks = {
        service: sorted(draw(st.lists(st.sampled_from(desks), min_size=1, unique=True)))
        for service in durations
    }
    earliest = draw(st.sampled_from([0, 9 * HOUR, 30 * HOUR]))
    return Pool(
        free=free,
        service_desks=service_desks,
        durations=durations,
        noon=dict(NOON),
        earliest=earliest,
    )


wishes_strategy = st.lists(
    st.builds(
        Wish,
        number=st.text("BCDFGH23456789", min_size=6, max_size=6),
        service_id=st.sampled_from([10, 20]),
        days=st.lists(st.sampled_from(DAYS), unique=True, max_size=2).map(tuple),
        day_parts=st.lists(st.sampled_from([MORNING, AFTERNOON]), unique=True, max_size=1).map(
            tuple
        ),
        weight=st.sampled_from([1, 1, 2]),
    ),
    max_size=40,
    unique_by=lambda wish: wish.number,
)


def day_of(start):
    return DAYS[start // (24 * HOUR)]


@settings(max_examples=300, deadline=None)
@given(pool=pools(), wishes=wishes_strategy, seed=st.text(min_size=1, max_size=64))
def test_allocation_rules(pool, wishes, seed):
    result = allocate(seed, wishes, pool)
    by_number = {wish.number: wish for wish in wishes}
    # Everyone is in the order exactly once; each request has at most one slot.
    assert sorted(result.order) == sorted(by_number)
    given_per_desk = {}
    for number, allocation in result.allocations.items():
        wish = by_number[number]
        day = day_of(allocation.start)
        # In what the request accepts, on a desk that handles its concern, in free time.
        assert not wish.days or day in wish.days
        part = MORNING if allocation.start < NOON[day] else AFTERNOON
        assert not wish.day_parts or part in wish.day_parts
        assert allocation.desk_id in pool.service_desks[wish.service_id]
        assert allocation.end - allocation.start == pool.durations[wish.service_id]
        assert allocation.start >= pool.earliest
        assert any(
            start <= allocation.start and allocation.end <= end
            for start, end in pool.free[(allocation.desk_id, day)]
        )
        given_per_desk.setdefault(allocation.desk_id, []).append(
            (allocation.start, allocation.end)
        )
    # No time is given twice: the slots of one desk never overlap.
    for intervals in given_per_desk.values():
        intervals.sort()
        for (_start, end), (next_start, _end) in zip(intervals, intervals[1:], strict=False):
            assert end <= next_start


@settings(max_examples=150, deadline=None)
@given(pool=pools(), wishes=wishes_strategy, seed=st.text(min_size=1, max_size=64))
def test_same_seed_same_result_also_from_the_stored_json(pool, wishes, seed):
    first = allocate(seed, wishes, pool)
    again = allocate(seed, list(reversed(wishes)), Pool.from_json(pool.to_json()))
    assert first.order == again.order
    assert first.allocations == again.allocations


@settings(max_examples=150, deadline=None)
@given(pool=pools(), wishes=wishes_strategy, seed=st.text(min_size=1, max_size=64))
def test_nobody_later_in_the_order_takes_what_an_earlier_request_wanted(pool, wishes, seed):
    """Serial dictatorship: a request left without a slot had no acceptable free slot of
    its concern left when its turn came — so everything later went elsewhere or to later
    requests. Checked for a single concern, whose slot grid never shifts."""
    single = [Wish(w.number, 10, w.days, w.day_parts, w.weight) for w in wishes]
    result = allocate(seed, single, pool)
    duration = pool.durations[10]
    taken = {(a.desk_id, a.start) for a in result.allocations.values()}
    for wish in draw_order(seed, single):
        if wish.number in result.allocations:
            continue
        for (desk, day), pieces in pool.free.items():
            if desk not in pool.service_desks[10] or (wish.days and day not in wish.days):
                continue
            for start, end in pieces:
                slot = start
                while slot + duration <= end:
                    part = MORNING if slot < NOON[day] else AFTERNOON
                    if slot >= pool.earliest and (not wish.day_parts or part in wish.day_parts):
                        assert (desk, slot) in taken
                    slot += duration


def test_the_order_is_the_published_formula():
    """docs/fair-release.md: descending u ** (1 / weight), u from SHA-256(seed:number)."""
    seed = "a" * 64
    wishes = [Wish(f"N{i}", 10) for i in range(20)]

    def key(number):
        digest = hashlib.sha256(f"{seed}:{number}".encode()).digest()
        return (int.from_bytes(digest[:8], "big") + 1) / (2**64 + 1)

    expected = sorted((wish.number for wish in wishes), key=lambda number: -key(number))
    assert [wish.number for wish in draw_order(seed, wishes)] == expected
