"""Willkommen's own booking as an office appointment system: the built-in adapter.

A location without another office system (``officesystems.config``) keeps its office
appointments here. "I already have an appointment" then finds the booking by its code
and the key of its private link (the manage token): the only secret that only the client
holds. The clerk sees codes in the calendar, so a code alone — or a code with the
client's contact — must not be enough: it would let the office ask whether a booking
carries a consultation. Pasting the whole private link works too (``split_link``).

Registered into ``officesystems.registry`` from ``BookingConfig.ready``.
"""

from urllib.parse import parse_qs, urlparse

from willkommen.officesystems import registry
from willkommen.officesystems.base import (
    AppointmentNotFound,
    OfficeAppointment,
    OfficeStatus,
    OfficeSystemAdapter,
    WrongSecret,
)
from willkommen.officesystems.config import OWN_BOOKING

from .errors import InvalidManageToken
from .models import AppointmentStatus
from .tokens import appointment_for_token

STANDING = {AppointmentStatus.BOOKED, AppointmentStatus.PENDING_CONFIRMATION}
DONE = {AppointmentStatus.ARRIVED, AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW}


def split_link(reference: str, secret: str) -> tuple[str, str]:
    """(code, token) from a pasted private link (``…/manage/<code>/?token=…``), else the
    fields as they were typed."""
    reference = (reference or "").strip()
    if "token=" in reference:
        url = urlparse(reference)
        parts = [part for part in url.path.split("/") if part]
        token = parse_qs(url.query).get("token", [""])[0]
        if "manage" in parts and parts.index("manage") + 1 < len(parts) and token:
            return parts[parts.index("manage") + 1], token
    return reference, (secret or "").strip()


class WillkommenAdapter(OfficeSystemAdapter):
    name = OWN_BOOKING
    label = "Willkommen"
    needs_secret = True
    is_own_booking = True

    def lookup(self, reference: str, secret: str) -> OfficeAppointment:
        code, token = split_link(reference, secret)
        if not code or not token:
            raise WrongSecret()
        try:
            appointment = appointment_for_token(code, token)
        except InvalidManageToken as error:
            raise AppointmentNotFound() from error
        if appointment.location_id != self.config.location_id or appointment.is_external:
            raise AppointmentNotFound("another location")
        if appointment.status in STANDING:
            status = OfficeStatus.BOOKED
        elif appointment.status in DONE:
            status = OfficeStatus.DONE
        else:
            status = OfficeStatus.CANCELLED
        return OfficeAppointment(
            reference=appointment.code,
            start=appointment.start,
            end=appointment.end,
            status=status,
            own_appointment_id=appointment.pk,
        )


def register() -> None:
    registry.register(WillkommenAdapter)
