"""Property tests of the call order: a permutation, matches first, nobody starves."""

from dataclasses import dataclass, field
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from willkommen.walkins.services import TOPIC_PREFERENCE_LIMIT, call_order

from .conftest import NOW


@dataclass
class FakeTicket:
    pk: int
    queue_position_key: object
    topic_ids: list = field(default_factory=list)


tickets_strategy = st.lists(
    st.tuples(st.integers(0, 90), st.lists(st.integers(1, 4), max_size=3, unique=True)),
    max_size=25,
).map(
    lambda rows: [
        FakeTicket(pk, NOW - timedelta(minutes=age), topics)
        for pk, (age, topics) in enumerate(rows, start=1)
    ]
)


def matches(ticket, topics):
    return (
        not ticket.topic_ids
        or bool(set(ticket.topic_ids) & set(topics))
        or NOW - ticket.queue_position_key >= TOPIC_PREFERENCE_LIMIT
    )


@given(tickets_strategy, st.lists(st.integers(1, 4), max_size=4, unique=True))
def test_call_order_is_fair(tickets, topics):
    ordered = call_order(tickets, topics, NOW)
    assert sorted(t.pk for t in ordered) == sorted(t.pk for t in tickets)
    flags = [matches(t, topics) for t in ordered]
    # All matching tickets (including everyone who waited long) before the rest.
    assert flags == sorted(flags, reverse=True)
    # Within each group, the oldest first.
    for group in (True, False):
        keys = [t.queue_position_key for t, f in zip(ordered, flags, strict=True) if f == group]
        assert keys == sorted(keys)
    # A long waiter is never behind a younger ticket.
    for i, earlier in enumerate(ordered):
        for later in ordered[i + 1 :]:
            if NOW - later.queue_position_key >= TOPIC_PREFERENCE_LIMIT:
                assert earlier.queue_position_key <= later.queue_position_key or matches(
                    earlier, topics
                )


@given(tickets_strategy)
def test_without_topics_the_order_is_first_come_first_served(tickets):
    for ticket in tickets:
        ticket.topic_ids = []
    ordered = call_order(tickets, [1, 2], NOW)
    assert [t.queue_position_key for t in ordered] == sorted(t.queue_position_key for t in tickets)
