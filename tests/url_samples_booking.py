"""Sample URL kwargs for the booking staff pages (see tests/staff_urls.py)."""

from datetime import timedelta

from django.utils import timezone

from tests.conftest import make_location
from willkommen.accounts.models import Role
from willkommen.booking.models import Appointment, AppointmentStatus


def _appointment(staff):
    location = make_location(staff[Role.OFFICE_CLERK].organisation, "Calendar Sample")
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
