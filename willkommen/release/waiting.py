"""The waiting list: a slot from a draw that comes free — its appointment cancelled, or
moved elsewhere — goes to the next request in draw order that accepts it, never back to an
open pool that bots watch. Runs inside the cancellation's or the move's transaction
(booking's ``booking_cancelled`` and ``booking_moved`` signals), so the slot is never free
in between."""

from datetime import time

from django.db import transaction
from django.utils import timezone

from willkommen import clock, outbox
from willkommen.booking.errors import BookingError
from willkommen.scheduling.intervals import epoch, utc

from . import tasks
from .allocation import Wish, day_part
from .draw import book_for
from .models import ReleaseRequest, RequestStatus


def accepts(request, service_id, start) -> bool:
    """Whether ``request`` accepts a slot of concern ``service_id`` starting at ``start``
    (the draw's own rule, ``allocation.Wish.accepts``)."""
    day = clock.local_day(start)
    wish = Wish(
        request.number,
        request.service_id,
        tuple(request.days or ()),
        tuple(request.day_parts or ()),
    )
    part = day_part(epoch(start), epoch(utc(day, time(12))))
    return wish.accepts(service_id, day.isoformat(), part)


def give_to_next(appointment, slot=None, now=None):
    """Books a slot that came free for the next request in draw order of the round that
    ``appointment`` was drawn in, if one accepts it; returns that request, or None.
    ``slot`` is (desk id, start, end), by default the appointment's own (a cancellation);
    a move passes the slot the appointment left."""
    now = now or timezone.now()
    desk_id, start, end = slot or (appointment.desk_id, appointment.start, appointment.end)
    drawn = ReleaseRequest.objects.filter(appointment=appointment).values("round_id").first()
    if drawn is None or start <= now:
        return None
    waiting = (
        ReleaseRequest.objects.filter(
            round_id=drawn["round_id"],
            status=RequestStatus.NOT_DRAWN,
            service_id=appointment.service_id,
        )
        .select_related("round", "round__location", "service", "consultation_wish__language")
        .order_by("draw_position")
    )
    for request in waiting:
        if not accepts(request, appointment.service_id, start):
            continue
        try:
            with transaction.atomic():
                request.appointment = book_for(request, desk_id, start, end, now)
        except BookingError:
            return None  # the slot is not wholly free (a move onto part of it): it stays
        request.status = RequestStatus.ALLOCATED
        request.notified_at = None
        request.save(update_fields=["appointment", "status", "notified_at"])
        outbox.enqueue(
            tasks.notify_round, request.round_id, dedupe_key=("release-notify", request.round_id)
        )
        return request
    return None
