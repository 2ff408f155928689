"""The booking API under ``/api/v1/``: services, availability, captcha, bookings.

Thin: the shapes are in ``schemas``, the answers in ``serialisers``; every rule lives in
``services`` and ``availability``. Errors are structured (``{"detail": …, "code": …}``)
with the status of the ``BookingError``; the detail is translated into the request's
language. A client holding a booking's manage
token sees its consultation; nothing here is meant for office staff.
"""

from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from ninja import Header, Query, Router
from ninja.responses import Status

from willkommen.api_errors import ErrorOut
from willkommen.booking.notifications import build_ics, ics_filename
from willkommen.client_address import client_ip
from willkommen.organisations.models import Location, OfficeService

from .. import captcha, idempotency, limits, lost_link, services
from ..availability import find_slots
from ..errors import BookingError, CaptchaInvalid
from .schemas import (
    MAX_RANGE_DAYS,
    AvailabilityOut,
    AvailabilityQuery,
    BookingChangeIn,
    BookingCreatedOut,
    BookingIn,
    BookingOut,
    ExternalBookingIn,
    LostLinkIn,
    LostLinkOut,
    ServiceOut,
    SlotUnavailableOut,
)
from .serialisers import (
    booking_out,
    consultation_request,
    location_out,
    refusal_body,
    slot_out,
)

router = Router(tags=["booking"])


def check_captcha(partner, solution):
    """Partners authenticate with an operator-issued key (verified before anything else,
    ``idempotency.authenticate_partner``); everyone else solves the captcha."""
    if partner is None and not captcha.verify_solution(solution):
        raise CaptchaInvalid()


def manage(request, code: str, token: str | None, confirm=False):
    """The booking of a manage (or confirm) token; refused tokens are rate-limited per code
    and per client address (``limits``)."""
    return limits.appointment_for_link(code, token or "", client_ip(request), confirm=confirm)


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
                "locations": [location_out(location) for location in locations.values()],
            }
        )
    return result


@router.get(
    "availability",
    response={200: AvailabilityOut, 422: ErrorOut},
    summary="Free office slots, each with whether a consultation can be added",
)
def availability(request, query: Query[AvailabilityQuery]):
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
    slots = find_slots(
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
            "slots": [slot_out(slot) for slot in slots],
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
    partner = idempotency.authenticate_partner(api_key)

    def compute():
        try:
            check_captcha(partner, payload.captcha)
            result = services.book(
                payload.service,
                payload.start,
                name=payload.name,
                email=payload.email,
                phone=payload.phone,
                consultation=consultation_request(payload.consultation),
                language=payload.language or get_language() or "de",
                client_ip=None if partner else client_ip(request),
            )
        except BookingError as error:
            return refusal_body(error, response)
        body = booking_out(result.appointment)
        body["manage_token"] = result.manage_token
        return 201, body

    scope = idempotency.scope_for(request, partner)
    return Status(*idempotency.run_once(request, idempotency_key, scope, compute))


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
    partner = idempotency.authenticate_partner(api_key)

    def compute():
        try:
            check_captcha(partner, payload.captcha)
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
                consultation_request(payload.consultation),
                payload.name,
                payload.email,
                payload.phone,
                payload.language or "de",
                client_ip=None if partner else client_ip(request),
            )
        except BookingError as error:
            return refusal_body(error, response)
        body = booking_out(result.appointment)
        body["manage_token"] = result.manage_token
        return 201, body

    scope = idempotency.scope_for(request, partner)
    return Status(*idempotency.run_once(request, idempotency_key, scope, compute))


@router.post(
    "bookings/lost-link",
    response={202: LostLinkOut, 422: ErrorOut, 429: ErrorOut},
    summary="Lost your link? A new manage link to the booking's own contact",
)
def request_lost_link(request, payload: LostLinkIn):
    """Booking code plus the e-mail address or mobile number the booking was made with: a
    new manage link goes to that contact through the task queue. The answer is always 202
    with the same text, whether or not the code exists or the contact matches (nothing is
    looked up before the answer). 422 for a malformed code or contact; 429 with
    ``Retry-After`` past ``BOOKING_RATE_LIMIT_LOST_LINK`` per address, per code or per
    contact, counted alike for every code."""
    sent = lost_link.request_new_link(payload.code, payload.contact, client_ip(request))
    return Status(202, {"detail": str(LOST_LINK_ANSWER), "contact": sent.email or sent.phone})


LOST_LINK_ANSWER = _(
    "If a booking with this code was made with this contact, a new link is on its way to it."
)


@router.get(
    "bookings/{code}",
    response={200: BookingOut, 403: ErrorOut, 429: ErrorOut},
    summary="A booking, for its client (X-Manage-Token)",
)
def get_booking(
    request,
    code: str,
    token: str | None = Header(None, alias="X-Manage-Token"),
):
    appointment = manage(request, code, token)
    return Status(200, booking_out(appointment))


@router.delete(
    "bookings/{code}",
    response={200: BookingOut, 403: ErrorOut, 409: ErrorOut, 429: ErrorOut},
    summary="Cancel a booking (both parts); the slot is free at once",
)
def cancel_booking(
    request,
    code: str,
    token: str | None = Header(None, alias="X-Manage-Token"),
):
    appointment = manage(request, code, token)
    limits.check_change(appointment, client_ip(request))
    appointment = services.cancel_booking(appointment)
    return Status(200, booking_out(appointment))


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
    token: str | None = Header(None, alias="X-Manage-Token"),
):
    if (
        payload.start is None
        and payload.consultation_start is None
        and not payload.cancel_consultation
    ):
        return Status(422, {"detail": str(_("Nothing to change.")), "code": "nothing_to_change"})
    appointment = manage(request, code, token)
    limits.check_change(appointment, client_ip(request))
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
    appointment.refresh_from_db()
    return Status(200, booking_out(appointment))


@router.post(
    "bookings/{code}/confirm",
    response={200: BookingOut, 403: ErrorOut, 409: ErrorOut, 429: ErrorOut},
    summary="Double opt-in: confirm with the token from the confirmation message",
)
def confirm_booking(
    request,
    code: str,
    token: str | None = Header(None, alias="X-Confirm-Token"),
):
    appointment = manage(request, code, token, confirm=True)
    limits.check_change(appointment, client_ip(request))
    appointment = services.confirm_booking(appointment)
    return Status(200, booking_out(appointment))


@router.get(
    "bookings/{code}/calendar.ics",
    response={200: None, 403: ErrorOut, 429: ErrorOut},
    summary="The booking as an iCalendar file (RFC 5545), both parts",
)
def booking_calendar(
    request,
    code: str,
    token: str | None = Header(None, alias="X-Manage-Token"),
    manage_token: str | None = Query(None, alias="token", description="instead of the header"),
):
    appointment = manage(request, code, token or manage_token)
    calendar = HttpResponse(build_ics(appointment), content_type="text/calendar; charset=utf-8")
    calendar["Content-Disposition"] = f'attachment; filename="{ics_filename(appointment)}"'
    return calendar
