"""The immigration office's calendar of a day, and the clerk's status changes.

Secrecy (DOMAIN.md, rule 1): this module reads ``Appointment`` through
``for_office_calendar()`` only and never touches ``ConsultationBooking``; nothing it
returns can tell whether a client also booked a consultation.
"""

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from willkommen.organisations.models import DeskKind
from willkommen.scheduling.shifts import local_datetime

from .models import Appointment, AppointmentStatus

# What the clerk may record, and from which status.
CLERK_TRANSITIONS = {
    AppointmentStatus.ARRIVED: (AppointmentStatus.BOOKED, AppointmentStatus.NO_SHOW),
    AppointmentStatus.NO_SHOW: (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED),
    AppointmentStatus.COMPLETED: (AppointmentStatus.ARRIVED,),
}


class StaleStatus(Exception):
    """The appointment changed since the clerk loaded the page."""

    def __init__(self, current_status):
        self.current_status = current_status
        super().__init__(str(current_status))


class TransitionNotAllowed(Exception):
    pass


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


def allowed_actions(appointment) -> list[str]:
    return [
        target for target, sources in CLERK_TRANSITIONS.items() if appointment.status in sources
    ]


def set_status(appointment_id, *, expected_status: str, new_status: str, location) -> Appointment:
    """Records arrival, no-show or completion. ``expected_status`` is the status the clerk
    saw; if somebody changed it meanwhile (a colleague, a cancellation), nothing is written
    and StaleStatus says what it is now."""
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
        appointment.status = new_status
        appointment.save(update_fields=["status"])
    return appointment


def today_local():
    return timezone.localdate()
