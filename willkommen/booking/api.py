"""The booking API under ``/api/v1/``: services, availability, captcha, bookings.

Thin: every rule lives in ``services.py`` and ``scheduling/slots.py``. Errors are
structured (``{"detail": …, "code": …}``) with the status of the ``BookingError``; the
detail is translated into the request's language. A client holding a booking's manage
token sees its consultation; nothing here is meant for office staff.
"""

import hashlib
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from ninja import Field, Header, Query, Router, Schema
from ninja.responses import Status

from willkommen.api_errors import RETRY_AFTER_HEADER, ErrorOut
from willkommen.organisations.models import OfficeService
from willkommen.scheduling import slots as engine
from willkommen.scheduling.shifts import LOCAL_ZONE

from . import captcha, limits, services
from .errors import BookingError, CaptchaInvalid, RateLimited, SlotUnavailable
from .models import ApiKey, Appointment, ConsultationBooking, IdempotencyRecord

router = Router(tags=["booking"])

MAX_RANGE_DAYS = 62
IDEMPOTENCY_HOURS = 24


# ---------------------------------------------------------------------------------------
# Schemas
# ---------------------------------------------------------------------------------------


class LocationOut(Schema):
    id: int
    name: str
    address: str


class ServiceOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    duration_minutes: int
    documents_to_bring: list[str]
    locations: list[LocationOut]


class ConsultationSlotOut(Schema):
    start: str = Field(..., description="ISO 8601 with offset")
    end: str
    position: str = Field(..., description="before or after the office appointment")
    language: str | None
    interpreter: bool


class SlotOut(Schema):
    start: str = Field(..., description="ISO 8601 with offset (Europe/Berlin)")
    end: str
    location: int | None
    consultation_available: bool
    consultation: ConsultationSlotOut | None


class AvailabilityOut(Schema):
    service: int
    date_from: date
    date_to: date
    language: str | None
    slots: list[SlotOut]


class SlotUnavailableOut(ErrorOut):
    alternatives: list[SlotOut]


class ConsultationIn(Schema):
    language: str | None = Field(None, description="ISO 639 code, e.g. ar")
    topics: list[str] = Field(default_factory=list, description="topic slugs")
    interpreter: bool = False


