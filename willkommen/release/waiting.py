"""The waiting list: a slot from a draw that is cancelled goes to the next request in draw
order that accepts it — never back to an open pool that bots watch. Runs inside the
cancellation's transaction (booking's ``booking_cancelled`` signal), so the slot is never
free in between."""

from django.utils import timezone

from willkommen import clock, outbox

from . import tasks
from .allocation import AFTERNOON, MORNING
from .draw import book_for
from .models import ReleaseRequest, RequestStatus


def accepts(request, appointment) -> bool:
    if request.service_id != appointment.service_id:
        return False
    local = appointment.start.astimezone(clock.LOCAL_ZONE)
    if request.days and local.date().isoformat() not in request.days:
        return False
    part = MORNING if local.hour < 12 else AFTERNOON
    return not request.day_parts or part in request.day_parts


def give_to_next(appointment, now=None):
    """Books the cancelled ``appointment``'s slot for the next request in draw order of its
    round that accepts it; returns that request, or None."""
    now = now or timezone.now()
    drawn = (
        ReleaseRequest.objects.filter(appointment=appointment)
        .select_related("round")
        .defer("round__draw_input")
        .first()
    )
    if drawn is None or appointment.start <= now:
        return None
    waiting = (
        ReleaseRequest.objects.filter(
            round=drawn.round, status=RequestStatus.NOT_DRAWN, service_id=appointment.service_id
        )
        .select_related("round", "round__location", "service", "consultation_wish__language")
        .defer("round__draw_input")
        .order_by("draw_position")
    )
    for request in waiting:
        if not accepts(request, appointment):
            continue
        request.appointment = book_for(
            request, appointment.desk_id, appointment.start, appointment.end, now
        )
        request.status = RequestStatus.ALLOCATED
        request.notified_at = None
        request.save(update_fields=["appointment", "status", "notified_at"])
        outbox.enqueue(
            tasks.notify_round, request.round_id, dedupe_key=("release-notify", request.round_id)
        )
        return request
    return None
