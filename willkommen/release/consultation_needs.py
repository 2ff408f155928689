"""Drawn winners who said they *need* a consultation and got none with their appointment
(no counsellor speaking their language was free around it). The draw cannot favour them
without showing the office who asked for counselling (docs/fair-release.md,
"Consultations"), so the welcome service is told instead, on its day page, and can expect
them in the waiting area. Only the welcome service's pages call this; nothing the office
sees does (docs/security.md)."""

from datetime import time, timedelta

from django.db.models import Exists, OuterRef

from willkommen.booking.models import (
    LIVE_CONSULTATION_STATUSES,
    AppointmentStatus,
    ConsultationBooking,
)
from willkommen.clock import local_datetime

from .models import ConsultationWish, RequestStatus

LOOK_AHEAD_DAYS = 14


def unmet_required(first_day, days=LOOK_AHEAD_DAYS):
    """Wishes of drawn requests marked "I need it" whose appointment, from ``first_day`` on
    for ``days`` days, has no live consultation: by appointment time. Each carries its
    request (number) and appointment (time, location); no name, no contact."""
    start = local_datetime(first_day, time(0))
    end = local_datetime(first_day + timedelta(days=days), time(0))
    consultation = ConsultationBooking.objects.filter(
        appointment=OuterRef("request__appointment"), status__in=LIVE_CONSULTATION_STATUSES
    )
    return (
        ConsultationWish.objects.filter(
            required=True,
            request__status=RequestStatus.ALLOCATED,
            request__appointment__status__in=(AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED),
            request__appointment__start__gte=start,
            request__appointment__start__lt=end,
        )
        .exclude(Exists(consultation))
        .select_related("language", "request__appointment__location")
        .prefetch_related("topics")
        .order_by("request__appointment__start")
    )
