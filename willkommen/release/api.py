"""The fair release in the JSON API, under ``/api/v1/release/``.

Public: the rounds and their figures (no personal data), a request (with the captcha, or
a partner's ``X-Api-Key``), its confirmation, its status and withdrawal with the tokens
of its links. Staff (a session with ``MANAGE_LOCATIONS``): setting up rounds. Refusals
are ``{"detail", "code"}`` with the status of the ``ReleaseError`` or ``BookingError``
(``willkommen.api_errors``)."""

from datetime import date, datetime

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import get_language, gettext
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from willkommen.accounts.policy import Permission, has_permission
from willkommen.api_errors import ErrorOut
from willkommen.booking import captcha, idempotency
from willkommen.booking.api.schemas import ConsultationIn
from willkommen.booking.api.serialisers import consultation_request
from willkommen.booking.errors import CaptchaInvalid
from willkommen.client_address import client_ip
from willkommen.inputs import ApiDate, ApiDateTime

from . import public, requests, rounds
from .errors import OrderNotPublished, RoundInvalid
from .forms import RoundForm
from .models import ReleaseRound
from .tokens import request_for_status_token

router = Router(tags=["fair release"])


class RoundOut(Schema):
    id: int
    location: int
    services: list[int]
    first_day: date
    last_day: date
    opens_at: datetime
    closes_at: datetime
    draw_at: datetime
    phase: str = Field(..., description="scheduled, open, closed or drawn")
    seed_sha256: str
    seed: str | None = Field(None, description="revealed once drawn")
    slots: int
    confirmed_requests: int
    allocated: int
    draw_order_length: int = Field(
        0, description="requests in the draw order (0 until drawn); read it page by page"
    )


class OrderEntryOut(Schema):
    place: int
    number: str
    weight: int


class OrderPageOut(Schema):
    page: int
    pages: int
    page_size: int
    total: int
    entries: list[OrderEntryOut]


