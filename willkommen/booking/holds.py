"""Bookings that wait for their confirmation link (double opt-in, or a booking without
the captcha's proof of work): the state a new booking starts in, and the sweep that
marks unconfirmed ones expired once their time ran out."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from . import placement
from .models import (
    Appointment,
    AppointmentStatus,
    ConsultationBookingStatus,
)


def final_state(schedule, now, confirm=False):
    """(appointment status, expiry, confirmed at, consultation status) of a new booking:
    final at once, or waiting for the client's confirmation through the link sent to the
    contact (double opt-in: the location wants it, or ``confirm`` — a booking without the
    captcha's proof of work)."""
    if schedule.double_opt_in or confirm:
        return (
            AppointmentStatus.PENDING_CONFIRMATION,
            now + timedelta(minutes=schedule.confirmation_minutes),
            None,
            ConsultationBookingStatus.PENDING_CONFIRMATION,
        )
    return AppointmentStatus.BOOKED, None, now, ConsultationBookingStatus.BOOKED


def release_expired_holds(now=None) -> int:
    """Marks every stale hold and unconfirmed booking as expired; returns how many. Not
    needed for correctness (the engine ignores stale holds), it keeps the tables tidy."""
    now = now or timezone.now()
    with transaction.atomic():
        return placement.expire_stale(Appointment.objects.all(), now)