class BookingIn(Schema):
    service: int
    start: datetime = Field(..., description="ISO 8601 with offset, as given by availability")
    name: str = Field(..., max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    consultation: ConsultationIn | None = None
    language: str = Field("de", max_length=8, description="language for messages to the client")
    captcha: str | None = Field(
        None, description="ALTCHA payload (base64 JSON); not needed with X-Api-Key"
    )


class ExternalBookingIn(Schema):
    location: int
    start: datetime
    end: datetime
    reference: str = Field("", max_length=100)
    consultation: ConsultationIn
    name: str = Field(..., max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    language: str = Field("de", max_length=8)
    captcha: str | None = None


class BookingChangeIn(Schema):
    start: datetime | None = Field(None, description="move the office appointment")
    keep_consultation: bool = True
    consultation_start: datetime | None = Field(
        None, description="move the consultation to the other side of the appointment"
    )
    cancel_consultation: bool = False


class ConsultationOut(Schema):
    start: str
    end: str
    position: str
    language: str
    topics: list[str]
    interpreter: bool
    status: str


class BookingOut(Schema):
    code: str
    status: str
    service: int | None
    service_name: str | None
    start: str
    end: str
    location: LocationOut
    documents_to_bring: list[str]
    external: bool
    external_reference: str
    consultation: ConsultationOut | None
    confirmation_required: bool
    confirm_by: str | None


class BookingCreatedOut(BookingOut):
    manage_token: str


# ---------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------


def _iso(moment: datetime) -> str:
    return moment.astimezone(LOCAL_ZONE).isoformat()


def _location_out(location) -> dict:
    return {"id": location.id, "name": location.name, "address": location.address_line}


def _slot_out(slot) -> dict:
    option = slot.consultation
    return {
        "start": _iso(slot.start),
        "end": _iso(slot.end),
        "location": slot.location_id,
        "consultation_available": option is not None,
        "consultation": None
        if option is None
        else {
            "start": _iso(option.start),
            "end": _iso(option.end),
            "position": option.position,
            "language": option.language_code,
            "interpreter": option.interpreter,
        },
    }


def _booking_out(appointment: Appointment) -> dict:
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
        "start": _iso(appointment.start),
        "end": _iso(appointment.end),
        "location": _location_out(appointment.location),
        "documents_to_bring": service.documents_list if service else [],
        "external": appointment.is_external,
        "external_reference": appointment.external_reference,
        "consultation": None
        if consultation is None
        else {
            "start": _iso(consultation.start),
            "end": _iso(consultation.end),
            "position": consultation.position,
            "language": consultation.language.code,
            "topics": [topic.slug for topic in consultation.topics.all()],
            "interpreter": consultation.interpreter,
            "status": consultation.status,
        },
        "confirmation_required": pending,
        "confirm_by": _iso(appointment.hold_expires_at)
        if pending and appointment.hold_expires_at
        else None,
    }


def _error_body(error: BookingError, response: HttpResponse | None = None):
    """Status and structured body of a refusal; a rate limit also says when to try again
    (``Retry-After``) on ``response``, the operation's temporal response."""
    if isinstance(error, RateLimited) and response is not None:
        response[RETRY_AFTER_HEADER] = str(error.retry_after)
    body = error.as_dict()
    if isinstance(error, SlotUnavailable):
        body["alternatives"] = [_slot_out(slot) for slot in error.alternatives]
    return error.status, body


def _error(error: BookingError, response: HttpResponse | None = None) -> Status:
    return Status(*_error_body(error, response))


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _consultation_request(data: ConsultationIn | None):
    if data is None:
        return None
    return services.ConsultationRequest(
        language_code=(data.language or None),
        topic_slugs=tuple(data.topics or ()),
        interpreter=data.interpreter,
    )


def _check_human(request, payload_captcha, api_key_header):
    """Partners authenticate with an operator-issued key; everyone else solves the captcha."""
    if api_key_header:
        if ApiKey.authenticate(api_key_header) is None:
            raise CaptchaInvalid(_("The API key is invalid."))
        return True
    if not captcha.verify_solution(payload_captcha):
        raise CaptchaInvalid()
    return False


def _idempotent(request, key, scope, compute):
    """Runs ``compute`` once per (scope, key) within 24 hours and replays its answer."""
    if not key:
        return compute()
    key = key[:200]
    fingerprint = hashlib.sha256(request.body).hexdigest()
    cutoff = timezone.now() - timedelta(hours=IDEMPOTENCY_HOURS)
    IdempotencyRecord.objects.filter(scope=scope, key=key, created_at__lt=cutoff).delete()
    existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
    if existing is None:
        try:
            with transaction.atomic():
                existing = IdempotencyRecord.objects.create(
                    scope=scope, key=key, request_hash=fingerprint, status_code=0, response={}
                )
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
        else:
            try:
                status, body = compute()
            except Exception:
                existing.delete()
                raise
            if status == RateLimited.status:
                # Not an answer to the request: the same key may try again after the wait.
                existing.delete()
                return status, body
            existing.status_code, existing.response = status, body
            existing.save(update_fields=["status_code", "response"])
            return status, body
    if existing is None or existing.request_hash != fingerprint:
        return 422, {
            "detail": str(_("This Idempotency-Key was already used for a different request.")),
            "code": "idempotency_key_reused",
        }
    if existing.status_code == 0:
        return 409, {
            "detail": str(_("The same request is still being processed.")),
            "code": "request_in_progress",
        }
    return existing.status_code, existing.response


def _manage(request, code: str, token: str | None, confirm=False):
    """The booking of a manage (or confirm) token; refused tokens are rate-limited per code
    and per client address (``limits``)."""
    return limits.appointment_for_link(code, token or "", _client_ip(request), confirm=confirm)


# ---------------------------------------------------------------------------------------
# Endpoints
# ---------------------------------------------------------------------------------------


@router.get("services", response=list[ServiceOut], summary="Services bookable online")
def list_services(request):
    """The office's concerns with duration, documents to bring and where they are handled."""
    result = []
    queryset = OfficeService.objects.filter(bookable_online=True).prefetch_related(
        "desks__location"
    )
    for service in queryset:
        locations = {
            desk.location_id: desk.location
            for desk in service.desks.all()
            if desk.is_active and desk.location.is_active
        }
        result.append(
            {
                "id": service.id,
                "slug": service.slug,
                "name": service.name,
                "description": service.description,
                "duration_minutes": service.duration_minutes,
                "documents_to_bring": service.documents_list,
                "locations": [_location_out(location) for location in locations.values()],
            }
        )
    return result


class AvailabilityQuery(Schema):
    service: int
    date_from: date
    date_to: date
    language: str | None = None
    topics: str | None = Field(None, description="comma-separated topic slugs")
    interpreter: bool = False


@router.get(
    "availability",
    response={200: AvailabilityOut, 422: ErrorOut},
    summary="Free office slots, each with whether a consultation can be added",
)
def availability(request, query: Query[AvailabilityQuery]):
    try:
        service = services.get_bookable_service(query.service)
        if (
            query.date_to < query.date_from
            or (query.date_to - query.date_from).days > MAX_RANGE_DAYS
        ):
            return Status(
                422,
                {
                    "detail": ngettext(
                        "Please ask for at most %(days)d day, date_from before date_to.",
                        "Please ask for at most %(days)d days, date_from before date_to.",
                        MAX_RANGE_DAYS,
                    )
                    % {"days": MAX_RANGE_DAYS},
                    "code": "invalid_range",
                },
            )
        topics = tuple(slug for slug in (query.topics or "").split(",") if slug)
        services.check_consultation_request(
            services.ConsultationRequest(query.language, topics, query.interpreter)
            if query.language or topics
            else None
        )
    except BookingError as error:
        return _error(error)
    slots = engine.find_slots(
        service,
        query.date_from,
        query.date_to,
        language=query.language,
        topics=topics,
        interpreter=query.interpreter,
    )
    return Status(
        200,
        {
            "service": service.id,
            "date_from": query.date_from,
            "date_to": query.date_to,
            "language": query.language,
            "slots": [_slot_out(slot) for slot in slots],
        },
    )


@router.get("captcha", summary="A proof-of-work challenge (ALTCHA v2, SHA-256)")
def get_captcha(request):
    """Fetched by the ALTCHA widget; the solution goes into the booking's ``captcha``."""
    response = captcha.create_challenge()
    return response


@router.post(
    "bookings",
    response={
        201: BookingCreatedOut,
        403: ErrorOut,
        409: SlotUnavailableOut | ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
    summary="Book an office appointment, optionally with a consultation",
)
def create_booking(
    request,
    payload: BookingIn,
    response: HttpResponse,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
    api_key: str | None = Header(None, alias="X-Api-Key"),
):
    """Answers 201 with the booking code and the manage token (send it as
    ``X-Manage-Token``), 409 with the nearest alternatives when the slot is gone."""
    scope = (api_key or "")[:11] or f"ip:{_client_ip(request)}"

    def compute():
        try:
            _check_human(request, payload.captcha, api_key)
            result = services.book(
                payload.service,
                payload.start,
                name=payload.name,
                email=payload.email,
                phone=payload.phone,
                consultation=_consultation_request(payload.consultation),
                language=payload.language or get_language() or "de",
                client_ip=None if api_key else _client_ip(request),
            )
        except BookingError as error:
            return _error_body(error, response)
        body = _booking_out(result.appointment)
        body["manage_token"] = result.manage_token
        return 201, body

    return Status(*_idempotent(request, idempotency_key, scope, compute))


@router.post(
    "external-bookings",
    response={
        201: BookingCreatedOut,
        409: SlotUnavailableOut | ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
    summary="Add a consultation around an office appointment booked in another system",
)
def create_external_booking(
    request,
    payload: ExternalBookingIn,
    response: HttpResponse,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
    api_key: str | None = Header(None, alias="X-Api-Key"),
):
    from willkommen.organisations.models import Location

    scope = (api_key or "")[:11] or f"ip:{_client_ip(request)}"

    def compute():
        try:
            _check_human(request, payload.captcha, api_key)
            location = Location.objects.filter(pk=payload.location, is_active=True).first()
            if location is None:
                return 422, {
                    "detail": str(_("This location is unknown.")),
                    "code": "unknown_location",
                }
            result = services.add_consultation_to_external(
                location,
                payload.start,
                payload.end,
                payload.reference,
                _consultation_request(payload.consultation),
                payload.name,
                payload.email,
                payload.phone,
                payload.language or "de",
                client_ip=None if api_key else _client_ip(request),
            )
        except BookingError as error:
            return _error_body(error, response)
        body = _booking_out(result.appointment)
        body["manage_token"] = result.manage_token
        return 201, body

    return Status(*_idempotent(request, idempotency_key, scope, compute))


@router.get(
    "bookings/{code}",
    response={200: BookingOut, 403: ErrorOut, 429: ErrorOut},
    summary="A booking, for its client (X-Manage-Token)",
)
def get_booking(
    request,
    code: str,
    response: HttpResponse,
    token: str | None = Header(None, alias="X-Manage-Token"),
):
    try:
        appointment = _manage(request, code, token)
    except BookingError as error:
        return _error(error, response)
    return Status(200, _booking_out(appointment))


@router.delete(
    "bookings/{code}",
    response={200: BookingOut, 403: ErrorOut, 409: ErrorOut, 429: ErrorOut},
    summary="Cancel a booking (both parts); the slot is free at once",
)
def cancel_booking(
    request,
    code: str,
    response: HttpResponse,
    token: str | None = Header(None, alias="X-Manage-Token"),
):
    try:
        appointment = _manage(request, code, token)
        limits.check_change(appointment, _client_ip(request))
        appointment = services.cancel_booking(appointment)
    except BookingError as error:
        return _error(error, response)
    return Status(200, _booking_out(appointment))


@router.patch(
    "bookings/{code}",
    response={
        200: BookingOut,
        403: ErrorOut,
        409: SlotUnavailableOut | ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
    summary="Move the appointment or the consultation, or cancel only the consultation",
)
def change_booking(
    request,
    code: str,
    payload: BookingChangeIn,
    response: HttpResponse,
    token: str | None = Header(None, alias="X-Manage-Token"),
):
    if (
        payload.start is None
        and payload.consultation_start is None
        and not payload.cancel_consultation
    ):
        return Status(422, {"detail": str(_("Nothing to change.")), "code": "nothing_to_change"})
    try:
        appointment = _manage(request, code, token)
        limits.check_change(appointment, _client_ip(request))
        # Several changes in one request: all of them or none.
        with transaction.atomic():
            if payload.start is not None:
                appointment = services.move_booking(
                    appointment, payload.start, keep_consultation=payload.keep_consultation
                )
            if payload.cancel_consultation:
                appointment = services.cancel_consultation(appointment)
            elif payload.consultation_start is not None:
                appointment = services.move_consultation(appointment, payload.consultation_start)
    except BookingError as error:
        return _error(error, response)
    appointment.refresh_from_db()
    return Status(200, _booking_out(appointment))


@router.post(
    "bookings/{code}/confirm",
    response={200: BookingOut, 403: ErrorOut, 409: ErrorOut, 429: ErrorOut},
    summary="Double opt-in: confirm with the token from the confirmation message",
)
def confirm_booking(
    request,
    code: str,
    response: HttpResponse,
    token: str | None = Header(None, alias="X-Confirm-Token"),
):
    try:
        appointment = _manage(request, code, token, confirm=True)
        limits.check_change(appointment, _client_ip(request))
        appointment = services.confirm_booking(appointment)
    except BookingError as error:
        return _error(error, response)
    return Status(200, _booking_out(appointment))


@router.get(
    "bookings/{code}/calendar.ics",
    response={200: None, 403: ErrorOut, 429: ErrorOut},
    summary="The booking as an iCalendar file (RFC 5545), both parts",
)
def booking_calendar(
    request,
    code: str,
    response: HttpResponse,
    token: str | None = Header(None, alias="X-Manage-Token"),
    manage_token: str | None = Query(None, alias="token", description="instead of the header"),
):
    from .notifications import build_ics, ics_filename

    try:
        appointment = _manage(request, code, token or manage_token)
    except BookingError as error:
        return _error(error, response)
    calendar = HttpResponse(build_ics(appointment), content_type="text/calendar; charset=utf-8")
    calendar["Content-Disposition"] = f'attachment; filename="{ics_filename(appointment)}"'
    return calendar
