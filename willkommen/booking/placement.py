"""Placement: writing an appointment on a desk, or giving a consultation to a counsellor,
without ever giving the same time twice — also under a rush of parallel requests.

The guard depends on the database (``database_refuses_overlaps``):

* **PostgreSQL** refuses overlapping active rows itself (exclusion constraints over
  ``tstzrange(start, end)`` per desk and per counsellor, migration booking 0003). The
  insert is the check: it waits for a competing transaction and fails if that one
  committed. No lock, no re-check.
* **SQLite** has no such constraints, but only one transaction writes at a time
  (``transaction_mode`` IMMEDIATE in the settings): there a row lock (a no-op) and a
  re-check of the interval run before the write.

Either way a partial unique constraint on (desk, start) and (counsellor, start) is the last
line of defence. Holds that ran out but still carry their old status trip the constraints;
``write_or_expire_and_retry`` then marks them expired and tries once more.

This is the counterpart of pretix's ``locking`` module: the one seam the parallel-booking
tests switch off (``guard_disabled``) to show what happens without it.
"""

from contextlib import contextmanager

from django.db import IntegrityError, connection, transaction

from willkommen.accounts.models import StaffMember
from willkommen.organisations.models import Desk

from .errors import SlotUnavailable
from .models import (
    EXPIRING_STATUSES,
    Appointment,
    AppointmentStatus,
    ConsultationBooking,
    ConsultationBookingStatus,
)

# Switched off only by ``guard_disabled`` (tests that show what the guard prevents).
_guard = {"enabled": True}


def database_refuses_overlaps() -> bool:
    """Whether the database itself refuses overlapping active rows (PostgreSQL)."""
    return _guard["enabled"] and connection.vendor == "postgresql"


@contextmanager
def guard_disabled():
    """Places without row locks and re-checks, and without relying on the database to
    refuse overlaps: for control tests only, which must also drop the constraints."""
    _guard["enabled"] = False
    try:
        yield
    finally:
        _guard["enabled"] = True


def expire_stale(appointments, now) -> int:
    """Marks stale holds and unconfirmed bookings among ``appointments`` expired, with
    their consultations; returns how many appointments."""
    stale = appointments.filter(status__in=EXPIRING_STATUSES, hold_expires_at__lte=now)
    stale_ids = list(stale.values_list("pk", flat=True))
    if not stale_ids:
        return 0
    Appointment.objects.filter(pk__in=stale_ids).update(status=AppointmentStatus.EXPIRED)
    ConsultationBooking.objects.filter(
        appointment_id__in=stale_ids, status__in=EXPIRING_STATUSES
    ).update(status=ConsultationBookingStatus.EXPIRED)
    return len(stale_ids)


def lock_desk(desk_id):
    """Row lock on the desk: concurrent bookings of this desk wait here (SQLite path)."""
    if not _guard["enabled"]:
        return
    # No ordering: Desk's default ordering joins the location, and FOR UPDATE would then
    # lock the location row too and make every booking at a location wait for each other.
    list(Desk.objects.select_for_update().filter(pk=desk_id).order_by().values_list("pk"))


def lock_counsellors(counsellor_ids):
    """Row locks on counsellors, in id order (the same order everywhere: no deadlocks)."""
    if not _guard["enabled"]:
        return
    list(
        StaffMember.objects.select_for_update()
        .filter(pk__in=sorted(set(counsellor_ids)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def desk_is_free(desk_id, start, end, now, exclude_id=None) -> bool:
    if not _guard["enabled"]:
        return True
    overlapping = Appointment.objects.occupying(now).filter(
        desk_id=desk_id, start__lt=end, end__gt=start
    )
    if exclude_id:
        overlapping = overlapping.exclude(pk=exclude_id)
    return not overlapping.exists()


def counsellor_is_free(counsellor_id, start, end, now, exclude_booking_id=None) -> bool:
    if not _guard["enabled"]:
        return True
    overlapping = ConsultationBooking.objects.occupying(now).filter(
        counsellor_id=counsellor_id, start__lt=end, end__gt=start
    )
    if exclude_booking_id:
        overlapping = overlapping.exclude(pk=exclude_booking_id)
    return not overlapping.exists()


def spread(ids, start):
    """The candidates (all free when the engine looked) in an order that depends on the
    start time: bookings of different times then lock different desks first instead of
    all queueing on the lowest desk id. Bookings of the same time share the order, so
    they meet on the same row lock and the second sees the first."""
    ordered = sorted(ids)
    if len(ordered) < 2:
        return ordered
    offset = (int(start.timestamp()) // 60) % len(ordered)
    return ordered[offset:] + ordered[:offset]


def write_or_expire_and_retry(write, stale, now):
    """Runs ``write`` in a savepoint. Holds that ran out but still carry their old status
    count as free for the engine and the re-check, but trip the database's unique and
    exclusion constraints; so on IntegrityError mark ``stale``'s expired rows and try once
    more. Returns None when the place is really taken (or was taken by a competing
    transaction meanwhile). Expiring only on conflict keeps a query off every booking."""
    try:
        with transaction.atomic():
            return write()
    except IntegrityError:
        if not expire_stale(stale, now):
            return None
    try:
        with transaction.atomic():
            return write()
    except IntegrityError:
        return None


def place_on_desk(desk_ids, start, end, now, build, exclude_id=None):
    """Writes the appointment with ``build(desk_id)`` on the first candidate desk where the
    database lets it (elsewhere after a lock and a re-check); moves on to the next
    candidate if it was taken meanwhile. Raises SlotUnavailable when none is left."""
    checked_by_write = database_refuses_overlaps()
    for desk_id in spread(desk_ids, start):
        if not checked_by_write:
            lock_desk(desk_id)
            if not desk_is_free(desk_id, start, end, now, exclude_id):
                continue
        stale = Appointment.objects.filter(desk_id=desk_id, start__lt=end, end__gt=start)
        created = write_or_expire_and_retry(lambda desk_id=desk_id: build(desk_id), stale, now)
        if created is not None:
            return created
    raise SlotUnavailable()


def give_to_counsellor(booking, counsellor_id, room_id, now) -> bool:
    """Gives the (saved) consultation ``booking`` to ``counsellor_id`` if they are free for
    its whole time; False if they were taken meanwhile. Under the guard described above."""
    start, end = booking.start, booking.end
    if not database_refuses_overlaps():
        lock_counsellors([counsellor_id])
        if not counsellor_is_free(counsellor_id, start, end, now, exclude_booking_id=booking.pk):
            return False
    stale = Appointment.objects.filter(
        consultation__counsellor_id=counsellor_id,
        consultation__start__lt=end,
        consultation__end__gt=start,
    ).exclude(pk=booking.appointment_id)

    def write():
        ConsultationBooking.objects.filter(pk=booking.pk).update(
            counsellor_id=counsellor_id, room_id=room_id
        )
        return True

    if write_or_expire_and_retry(write, stale, now) is None:
        return False
    booking.counsellor_id, booking.room_id = counsellor_id, room_id
    return True


def is_deadlock(error) -> bool:
    """PostgreSQL aborted one of two transactions that waited for each other's locks
    (possible only when two bookings both lost a race and moved on to a next candidate)."""
    return getattr(error.__cause__, "sqlstate", None) == "40P01"
