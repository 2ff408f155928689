"""Why a consultation cannot be added to an appointment held in the office's own system:
the office system's answers (``officesystems.base``) as messages for the client.

An unknown reference and a wrong secret get one and the same message: telling them apart
would make the look-up an oracle for references. ``manual_entry``: the operator allows
typing the time instead (``OFFICE_SYSTEMS_MANUAL_ENTRY``), so the page offers it.
"""

from django.utils.translation import gettext_lazy as _

from .errors import BookingError


class OfficeLookupError(BookingError):
    def __init__(self, message=None, manual_entry=False, **extra):
        super().__init__(message, **extra)
        self.manual_entry = manual_entry


class OfficeAppointmentNotFound(OfficeLookupError):
    code = "office_appointment_not_found"
    status = 422
    default_message = _(
        "We found no appointment at the immigration office with this reference and security "
        "code at this location. Please check both, exactly as in your confirmation."
    )


class OfficeAppointmentPast(OfficeLookupError):
    code = "office_appointment_past"
    status = 422
    default_message = _(
        "According to the immigration office, this appointment has already begun or is over. "
        "A consultation can only be added to an appointment still to come."
    )


class OfficeSystemUnavailable(OfficeLookupError):
    code = "office_system_unavailable"
    status = 503
    default_message = _(
        "The appointment system of the immigration office cannot be reached at the moment, "
        "so we cannot check your appointment. Please try again later."
    )


class ManualEntryNotAllowed(BookingError):
    code = "office_lookup_required"
    status = 422
    default_message = _(
        "At this location your appointment is checked in the immigration office's own "
        "system. Please give its reference instead of the time."
    )


class ConsultationAlreadyBooked(BookingError):
    code = "consultation_already_booked"
    status = 409
    default_message = _(
        "This booking already has a consultation, or had one. Open your private link to "
        "see or change it."
    )
