"""The generic inbound interface: a partner's office system (TEVIS, Qmatic, an in-house
system) keeps its appointments here under its own reference — ``/api/v1/office-appointments``.

Thin: the rules are ``officesystems.inbound``. Every operation needs the partner's
``X-Api-Key`` (an operator-issued ``ApiKey``; 403 without); writes take an
``Idempotency-Key`` as for bookings (``idempotency``: the key is verified first, answers
are kept per partner and per operation and reference for 24 hours).

Secrecy: every answer says only what the partner sent (reference, location, times,
status) and never depends on whether a client booked a consultation around the
appointment: consultations follow a move or cancellation in a background task that is
queued every time (``officesystems.inbound``).
"""

import hashlib

from django.utils.translation import gettext_lazy as _
from ninja import Field, Header, Router, Schema
from ninja.responses import Status

from willkommen.api_errors import ErrorOut
from willkommen.clock import LOCAL_ZONE
from willkommen.inputs import ApiDateTime
from willkommen.officesystems import inbound
from willkommen.officesystems.inbound import HeldInput, InboundError
from willkommen.officesystems.models import REFERENCE_PATTERN
from willkommen.organisations.models import Location

from .. import idempotency
from ..errors import BookingError
from ..models import ApiKey

router = Router(tags=["office appointments (partner systems)"])

# Why a write is refused: (status, message) per ``InboundError`` code.
REFUSALS = {
    "naive_time": (422, _("Please give the times with their UTC offset.")),
    "invalid_times": (
        422,
        _("Please check the times: the start before the end, at most 12 hours apart."),
    ),
    "in_the_past": (422, _("This appointment is already over.")),
    "reference_exists": (409, _("You already sent an appointment with this reference.")),
    "unknown_reference": (404, _("You have sent no appointment with this reference.")),
    "cancelled": (409, _("This appointment was cancelled and cannot be moved.")),
}


class OfficeAppointmentIn(Schema):
    location: int = Field(..., description="Willkommen's location id")
    reference: str = Field(
        ...,
        min_length=1,
        max_length=100,
        pattern=REFERENCE_PATTERN,
        description="your system's own reference (letters, digits, . _ : -)",
    )
    start: ApiDateTime = Field(..., description="ISO 8601 with offset")
    end: ApiDateTime = Field(..., description="ISO 8601 with offset")
    secret: str = Field(
        "",
        max_length=100,
        description="a code your confirmation gives the client; the client must type it "
        "with the reference (stored only as a keyed hash). Empty: the reference is enough.",
    )


class OfficeAppointmentMoveIn(Schema):
    start: ApiDateTime = Field(..., description="ISO 8601 with offset")
    end: ApiDateTime = Field(..., description="ISO 8601 with offset")


class OfficeAppointmentOut(Schema):
    reference: str
    location: int
    start: str = Field(..., description="ISO 8601 with offset (Europe/Berlin)")
    end: str
    status: str = Field(..., description="booked or cancelled")


def _out(held) -> dict:
    return {
        "reference": held.reference,
        "location": held.location_id,
        "start": held.start.astimezone(LOCAL_ZONE).isoformat(),
        "end": held.end.astimezone(LOCAL_ZONE).isoformat(),
        "status": held.status,
    }


def _partner(raw_key: str | None) -> ApiKey:
    """The verified partner; a missing or wrong key is refused (403) before anything
    else, the idempotency store included."""
    try:
        partner = idempotency.authenticate_partner(raw_key)
    except BookingError:
        partner = None
    if partner is None:
        raise PartnerRequired()
    return partner


class PartnerRequired(Exception):
    pass


def _refused() -> tuple[int, dict]:
    return 403, {
        "detail": str(_("This operation needs the API key of a partner system.")),
        "code": "api_key_required",
    }


def _refusal(error: InboundError) -> tuple[int, dict]:
    status, message = REFUSALS[error.code]
    return status, {"detail": str(message), "code": error.code}


def _scope(partner: ApiKey, request) -> str:
    """Answers are kept per partner, per operation and reference: the same key on another
    appointment is another request (bodies of DELETE are empty)."""
    operation = hashlib.sha256(f"{request.method} {request.path}".encode()).hexdigest()[:32]
    return f"key:{partner.pk}:{operation}"


def _once(request, idempotency_key, partner, compute) -> Status:
    return Status(
        *idempotency.run_once(request, idempotency_key, _scope(partner, request), compute)
    )


WRITE_ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.post(
    "office-appointments",
    response={201: OfficeAppointmentOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Partner systems: send an office appointment held in your system",
)
def create_office_appointment(
    request,
    payload: OfficeAppointmentIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
    api_key: str | None = Header(None, alias="X-Api-Key"),
):
    """Clients then add a consultation to it with its reference (and secret) on
    "I already have an appointment at the office" — at locations whose office system is
    set to ``inbound``."""
    try:
        partner = _partner(api_key)
    except PartnerRequired:
        return Status(*_refused())

    def compute():
        if not Location.objects.filter(pk=payload.location, is_active=True).exists():
            return 422, {"detail": str(_("This location is unknown.")), "code": "unknown_location"}
        data = HeldInput(payload.location, payload.reference, payload.start, payload.end,
                         payload.secret)  # fmt: skip
        try:
            return 201, _out(inbound.create(partner.pk, data))
        except InboundError as error:
            return _refusal(error)

    return _once(request, idempotency_key, partner, compute)


@router.get(
    "office-appointments/{reference}",
    response={200: OfficeAppointmentOut, 403: ErrorOut, 404: ErrorOut},
    summary="Partner systems: one of your office appointments as sent",
)
def get_office_appointment(
    request, reference: str, api_key: str | None = Header(None, alias="X-Api-Key")
):
    try:
        partner = _partner(api_key)
        return Status(200, _out(inbound.get(partner.pk, reference)))
    except PartnerRequired:
        return Status(*_refused())
    except InboundError as error:
        return Status(*_refusal(error))


@router.patch(
    "office-appointments/{reference}",
    response={200: OfficeAppointmentOut, **WRITE_ERRORS},
    summary="Partner systems: your office appointment was moved",
)
def move_office_appointment(
    request,
    reference: str,
    payload: OfficeAppointmentMoveIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
    api_key: str | None = Header(None, alias="X-Api-Key"),
):
    """A consultation around it (if any) follows in the background: it is placed around
    the new time, or cancelled and its client told the alternatives."""
    try:
        partner = _partner(api_key)
    except PartnerRequired:
        return Status(*_refused())

    def compute():
        try:
            held = inbound.move(partner.pk, reference, payload.start, payload.end)
            return 200, _out(held)
        except InboundError as error:
            return _refusal(error)

    return _once(request, idempotency_key, partner, compute)


@router.delete(
    "office-appointments/{reference}",
    response={200: OfficeAppointmentOut, 403: ErrorOut, 404: ErrorOut},
    summary="Partner systems: your office appointment was cancelled",
)
def cancel_office_appointment(
    request,
    reference: str,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
    api_key: str | None = Header(None, alias="X-Api-Key"),
):
    """A consultation around it (if any) is cancelled in the background and its client
    told. Cancelling again answers the same."""
    try:
        partner = _partner(api_key)
    except PartnerRequired:
        return Status(*_refused())

    def compute():
        try:
            return 200, _out(inbound.cancel(partner.pk, reference))
        except InboundError as error:
            return _refusal(error)

    return _once(request, idempotency_key, partner, compute)
