"""No slot is ever given twice: truly parallel bookings against PostgreSQL.

Each thread has its own database connection and transaction; a barrier releases them at
the same moment. Exactly one booking may win; the others get SlotUnavailable. The control
tests remove the guard (the exclusion and unique constraints, and the row lock and re-check
that SQLite relies on) and show that the same race then gives the slot more than once, so
these tests can fail.
"""

import importlib
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from willkommen.booking import assignment, bookings, placement, services
from willkommen.booking.availability import find_slots
from willkommen.booking.errors import SlotUnavailable
from willkommen.booking.models import Appointment, ConsultationBooking
from willkommen.clock import LOCAL_ZONE

from .conftest import make_world

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

PARALLEL = 20
OVERLAP_MIGRATION = importlib.import_module(
    "willkommen.booking.migrations.0003_overlap_exclusion_constraints"
)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for truly parallel transactions")


@pytest.fixture
def one_desk_world(organisations, make_staff):
    return make_world(organisations, make_staff, desk_count=1)


def race(count, attempt):
    """Runs ``attempt(index)`` in ``count`` threads released together; returns results."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(index):
        try:
            barrier.wait(timeout=30)
            results[index] = attempt(index)
        except Exception as error:  # noqa: BLE001 - collected and asserted on below
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def first_slot(world, **kwargs):
    today = timezone.localdate()
    return find_slots(world.service, today, today + timedelta(days=14), **kwargs)[0]


def book_attempt(world, start, consultation=None):
    def attempt(index):
        return services.book(
            world.service,
            start,
            name=f"Client {index}",
            email=f"client{index}@example.org",
            consultation=consultation,
            language="de",
        )

    return attempt


def test_twenty_parallel_bookings_of_one_slot_give_exactly_one(one_desk_world):
    slot = first_slot(one_desk_world)
    results = race(PARALLEL, book_attempt(one_desk_world, slot.start))
    successes = [result for result in results if isinstance(result, services.BookingResult)]
    unavailable = [result for result in results if isinstance(result, SlotUnavailable)]
    assert len(successes) == 1, results
    assert len(unavailable) == PARALLEL - 1, results
    assert Appointment.objects.occupying().filter(start=slot.start).count() == 1


def test_twenty_parallel_requests_for_one_counsellor_slot_give_her_once(world):
    # Twenty clients whose office appointment was booked elsewhere at the same time all
    # want a consultation in Persian around it. Only one counsellor speaks Persian. All
    # twenty are given the time the public answer offers (nothing public may depend on
    # the others), but she is given to exactly one of them; the others wait for a
    # counsellor with priority (``booking.assignment``).
    request = services.ConsultationRequest("fa", (), False)
    slot = first_slot(world, language="fa")
    consultation = slot.consultation
    assert consultation is not None and consultation.position == "after"

    def attempt(index):
        return services.add_consultation_to_external(
            world.location,
            slot.start,
            slot.end,
            f"REF-{index}",
            request,
            f"Client {index}",
            f"client{index}@example.org",
            None,
            "de",
        )

    results = race(PARALLEL, attempt)
    successes = [result for result in results if isinstance(result, services.BookingResult)]
    assert len(successes) == PARALLEL, results
    booked = ConsultationBooking.objects.filter(status="booked")
    assert {(c.start, c.end) for c in booked} == {(consultation.start, consultation.end)}
    dariush = world.counsellors["dariush"]
    assert [c.counsellor_id for c in booked if c.counsellor_id] == [dariush.pk]
    assert booked.unassigned().count() == PARALLEL - 1


def test_parallel_bookings_of_different_times_all_succeed(world):
    # The guard must not turn a rush into failures: twenty clients booking twenty
    # different free desk slots at once all get theirs, without deadlocks.
    today = timezone.localdate()
    slots = find_slots(world.service, today, today + timedelta(days=14), with_consultation=False)
    starts = [slot.start for slot in slots for _desk in slot.desk_ids][:PARALLEL]

    def attempt(index):
        return services.book(
            world.service,
            starts[index],
            name=f"Client {index}",
            email=f"client{index}@example.org",
            language="de",
        )

    results = race(PARALLEL, attempt)
    assert all(isinstance(result, services.BookingResult) for result in results), results
    assert Appointment.objects.occupying().count() == PARALLEL


def overlapping_starts(world):
    """A long appointment and a short one that starts inside it, on the one desk: their
    starts differ, so only the exclusion constraint (not the unique one) keeps them apart."""
    today = timezone.localdate()
    long_slots = find_slots(
        world.long_service, today, today + timedelta(days=14), with_consultation=False
    )
    for long_slot in long_slots:
        day = long_slot.start.astimezone(LOCAL_ZONE).date()
        for short_slot in find_slots(world.service, day, day, with_consultation=False):
            if long_slot.start < short_slot.start < long_slot.end:
                return long_slot.start, short_slot.start
    raise AssertionError("no overlapping pair of slots")


def race_overlapping(world):
    long_start, short_start = overlapping_starts(world)

    def attempt(index):
        service, start = (
            (world.long_service, long_start) if index % 2 else (world.service, short_start)
        )
        return services.book(
            service, start, name=f"Client {index}", email=f"client{index}@example.org"
        )

    return race(PARALLEL, attempt)


def test_parallel_bookings_of_overlapping_times_give_the_desk_once(one_desk_world):
    results = race_overlapping(one_desk_world)
    successes = [result for result in results if isinstance(result, services.BookingResult)]
    assert len(successes) == 1, results
    assert all(isinstance(result, (services.BookingResult, SlotUnavailable)) for result in results)
    assert Appointment.objects.occupying().count() == 1


# --- Controls: without the guard, the same race double-books -------------------------


def slowed(function):
    """``function``, then a pause: every racer has looked before anyone writes."""

    def slow(*args, **kwargs):
        result = function(*args, **kwargs)
        time.sleep(0.2)
        return result

    return slow


@pytest.fixture
def without_guard(monkeypatch):
    """Removes the constraints and placement's locks and re-checks (its one seam), and
    widens the race window between looking and writing."""
    for module, name in ((bookings, "slot_at"), (assignment, "free_candidates")):
        monkeypatch.setattr(module, name, slowed(getattr(module, name)))
    with connection.cursor() as cursor:
        for statement in OVERLAP_MIGRATION.REMOVE_SQL:
            cursor.execute(statement)
    constraints = [
        (Appointment, "appointment_desk_start_unique_active"),
        (ConsultationBooking, "consultation_counsellor_start_unique_active"),
    ]
    removed = []
    with connection.schema_editor() as editor:
        for model, name in constraints:
            constraint = next(c for c in model._meta.constraints if c.name == name)
            editor.remove_constraint(model, constraint)
            removed.append((model, constraint))
    with placement.guard_disabled():
        yield
    Appointment.objects.all().delete()
    with connection.schema_editor() as editor:
        for model, constraint in removed:
            editor.add_constraint(model, constraint)
    with connection.cursor() as cursor:
        for statement in OVERLAP_MIGRATION.ADD_SQL:
            cursor.execute(statement)


def test_control_without_the_guard_the_slot_is_given_more_than_once(one_desk_world, without_guard):
    slot = first_slot(one_desk_world)
    results = race(PARALLEL, book_attempt(one_desk_world, slot.start))
    successes = [result for result in results if isinstance(result, services.BookingResult)]
    assert len(successes) > 1, results


def test_control_without_the_guard_the_counsellor_is_given_twice(world, without_guard):
    # Without the guard several of the twenty get Dariush at the same time.
    request = services.ConsultationRequest("fa", (), False)
    slot = first_slot(world, language="fa")

    def attempt(index):
        return services.add_consultation_to_external(
            world.location,
            slot.start,
            slot.end,
            f"REF-{index}",
            request,
            f"Client {index}",
            f"client{index}@example.org",
            None,
            "de",
        )

    race(PARALLEL, attempt)
    placed = list(
        ConsultationBooking.objects.filter(status="booked", counsellor__isnull=False).values_list(
            "counsellor_id", "start"
        )
    )
    assert len(placed) > len(set(placed)), placed


@pytest.fixture
def without_exclusion_constraints(monkeypatch):
    """Only the exclusion constraints go (the unique constraints stay), and the race window
    is widened."""
    monkeypatch.setattr(bookings, "slot_at", slowed(bookings.slot_at))
    with connection.cursor() as cursor:
        for statement in OVERLAP_MIGRATION.REMOVE_SQL:
            cursor.execute(statement)
    yield
    Appointment.objects.all().delete()
    with connection.cursor() as cursor:
        for statement in OVERLAP_MIGRATION.ADD_SQL:
            cursor.execute(statement)


def test_control_without_the_exclusion_constraint_overlapping_times_share_the_desk(
    one_desk_world, without_exclusion_constraints
):
    results = race_overlapping(one_desk_world)
    successes = [result for result in results if isinstance(result, services.BookingResult)]
    assert len(successes) > 1, results
    occupying = list(Appointment.objects.occupying().order_by("start"))
    assert occupying[0].end > occupying[1].start  # two appointments overlap on one desk
