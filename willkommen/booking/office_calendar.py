"""The immigration office's calendar of a day, and the clerk's status changes.

Secrecy (docs/domain.md, rule 1): this module reads ``Appointment`` through
``for_office_calendar()`` only and never touches ``ConsultationBooking``; nothing it
returns can tell whether a client also booked a consultation.
"""

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from willkommen import clock
from willkommen.clock import local_datetime
from willkommen.organisations.models import DeskKind

from . import signals
from .models import Appointment, AppointmentStatus

# What the clerk may record, and from which status.
CLERK_TRANSITIONS = {
    AppointmentStatus.ARRIVED: (AppointmentStatus.BOOKED, AppointmentStatus.NO_SHOW),
    AppointmentStatus.NO_SHOW: (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED),
    AppointmentStatus.COMPLETED: (AppointmentStatus.ARRIVED,),
}
# Arrival statuses: only on the appointment's day, or up to ``OFFICE_ARRIVAL_DAYS_BACK``
# days after it (to catch up on a busy day), never ahead.
ARRIVAL_STATUSES = (AppointmentStatus.ARRIVED, AppointmentStatus.NO_SHOW)
DEFAULT_ARRIVAL_DAYS_BACK = 3
# Statuses that ask the clerk first: a no-show gives up the client's booking.
CONFIRM_FIRST = (AppointmentStatus.NO_SHOW,)


class StaleStatus(Exception):
    """The appointment changed since the clerk loaded the page."""

    def __init__(self, current_status):
        self.current_status = current_status
        super().__init__(str(current_status))


class TransitionNotAllowed(Exception):
    """The status cannot be set (``code``: ``transition_not_allowed``, or
    ``outside_arrival_window`` for an arrival status outside the arrival window)."""

    def __init__(self, message, code="transition_not_allowed"):
        self.code = code
        super().__init__(str(message))


@dataclass
class DeskDay:
    desk_id: int | None
    desk_name: str
    appointments: list


def office_appointments(location, day: date):
    start = local_datetime(day, time.min)
    end = local_datetime(day + timedelta(days=1), time.min)
    return (
        Appointment.objects.for_office_calendar()
        .filter(location=location, start__gte=start, start__lt=end)
        .select_related("service", "desk")
        .order_by("start", "desk__name")
    )


def office_day(location, day: date) -> list[DeskDay]:
    """The day per office desk, every active desk listed even when empty."""
    desks = {
        desk.pk: DeskDay(desk.pk, desk.name, [])
        for desk in location.desks.filter(kind=DeskKind.OFFICE_DESK, is_active=True)
    }
    for appointment in office_appointments(location, day):
        if appointment.desk_id not in desks:
            desks[appointment.desk_id] = DeskDay(
                appointment.desk_id, appointment.desk.name if appointment.desk else "–", []
            )
        desks[appointment.desk_id].appointments.append(appointment)
    return sorted(desks.values(), key=lambda desk_day: desk_day.desk_name)


def arrival_days_back() -> int:
    return max(0, int(getattr(settings, "OFFICE_ARRIVAL_DAYS_BACK", DEFAULT_ARRIVAL_DAYS_BACK)))


def day_in_arrival_window(day: date, today: date | None = None) -> bool:
    """Today, or at most ``OFFICE_ARRIVAL_DAYS_BACK`` days ago."""
    today = today or clock.today()
    return today - timedelta(days=arrival_days_back()) <= day <= today


def arrival_can_be_recorded(appointment, today: date | None = None) -> bool:
    """Whether the appointment's (local) day lies in the arrival window."""
    return day_in_arrival_window(clock.local_day(appointment.start), today)


def outside_arrival_window_message() -> str:
    days = arrival_days_back()
    if days == 0:
        return str(_("Arrival and no-show can only be recorded on the day of the appointment."))
    return ngettext(
        "Arrival and no-show can only be recorded on the day of the appointment or up to "
        "%(days)d day after it.",
        "Arrival and no-show can only be recorded on the day of the appointment or up to "
        "%(days)d days after it.",
        days,
    ) % {"days": days}


def allowed_actions(appointment, today: date | None = None) -> list[str]:
    in_window = arrival_can_be_recorded(appointment, today)
    return [
        target
        for target, sources in CLERK_TRANSITIONS.items()
        if appointment.status in sources and (in_window or target not in ARRIVAL_STATUSES)
    ]


def set_status(appointment_id, *, expected_status: str, new_status: str, location) -> Appointment:
    """Records arrival, no-show or completion. ``expected_status`` is the status the clerk
    saw; if somebody changed it meanwhile (a colleague, a cancellation), nothing is written
    and StaleStatus says what it is now. Arrival and no-show only within the arrival window
    (``arrival_can_be_recorded``).

    A no-show gives up the appointment: whatever else the client booked with it is freed in
    the background (``signals.appointment_no_show``, sent for *every* no-show, so that the
    clerk's answer and its timing are the same with or without a consultation; this module
    never reads one)."""
    if new_status not in CLERK_TRANSITIONS:
        raise TransitionNotAllowed(_("This status cannot be set here."))
    with transaction.atomic():
        appointment = (
            Appointment.objects.for_office_calendar()
            .select_for_update()
            .get(pk=appointment_id, location=location)
        )
        if appointment.status != expected_status:
            raise StaleStatus(appointment.get_status_display())
        if appointment.status not in CLERK_TRANSITIONS[new_status]:
            raise TransitionNotAllowed(_("This status cannot be set here."))
        if new_status in ARRIVAL_STATUSES and not arrival_can_be_recorded(appointment):
            raise TransitionNotAllowed(
                outside_arrival_window_message(), code="outside_arrival_window"
            )
        appointment.status = new_status
        appointment.save(update_fields=["status"])
        if new_status == AppointmentStatus.NO_SHOW:
            signals.send(signals.appointment_no_show, appointment_id=appointment.pk)
    return appointment
