"""Taking part in a round: a request (concern, acceptable days and day-parts, an optional
consultation, a name and one contact), confirmed through the link sent to that contact
within the window, withdrawn through its status link. One confirmed request per contact
and round — variants of one mailbox or number count once (``booking.inputs``)."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from willkommen import outbox
from willkommen.booking import services as booking
from willkommen.booking.inputs import check_contact_rate, check_ip
from willkommen.scheduling import config_cache

from . import tasks
from .errors import (
    AlreadyRequested,
    InvalidChoice,
    InvalidRequestLink,
    LinkAlreadyUsed,
    NotWithdrawable,
    RoundNotFound,
    WindowClosed,
)
from .models import (
    TAKING_PART,
    ConsultationWish,
    DayPart,
    ReleaseRequest,
    ReleaseRound,
    RequestStatus,
    UsedConfirmation,
)
from .pool import pool_days
from .tokens import make_confirm_token, make_status_token, request_for_confirm_token

EXTRA_WEIGHT = 2


def round_by_id(round_id) -> ReleaseRound:
    """The round, from the configuration memo: the intake's and the round page's hottest
    read. A round changes rarely and only through ``save`` (its window's times are locked
    once it opens), which empties the memo (``receivers``). Read-only: whoever changes a
    round loads its own copy."""
    try:
        round_id = int(round_id)
        if not 0 < round_id < 2**63:
            raise ValueError(round_id)
    except (TypeError, ValueError) as error:
        raise RoundNotFound() from error
    found = config_cache.memoised(("release-round", round_id), lambda: load_round(round_id))
    if found is None:
        raise RoundNotFound()
    return found


def load_round(round_id) -> ReleaseRound | None:
    """The round's row, no join and no ordering (the location's translated columns made
    compiling a join cost more than the request's own INSERT)."""
    return ReleaseRound.objects.filter(pk=round_id).order_by().first()


def offered_service_ids(release_round) -> frozenset[int]:
    return config_cache.memoised(
        ("release-round-services", release_round.pk),
        lambda: frozenset(release_round.services.values_list("pk", flat=True)),
    )


def check_window(release_round, now):
    if release_round.phase(now) != "open":
        raise WindowClosed()


def contact_key(email: str, phone: str) -> str:
    """The contact as the one-request rule counts it: the mailbox, or the number in E.164."""
    return booking.email_identity(email) if email else phone


def check_days(release_round, days, day_parts):
    """The acceptable days (ISO dates within the pool; none: any) and day-parts."""
    allowed = {day.isoformat() for day in pool_days(release_round)}
    chosen = []
    for text in days or ():
        try:
            day = date.fromisoformat(str(text)).isoformat()
        except ValueError as error:
            raise InvalidChoice(field="days") from error
        if day not in allowed:
            raise InvalidChoice(field="days")
        chosen.append(day)
    parts = sorted(set(day_parts or ()))
    if any(part not in DayPart.values for part in parts):
        raise InvalidChoice(field="day_parts")
    if len(parts) == len(DayPart.values):
        parts = []  # both: any
    return sorted(set(chosen)), parts


def submit(
    release_round,
    *,
    service_id,
    days=(),
    day_parts=(),
    name,
    email=None,
    phone=None,
    consultation: booking.ConsultationRequest | None = None,
    consultation_required=False,
    language="de",
    client_ip=None,
    strict=True,
    now=None,
):
    """A new, unconfirmed request; the confirmation link goes to its contact. Returns
    (request, status token). Counts only once confirmed (``confirm``)."""
    now = now or timezone.now()
    check_window(release_round, now)
    service = booking.get_bookable_service(service_id)
    if service.pk not in offered_service_ids(release_round):
        raise booking.UnknownService()
    days, parts = check_days(release_round, days, day_parts)
    language_row, topics = booking.check_consultation_request(consultation)
    name, email, phone = booking.normalise_contact(name, email, phone)
    if email and phone:
        phone = ""  # one contact: the e-mail address when both were given
    check_ip(client_ip, strict)
    check_contact_rate(email, phone, strict)
    with transaction.atomic():
        request = ReleaseRequest.objects.create(
            round=release_round,
            service=service,
            days=days,
            day_parts=parts,
            name=name,
            email=email or "",
            phone=phone or "",
            contact_key=contact_key(email, phone),
            language=(language or "de")[:8],
            created_at=now,
        )
        if consultation is not None:
            wish = ConsultationWish.objects.create(
                request=request,
                language=language_row,
                interpreter=consultation.interpreter,
                required=bool(consultation_required),
            )
            if topics:
                wish.topics.set(topics)
        outbox.enqueue(tasks.send_confirmation_request, request.pk, make_confirm_token(request))
    return request, make_status_token(request)


def previous_not_drawn(release_round, key) -> bool:
    return (
        release_round.previous_id is not None
        and ReleaseRequest.objects.filter(
            round_id=release_round.previous_id, contact_key=key, status=RequestStatus.NOT_DRAWN
        ).exists()
    )


def confirm(number, token, now=None) -> ReleaseRequest:
    """Confirms the request behind a confirmation link, within the window. A second use of
    the link, a tampered one, a closed window or a second request of the same contact are
    refused and change nothing."""
    now = now or timezone.now()
    request = request_for_confirm_token(number, token)
    if request.status != RequestStatus.UNCONFIRMED:
        # Only a confirmation leaves "unconfirmed" with a spent link (same transaction).
        if UsedConfirmation.objects.filter(request=request).exists():
            raise LinkAlreadyUsed()
        raise InvalidRequestLink()
    release_round = round_by_id(request.round_id)
    check_window(release_round, now)
    try:
        with transaction.atomic():
            locked = ReleaseRequest.objects.select_for_update().get(pk=request.pk)
            if locked.status != RequestStatus.UNCONFIRMED:
                raise LinkAlreadyUsed()
            if confirmation_guard["enabled"] and (
                ReleaseRequest.objects.filter(
                    round_id=locked.round_id,
                    contact_key=locked.contact_key,
                    status__in=TAKING_PART,
                ).exists()
            ):
                raise AlreadyRequested()
            UsedConfirmation.objects.create(request=locked, used_at=now)
            locked.status = RequestStatus.CONFIRMED
            locked.confirmed_at = now
            if release_round.weight_for_unlucky and previous_not_drawn(
                release_round, locked.contact_key
            ):
                locked.weight = EXTRA_WEIGHT
            locked.save(update_fields=["status", "confirmed_at", "weight"])
    except IntegrityError as error:
        # The unique constraint: a parallel confirmation of the same contact won.
        raise AlreadyRequested() from error
    return locked


# Switched off only by control tests, which also drop the unique constraint, to show that
# two parallel confirmations of one contact would otherwise both count.
confirmation_guard = {"enabled": True}


def withdraw(request: ReleaseRequest, now=None) -> ReleaseRequest:
    """Withdraws a request before the draw (its status link)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            ReleaseRequest.objects.select_for_update().select_related("round").get(pk=request.pk)
        )
        if locked.round.drawn_at or locked.status not in (
            RequestStatus.UNCONFIRMED,
            RequestStatus.CONFIRMED,
        ):
            raise NotWithdrawable()
        locked.status = RequestStatus.WITHDRAWN
        locked.save(update_fields=["status"])
    return locked
