"""Bookings, slots and refusals turned into the API's answers: ISO 8601 in Berlin time,
the consultation only for the holder of the manage token, errors in one structured shape
(``{"detail", "code"}``) with the status of the ``BookingError``."""

from datetime import datetime

from django.http import HttpResponse

from willkommen.api_errors import refusal_response
from willkommen.clock import LOCAL_ZONE

from .. import services
from ..errors import BookingError, SlotUnavailable
from ..models import Appointment, ConsultationBooking
from .schemas import ConsultationIn


def iso(moment: datetime) -> str:
    return moment.astimezone(LOCAL_ZONE).isoformat()


def location_out(location) -> dict:
    return {"id": location.id, "name": location.name, "address": location.address_line}


def slot_out(slot) -> dict:
    option = slot.consultation
    return {
        "start": iso(slot.start),
        "end": iso(slot.end),
        "location": slot.location_id,
        "consultation_available": option is not None,
        "consultation": None
        if option is None
        else {
            "start": iso(option.start),
            "end": iso(option.end),
            "position": option.position,
            "language": option.language_code,
            "interpreter": option.interpreter,
        },
    }


def booking_out(appointment: Appointment) -> dict:
    if services.consultation_is_known(appointment):
        consultation = services.consultation_of(appointment)
    else:
        consultation = (
            ConsultationBooking.objects.filter(appointment=appointment)
            .select_related("language")
            .prefetch_related("topics")
            .first()
        )
    service = appointment.service
    pending = appointment.status == "pending_confirmation"
    return {
        "code": appointment.code,
        "status": appointment.status,
        "service": service.id if service else None,
        "service_name": service.name if service else None,
        "start": iso(appointment.start),
        "end": iso(appointment.end),
        "location": location_out(appointment.location),
        "documents_to_bring": service.documents_list if service else [],
        "external": appointment.is_external,
        "external_reference": appointment.external_reference,
        "consultation": None
        if consultation is None
        else {
            "start": iso(consultation.start),
            "end": iso(consultation.end),
            "position": consultation.position,
            "language": consultation.language.code,
            "topics": [topic.slug for topic in consultation.topics.all()],
            "interpreter": consultation.interpreter,
            "status": consultation.status,
        },
        "confirmation_required": pending,
        "confirm_by": iso(appointment.hold_expires_at)
        if pending and appointment.hold_expires_at
        else None,
    }


def refusal_body(error: BookingError, response: HttpResponse | None = None):
    """Status and structured body of a refusal, for an answer that is stored before it is
    sent (idempotency); a limit also sets ``Retry-After`` on ``response``, the operation's
    temporal response. Elsewhere a refusal simply propagates to ``slot_unavailable`` or
    the API's ``DomainError`` handler."""
    if response is not None:
        error.apply_headers(response)
    body = error.as_dict()
    if isinstance(error, SlotUnavailable):
        body["alternatives"] = [slot_out(slot) for slot in error.alternatives]
    return error.status, body


def install_refusal_handlers(api) -> None:
    """A slot that is gone answers 409 with the nearest alternatives, in the API's shape."""

    @api.exception_handler(SlotUnavailable)
    def slot_unavailable(request, exc):
        return refusal_response(api, request, exc, refusal_body(exc)[1])


def consultation_request(data: ConsultationIn | None):
    if data is None:
        return None
    return services.ConsultationRequest.from_choices(data.language, data.topics, data.interpreter)
