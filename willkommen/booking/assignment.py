"""Which counsellor takes a booked consultation: decided privately, after the client was
given a time.

The client's consultation time is the public answer (``ConsultationOption``). It
depends only on who is on duty, so nothing the public or the office can see changes when
somebody books a consultation (docs/security.md, "Public consultation answers"). This
module then looks at what is really booked and gives the consultation to the best free
counsellor on duty, under the same database guard as every booking (``placement``).

When every counsellor who could hold it is busy, the consultation stays **without a
counsellor**. The client keeps the time they were given and is told the same as
everybody else; on the day, "call next" gives the consultation, before any walk-in, to
the first counsellor who is free and speaks the language (``claim_due``), a counsellor may
take it over from their day page (``take_over``), and ``assign_waiting`` tries again
whenever a counsellor's time frees up. Nothing here is ever shown to the client or the
office, so which of these happens reveals nothing.
"""

from datetime import time, timedelta

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from willkommen import clock
from willkommen.clock import local_datetime
from willkommen.scheduling.duty import DutyCandidate, duty_candidates

from . import placement
from .models import ConsultationBooking, ConsultationBookingStatus


def _day_bounds(day):
    return local_datetime(day, time(0)), local_datetime(day + timedelta(days=1), time(0))


def free_candidates(booking, now) -> list[DutyCandidate]:
    """The counsellors on duty for the whole of ``booking``'s time who may hold it and have
    nothing else then, best first: the engine's preference (topics, then language), then
    the fewest consultations that day (spreads the work), then a stable id."""
    location = booking.appointment.location
    duty = duty_candidates(
        location,
        booking.start,
        booking.end,
        language=booking.language.code,
        topics=tuple(booking.topics.values_list("slug", flat=True)),
        interpreter=booking.interpreter,
    )
    if not duty:
        return []
    ids = [candidate.counsellor_id for candidate in duty]
    busy = set(
        ConsultationBooking.objects.occupying(now)
        .filter(counsellor_id__in=ids, start__lt=booking.end, end__gt=booking.start)
        .exclude(pk=booking.pk)
        .values_list("counsellor_id", flat=True)
    )
    day_start, day_end = _day_bounds(clock.local_day(booking.start))
    load = dict(
        ConsultationBooking.objects.occupying(now)
        .filter(counsellor_id__in=ids, start__gte=day_start, start__lt=day_end)
        .values_list("counsellor_id")
        .annotate(n=Count("pk"))
        .values_list("counsellor_id", "n")
    )
    free = [candidate for candidate in duty if candidate.counsellor_id not in busy]
    free.sort(key=lambda c: (c.preference, load.get(c.counsellor_id, 0), c.counsellor_id))
    return free


def assign(booking, now=None) -> bool:
    """Gives the (saved, unassigned or being moved) consultation to the best counsellor
    still free, inside the caller's transaction; False when none is. Never raises for lack
    of a counsellor: the client's time stands either way."""
    now = now or timezone.now()
    for candidate in free_candidates(booking, now):
        if placement.give_to_counsellor(booking, candidate.counsellor_id, candidate.room_id, now):
            return True
    return False


def unassign(booking):
    """Takes the consultation from its counsellor (before it is placed again)."""
    ConsultationBooking.objects.filter(pk=booking.pk).update(counsellor=None, room=None)
    booking.counsellor_id = booking.room_id = None


def assign_waiting(location_id, day, now=None) -> int:
    """Tries again to give every consultation still without a counsellor at
    ``location_id`` on ``day`` to one, earliest first; returns how many found one. Run
    whenever a counsellor's time frees up (a cancellation, a move, a new shift)."""
    now = now or timezone.now()
    day_start, day_end = _day_bounds(day)
    waiting = (
        ConsultationBooking.objects.unassigned()
        .filter(appointment__location_id=location_id, start__gte=max(day_start, now))
        .filter(start__lt=day_end)
        .exclude(status=ConsultationBookingStatus.HELD)
        .select_related("appointment__location", "language")
        .order_by("start", "pk")
    )
    assigned = 0
    for booking_id in list(waiting.values_list("pk", flat=True)):
        with transaction.atomic():
            booking = _locked_unassigned(booking_id)
            if booking is not None and assign(booking, now):
                assigned += 1
    return assigned


def _locked_unassigned(booking_id):
    return (
        ConsultationBooking.objects.unassigned()
        .select_for_update(of=("self",), skip_locked=True)
        .select_related("appointment__location", "language")
        .filter(pk=booking_id)
        .first()
    )


def may_hold(counsellor, booking) -> bool:
    """Whether ``counsellor`` could hold ``booking``: they speak its language, or an
    interpreter comes along."""
    if booking.interpreter:
        return True
    return counsellor.languages.filter(pk=booking.language_id).exists()


def unassigned_on(day):
    """Consultations of ``day`` still without a counsellor (confirmed ones), by time."""
    day_start, day_end = _day_bounds(day)
    return (
        ConsultationBooking.objects.unassigned()
        .filter(status=ConsultationBookingStatus.BOOKED, start__gte=day_start, start__lt=day_end)
        .order_by("start", "pk")
    )


def unassigned_due(location, now, lead: timedelta):
    """Consultations without a counsellor at ``location`` that start within ``lead`` or are
    overdue today, earliest first: the clients waiting for one with priority."""
    day_start, _day_end = _day_bounds(clock.local_day(now))
    return (
        ConsultationBooking.objects.unassigned()
        .filter(
            status=ConsultationBookingStatus.BOOKED,
            appointment__location=location,
            start__gte=day_start,
            start__lte=now + lead,
        )
        .select_related("appointment__location", "language")
        .order_by("start", "pk")
    )


def claim_due(counsellor, location, now, lead: timedelta):
    """ "Call next" for booked clients without a counsellor: the earliest due one that
    ``counsellor`` may hold, given to them under the placement guard; None if there is
    none (or the counsellor has another consultation booked over its time)."""
    language_ids = set(counsellor.languages.values_list("pk", flat=True))
    for booking in unassigned_due(location, now, lead):
        if not booking.interpreter and booking.language_id not in language_ids:
            continue
        with transaction.atomic():
            locked = _locked_unassigned(booking.pk)
            if locked is not None and placement.give_to_counsellor(
                locked, counsellor.pk, _room_of(counsellor, locked), now
            ):
                return locked
    return None


class TakeOverRefused(Exception):
    """The consultation has a counsellor already, or the counsellor is busy then."""


def take_over(counsellor, booking_id, now=None):
    """A counsellor takes a consultation without a counsellor from their day page."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _locked_unassigned(booking_id)
        if booking is None or not may_hold(counsellor, booking):
            raise TakeOverRefused()
        if not placement.give_to_counsellor(
            booking, counsellor.pk, _room_of(counsellor, booking), now
        ):
            raise TakeOverRefused()
        return booking


def _room_of(counsellor, booking):
    """The room of ``counsellor``'s duty over the consultation's time, if they are on duty
    then (a counsellor may take a consultation outside their planned duty)."""
    for candidate in duty_candidates(
        booking.appointment.location, booking.start, booking.end, interpreter=True
    ):
        if candidate.counsellor_id == counsellor.pk:
            return candidate.room_id
    return None
