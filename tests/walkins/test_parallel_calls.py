"""Two counsellors pressing "call next" at the same moment never get the same person, and
two outreach workers registering at the same moment never get the same ticket number.

Truly parallel transactions need PostgreSQL: each thread has its own connection, they all
start together at a barrier, and a pause inside the claim widens the race window to make
the outcome deterministic. The control test takes the lock away and shows that the same
ticket is then handed out more than once, so the guarantee test can fail.
"""

import threading
import time as clock
from collections import Counter

import pytest
from django.db import connection, connections

from willkommen.walkins import services
from willkommen.walkins.models import Ticket, TicketStatus

from .conftest import NOW, at

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

THREADS = 10
PAUSE = 0.3


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for truly parallel transactions")


def _counsellors(area, count):
    return [area.make_counsellor(f"farsi{n}", ["fa"], room=n % 2) for n in range(count)]


def _call_all(counsellors, location):
    barrier = threading.Barrier(len(counsellors))
    results, errors = {}, []

    def run(counsellor):
        try:
            barrier.wait(timeout=10)
            result = services.call_next(counsellor, location, now=NOW)
            results[counsellor.pk] = result.ticket.pk if result.ticket else None
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in counsellors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


def _slow(claim):
    def slowed(ticket_id):
        ticket = claim(ticket_id)
        clock.sleep(PAUSE)  # everyone else arrives while this claim is open
        return ticket

    return slowed


def _register(area, count):
    return [
        services.register_walk_in(
            area.location, area.languages["fa"], [], None, area.outreach, now=at(9, n)
        )
        for n in range(count)
    ]


def test_parallel_call_next_never_gives_a_ticket_twice(area, monkeypatch):
    monkeypatch.setattr(services, "_lock_waiting_ticket", _slow(services._lock_waiting_ticket))
    counsellors = _counsellors(area, THREADS)
    tickets = _register(area, 4)
    results = _call_all(counsellors, area.location)
    called = [pk for pk in results.values() if pk is not None]
    assert len(called) == len(set(called)) == 4
    assert set(called) == {t.pk for t in tickets}
    rows = Ticket.objects.filter(status=TicketStatus.CALLED)
    assert rows.count() == 4
    assert all(row.call_count == 1 for row in rows)
    assert {row.called_by_id for row in rows} == {c for c, pk in results.items() if pk}


def test_control_without_the_lock_the_same_ticket_is_given_twice(area, monkeypatch):
    def unlocked(ticket_id):
        return Ticket.objects.filter(pk=ticket_id, status=TicketStatus.WAITING).first()

    monkeypatch.setattr(services, "_lock_waiting_ticket", _slow(unlocked))
    counsellors = _counsellors(area, THREADS)
    (ticket,) = _register(area, 1)
    results = _call_all(counsellors, area.location)
    winners = Counter(pk for pk in results.values() if pk is not None)
    assert winners[ticket.pk] > 1, "without the lock the race should hand the ticket out twice"


def _register_all(area, count):
    barrier = threading.Barrier(count)
    numbers, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            ticket = services.register_walk_in(
                area.location, area.languages["fa"], [], None, area.outreach, now=NOW
            )
            numbers.append(ticket.number)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return numbers, errors


def _slow_sequence(original):
    def slowed(location, day):
        sequence = original(location, day)
        clock.sleep(PAUSE)
        return sequence

    return slowed


def test_parallel_registrations_get_consecutive_distinct_numbers(area, monkeypatch):
    monkeypatch.setattr(services, "_next_sequence", _slow_sequence(services._next_sequence))
    numbers, errors = _register_all(area, THREADS)
    assert errors == []
    assert sorted(numbers) == [f"A-{n:03d}" for n in range(1, THREADS + 1)]


def test_control_without_the_numbering_lock_registrations_collide(area, monkeypatch):
    monkeypatch.setattr(services, "_lock_location_numbering", lambda location: None)
    monkeypatch.setattr(services, "_next_sequence", _slow_sequence(services._next_sequence))
    monkeypatch.setattr(services, "NUMBERING_ATTEMPTS", 1)
    numbers, errors = _register_all(area, THREADS)
    # Everyone read the same "next number": only the unique constraint stopped duplicates.
    assert len(set(numbers)) == len(numbers)
    assert errors and all(getattr(error, "code", None) == "numbering_conflict" for error in errors)