class RequestIn(Schema):
    service: int
    days: list[ApiDate] = Field(default_factory=list, description="acceptable days; empty: any")
    day_parts: list[str] = Field(
        default_factory=list, description="morning and/or afternoon; empty: any"
    )
    consultation: ConsultationIn | None = None
    consultation_required: bool = False
    name: str = Field(..., max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    language: str = Field("de", max_length=8)
    captcha: str | None = None


class RequestOut(Schema):
    number: str
    round: int
    status: str
    draw_position: int | None = None
    appointment_code: str | None = None
    status_token: str | None = Field(None, description="for GET /release/requests/{number}")


class TokenIn(Schema):
    token: str = Field(..., max_length=400)


class RoundIn(Schema):
    location: int
    services: list[int]
    desks: list[int]
    first_day: ApiDate
    last_day: ApiDate
    opens_at: ApiDateTime
    closes_at: ApiDateTime
    draw_at: ApiDateTime
    leftover: str = "waiting_list"
    weight_for_unlucky: bool = False
    recurs_weekly: bool = False


def round_out(release_round, now=None):
    now = now or timezone.now()
    figures = public.figures(release_round, now)
    return {
        "id": release_round.pk,
        "location": release_round.location_id,
        "services": [service.pk for service in release_round.services.all()],
        "first_day": release_round.first_day,
        "last_day": release_round.last_day,
        "opens_at": release_round.opens_at,
        "closes_at": release_round.closes_at,
        "draw_at": release_round.draw_at,
        "phase": figures.phase,
        "seed_sha256": release_round.seed_sha256,
        "seed": release_round.seed if release_round.drawn_at else None,
        "slots": figures.slots,
        "confirmed_requests": figures.confirmed,
        "allocated": figures.allocated,
        "draw_order_length": public.order_length(release_round),
    }


def request_out(release_request, status_token=None):
    return {
        "number": release_request.number,
        "round": release_request.round_id,
        "status": release_request.status,
        "draw_position": release_request.draw_position,
        "appointment_code": release_request.appointment.code
        if release_request.appointment_id
        else None,
        "status_token": status_token,
    }


@router.get("release/rounds", response=list[RoundOut], summary="Release rounds")
def list_rounds(request):
    now = timezone.now()
    return [round_out(item, now) for item in public.listed_rounds(now)]


@router.get(
    "release/rounds/{round_id}", response={200: RoundOut, 404: ErrorOut}, summary="One round"
)
def get_round(request, round_id: int):
    return Status(200, round_out(requests.round_by_id(round_id)))


@router.get(
    "release/rounds/{round_id}/order",
    response={200: OrderPageOut, 404: ErrorOut},
    summary="One page of a drawn round's order (request numbers and weights)",
)
def round_order(request, round_id: int, page: int = Query(1, ge=1, le=1_000_000)):
    release_round = requests.round_by_id(round_id)
    order = public.order_page(release_round, page)
    if release_round.drawn_at is None or page > order.pages:
        raise OrderNotPublished()
    return Status(
        200,
        {
            "page": order.number,
            "pages": order.pages,
            "page_size": public.ORDER_PAGE_SIZE,
            "total": order.total,
            "entries": [
                {"place": place, "number": number, "weight": weight}
                for place, number, weight in order.rows
            ],
        },
    )


@router.post(
    "release/rounds/{round_id}/requests",
    response={
        201: RequestOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
    summary="Request an appointment in a round (counts once confirmed through the link)",
)
def create_request(request, round_id: int, payload: RequestIn):
    release_round = requests.round_by_id(round_id)
    partner = idempotency.authenticate_partner(request.headers.get("X-Api-Key"))
    if partner is None and not captcha.verify_solution(payload.captcha):
        raise CaptchaInvalid()
    release_request, token = requests.submit(
        release_round,
        service_id=payload.service,
        days=[day.isoformat() for day in payload.days],
        day_parts=payload.day_parts,
        name=payload.name,
        email=payload.email,
        phone=payload.phone,
        consultation=consultation_request(payload.consultation),
        consultation_required=payload.consultation_required,
        language=payload.language or get_language() or "de",
        client_ip=None if partner else client_ip(request),
        strict=False,
    )
    return Status(201, request_out(release_request, token))


@router.post(
    "release/requests/{number}/confirm",
    response={200: RequestOut, 404: ErrorOut, 409: ErrorOut},
    summary="Confirm a request with the token of its confirmation link",
)
def confirm_request(request, number: str, payload: TokenIn):
    return Status(200, request_out(requests.confirm(number, payload.token)))


@router.get(
    "release/requests/{number}",
    response={200: RequestOut, 404: ErrorOut},
    summary="A request's status (the token of its status link as ?token=)",
)
def request_status(request, number: str, token: str = ""):
    return Status(200, request_out(request_for_status_token(number, token)))


@router.post(
    "release/requests/{number}/withdraw",
    response={200: RequestOut, 404: ErrorOut, 409: ErrorOut},
    summary="Withdraw a request before the draw",
)
def withdraw_request(request, number: str, payload: TokenIn):
    release_request = request_for_status_token(number, payload.token)
    return Status(200, request_out(requests.withdraw(release_request)))


def _forbidden():
    return Status(403, {"detail": gettext("Your role may not do this."), "code": "forbidden"})


@router.post(
    "release/rounds",
    auth=django_auth,
    response={201: RoundOut, 403: ErrorOut, 422: ErrorOut},
    summary="Set up a round (coordinators)",
)
def create_round(request, payload: RoundIn):
    if not has_permission(request.user, Permission.MANAGE_LOCATIONS):
        return _forbidden()
    data = QueryDict(mutable=True)
    for name, value in payload.dict().items():
        if isinstance(value, list):
            data.setlist(name, [str(item) for item in value])
        elif isinstance(value, datetime):
            data[name] = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    form = RoundForm(data, instance=ReleaseRound())
    if not form.is_valid():
        field, problems = next(iter(form.errors.items()))
        detail = str(problems[0]) if field == "__all__" else f"{field}: {problems[0]}"
        return Status(422, {"detail": detail, "code": RoundInvalid.code})
    return Status(201, round_out(rounds.save_round(form)))
