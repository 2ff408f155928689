"""Office systems that push: the generic inbound interface for any vendor (TEVIS, Qmatic,
in-house systems).

A partner's system creates, moves and cancels its office appointments here under its own
reference (``booking/api/office.py``: ``/api/v1/office-appointments``, with the partner's
API key and an ``Idempotency-Key``). The ``inbound`` adapter then answers the client's
lookup from these rows, like ZMS answers from its database.

Secrecy: a partner pushes its appointments whatever the clients do, and every answer it
gets depends only on what it sent. A move or cancellation queues one follow-up task
(``tasks.follow_held_appointment``) every time, with or without a consultation around
the appointment; the task — not the partner's request — finds the consultations and
keeps them in step. So neither the answer nor its timing tells the partner anything.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from willkommen import outbox

from . import registry, sealing, tasks
from .base import (
    AppointmentNotFound,
    OfficeAppointment,
    OfficeStatus,
    OfficeSystemAdapter,
    WrongSecret,
)
from .models import HeldAppointment, HeldStatus

MAX_LENGTH = timedelta(hours=12)


@registry.register
class InboundAdapter(OfficeSystemAdapter):
    """Answers from what partners pushed for this location."""

    name = "inbound"
    label = "Partner system (inbound API)"
    needs_secret = False  # per appointment: only if the partner pushed one

    def lookup(self, reference: str, secret: str) -> OfficeAppointment:
        reference = (reference or "").strip()
        candidates = list(
            HeldAppointment.objects.filter(
                location_id=self.config.location_id, reference=reference
            )
        )
        if not candidates:
            raise AppointmentNotFound()
        matching = [row for row in candidates if sealing.digest_matches(row.secret_digest, secret)]
        if len(matching) != 1:
            raise WrongSecret() if not matching else AppointmentNotFound("ambiguous")
        held = matching[0]
        status = (
            OfficeStatus.BOOKED if held.status == HeldStatus.BOOKED else OfficeStatus.CANCELLED
        )
        if status == OfficeStatus.BOOKED and held.end <= timezone.now():
            status = OfficeStatus.DONE
        return OfficeAppointment(reference, held.start, held.end, status)

    def changes_since(self, moment: datetime) -> set[str]:
        return set(
            HeldAppointment.objects.filter(
                location_id=self.config.location_id, updated_at__gte=moment
            ).values_list("reference", flat=True)
        )


# --- The partner's writes ----------------------------------------------------------------


class InboundError(Exception):
    """Why a partner's write is refused; ``code`` names it for the API."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


@dataclass(frozen=True)
class HeldInput:
    location_id: int
    reference: str
    start: datetime
    end: datetime
    secret: str = ""


def _check_times(start: datetime, end: datetime, now) -> None:
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise InboundError("naive_time")
    if end <= start or end - start > MAX_LENGTH:
        raise InboundError("invalid_times")
    if end <= now:
        raise InboundError("in_the_past")


def _follow(held: HeldAppointment) -> None:
    """Queued with the write, always (see the module docstring)."""
    outbox.enqueue(tasks.follow_held_appointment, held.pk)


def create(partner_id: int, data: HeldInput, now=None) -> HeldAppointment:
    now = now or timezone.now()
    _check_times(data.start, data.end, now)
    try:
        with transaction.atomic():
            return HeldAppointment.objects.create(
                partner_id=partner_id,
                location_id=data.location_id,
                reference=data.reference,
                secret_digest=sealing.digest(data.secret),
                start=data.start,
                end=data.end,
                status=HeldStatus.BOOKED,
            )
    except IntegrityError:
        raise InboundError("reference_exists") from None


def _locked(partner_id: int, reference: str) -> HeldAppointment:
    held = (
        HeldAppointment.objects.select_for_update()
        .filter(partner_id=partner_id, reference=reference)
        .first()
    )
    if held is None:
        raise InboundError("unknown_reference")
    return held


def move(partner_id: int, reference: str, start: datetime, end: datetime, now=None):
    now = now or timezone.now()
    _check_times(start, end, now)
    with transaction.atomic():
        held = _locked(partner_id, reference)
        if held.status != HeldStatus.BOOKED:
            raise InboundError("cancelled")
        held.start, held.end = start, end
        held.save(update_fields=["start", "end", "updated_at"])
        _follow(held)
        return held


def cancel(partner_id: int, reference: str) -> HeldAppointment:
    """Cancels; cancelling again answers the same (a retried request changes nothing)."""
    with transaction.atomic():
        held = _locked(partner_id, reference)
        if held.status != HeldStatus.CANCELLED:
            held.status = HeldStatus.CANCELLED
            held.save(update_fields=["status", "updated_at"])
        _follow(held)
        return held


def get(partner_id: int, reference: str) -> HeldAppointment:
    held = HeldAppointment.objects.filter(partner_id=partner_id, reference=reference).first()
    if held is None:
        raise InboundError("unknown_reference")
    return held
