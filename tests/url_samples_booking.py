"""Sample URL kwargs for the booking staff pages (see tests/staff_urls.py)."""

from datetime import timedelta

from django.utils import timezone

from willkommen.accounts.models import Role
from willkommen.booking.models import Appointment, AppointmentStatus
from willkommen.organisations.models import Location


def _appointment(staff):
    location = Location.objects.create(
        name="Calendar Sample",
        street="Am Markt 1",
        postal_code="30159",
        city="Hannover",
        federal_state="NI",
        office=staff[Role.OFFICE_CLERK].organisation,
    )
    start = timezone.now() + timedelta(days=1)
    appointment = Appointment.objects.create(
        location=location,
        start=start,
        end=start + timedelta(minutes=20),
        status=AppointmentStatus.BOOKED,
        name="Sample",
    )
    return {"appointment_id": appointment.pk}


SAMPLE_KWARGS = {"booking_staff:set_status": _appointment}
