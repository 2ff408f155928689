"""JSON API of the walk-in queue, under /api/v1/walk-ins (session-authenticated staff, CSRF
checked). The same operations as the staff pages, through the same services and the same
policy; refusals come back as ``{"code": ..., "detail": ...}`` with a 4xx status."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.security import django_auth

from willkommen.accounts.policy import Permission, has_permission
from willkommen.api_errors import ErrorOut
from willkommen.inputs import ApiDateTime
from willkommen.organisations.models import Language, Location, Topic

from . import services
from .models import Ticket, TicketStatus

router = Router(tags=["walk-ins"], auth=django_auth)


class TicketOut(Schema):
    id: int
    number: str
    status: str
    location_id: int
    language: str
    topics: list[str]
    office_appointment_at: datetime | None
    created_at: datetime
    called_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    left_at: datetime | None
    held_at: datetime | None
    resumed_at: datetime | None
    room: str | None
    waiting_seconds: int | None
    place: int | None = None
    estimated_wait_minutes: int | None = None
    public_path: str


class QueueOut(Schema):
    location_id: int
    tickets: list[TicketOut]


class RegisterIn(Schema):
    location_id: int
    language: str
    topics: list[str] = []
    office_appointment_at: ApiDateTime | None = None


class LocationIn(Schema):
    location_id: int


class CallNextOut(Schema):
    kind: str  # "ticket", "booking" or "none"
    ticket: TicketOut | None = None
    booking_id: int | None = None
    booking_start: ApiDateTime | None = None


def _out(ticket, estimate=None):
    waiting = ticket.waiting_time
    return TicketOut(
        id=ticket.pk,
        number=ticket.number,
        status=ticket.status,
        location_id=ticket.location_id,
        language=ticket.language.code,
        topics=[topic.slug for topic in ticket.topics.all()],
        office_appointment_at=ticket.office_appointment_at,
        created_at=ticket.created_at,
        called_at=ticket.called_at,
        started_at=ticket.started_at,
        finished_at=ticket.finished_at,
        left_at=ticket.left_at,
        held_at=ticket.held_at,
        resumed_at=ticket.resumed_at,
        room=ticket.room.name if ticket.room_id else None,
        waiting_seconds=int(waiting.total_seconds()) if waiting is not None else None,
        place=estimate.place if estimate else None,
        estimated_wait_minutes=estimate.minutes if estimate else None,
        public_path=reverse("walkins:ticket", kwargs={"token": ticket.public_token}),
    )


def _forbidden():
    return Status(403, {"code": "forbidden", "detail": _("Your role may not do this.")})


def _location(location_id):
    return get_object_or_404(Location, pk=location_id, is_active=True)


def _ticket(ticket_id):
    return get_object_or_404(
        Ticket.objects.select_related("language", "room", "location"), pk=ticket_id
    )


@router.get("/walk-ins", response={200: QueueOut, 403: ErrorOut, 404: ErrorOut})
def queue(request, location_id: int):
    """The day's open tickets at a location in queue order, with place and estimated wait."""
    if not has_permission(request.user, Permission.VIEW_WALK_IN_QUEUE):
        return _forbidden()
    location = _location(location_id)
    tickets = services.queue_for(location)
    out = []
    for ticket in tickets:
        estimate = (
            services.estimated_wait(ticket) if ticket.status == TicketStatus.WAITING else None
        )
        out.append(_out(ticket, estimate))
    return Status(200, QueueOut(location_id=location.pk, tickets=out))


@router.post("/walk-ins", response={201: TicketOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def register(request, payload: RegisterIn):
    """Registers a walk-in: language (ISO 639 code), optional topic slugs and appointment."""
    if not has_permission(request.user, Permission.REGISTER_WALK_IN):
        return _forbidden()
    location = _location(payload.location_id)
    language = Language.objects.filter(code=payload.language).first()
    if language is None:
        return Status(422, {"code": "unknown_language", "detail": _("Unknown language code.")})
    topics = list(Topic.objects.filter(slug__in=payload.topics, is_active=True))
    if len(topics) != len(set(payload.topics)):
        return Status(422, {"code": "unknown_topic", "detail": _("Unknown topic.")})
    if payload.office_appointment_at is not None and payload.office_appointment_at.tzinfo is None:
        return Status(
            422,
            {
                "code": "naive_datetime",
                "detail": _("Give the appointment time with a time zone offset."),
            },
        )
    ticket = services.register_walk_in(
        location, language, topics, payload.office_appointment_at, request.user
    )
    return Status(201, _out(ticket, services.estimated_wait(ticket)))


@router.get("/walk-ins/{int:ticket_id}", response={200: TicketOut, 403: ErrorOut})
def detail(request, ticket_id: int):
    if not has_permission(request.user, Permission.VIEW_WALK_IN_QUEUE):
        return _forbidden()
    ticket = _ticket(ticket_id)
    estimate = services.estimated_wait(ticket) if ticket.status == TicketStatus.WAITING else None
    return Status(200, _out(ticket, estimate))


@router.post(
    "/walk-ins/call-next",
    response={200: CallNextOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def call_next(request, payload: LocationIn):
    """The next fitting ticket for the calling counsellor, or their due booked consultation."""
    if not has_permission(request.user, Permission.CALL_WALK_IN):
        return _forbidden()
    result = services.call_next(request.user, _location(payload.location_id))
    if result.booking is not None:
        return Status(
            200,
            CallNextOut(
                kind="booking", booking_id=result.booking.pk, booking_start=result.booking.start
            ),
        )
    if result.ticket is not None:
        return Status(200, CallNextOut(kind="ticket", ticket=_out(_ticket(result.ticket.pk))))
    return Status(200, CallNextOut(kind="none"))


ACTIONS = {
    "call": (services.call_ticket, Permission.CALL_WALK_IN),
    "recall": (services.recall, Permission.CALL_WALK_IN),
    "start": (services.start_consultation, Permission.CALL_WALK_IN),
    "finish": (services.finish, Permission.CALL_WALK_IN),
    "left": (services.mark_left, Permission.REGISTER_WALK_IN),
    "hold": (services.put_on_hold, Permission.REGISTER_WALK_IN),
    "resume": (services.resume, Permission.REGISTER_WALK_IN),
}


@router.post(
    "/walk-ins/{int:ticket_id}/{action}",
    response={200: TicketOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def act(request, ticket_id: int, action: str):
    """One transition: call, recall, start, finish, left, hold, resume. A stale request
    (the ticket is no longer in the expected state) gets 409 and changes nothing."""
    if action not in ACTIONS:
        return Status(404, {"code": "unknown_action", "detail": _("Unknown action.")})
    function, permission = ACTIONS[action]
    if not has_permission(request.user, permission):
        return _forbidden()
    ticket = _ticket(ticket_id)
    function(ticket, request.user)
    return Status(200, _out(_ticket(ticket.pk)))
