"""Consultations around appointments held in the office's own system: adding one after
asking that system, and keeping it in step when the office moves or cancels the
appointment.

* ``add_consultation_by_lookup`` — "I already have an appointment at the office": the
  location's adapter is asked for the reference and secret; the consultation is placed at
  the time the public answer offers around the *real* time (``services``), and the office
  appointment is watched from then on (``officesystems.sync``). Refused look-ups store
  nothing. Look-ups are rate-limited per client address and per reference (refused ones):
  a look-up is an oracle for references.
* ``BookingFollower`` — what ``officesystems.sync`` calls when the office changed an
  appointment: the consultation moves to the time offered around the new one, or — when
  none is offered — is cancelled and the client told the alternatives; a cancellation
  cancels it and tells the client.

Nothing here tells the office system anything: adapters only read, with the reference
and the secret (docs/office-systems.md, docs/security.md).
"""

import contextlib
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_tasks import task

from willkommen import clock, outbox
from willkommen.officesystems import registry, sync
from willkommen.officesystems.base import (
    AppointmentInPast,
    AppointmentNotFound,
    NotConfigured,
    OfficeSystemError,
    WrongSecret,
)
from willkommen.officesystems.config import config_for, manual_entry_allowed
from willkommen.officesystems.models import ChangeOutcome
from willkommen.ratelimit import limiter
from willkommen.ratelimit.limiter import Limit
from willkommen.scheduling.duty import consultation_options

from . import changes, consultation_time, limits, notifications, services, signals
from .models import (
    CHANGEABLE_APPOINTMENT_STATUSES,
    LIVE_CONSULTATION_STATUSES,
    Appointment,
    AppointmentStatus,
    ConsultationBooking,
    ConsultationBookingStatus,
)
from .office_adapter import split_link
from .office_errors import (
    ConsultationAlreadyBooked,
    OfficeAppointmentNotFound,
    OfficeAppointmentPast,
    OfficeSystemUnavailable,
)
from .services import BookingResult, ConsultationRequest
from .tokens import make_manage_token

DEFAULT_PER_IP = (20, 3600)
DEFAULT_PER_REFERENCE = (5, 3600)
ALTERNATIVES_SHOWN = 3


# --- Rate limits -------------------------------------------------------------------------


def _limit(name, default) -> Limit:
    return Limit.of(getattr(settings, name, default))


def _reference_key(location, adapter: str, reference: str) -> str:
    return f"{location.pk}:{adapter}:{reference.strip().upper()}"


def _check_lookup_limits(client_ip, reference_key) -> None:
    """Every look-up counts per address; a reference whose refused look-ups are used up
    is not asked about again in that window (one person's typos never lock out another
    address, but nobody tries secrets for one reference without end)."""
    limits.check(
        "office-lookup:ip", client_ip, _limit("OFFICE_LOOKUP_RATE_LIMIT_PER_IP", DEFAULT_PER_IP)
    )
    limit = _limit("OFFICE_LOOKUP_RATE_LIMIT_PER_REFERENCE", DEFAULT_PER_REFERENCE)
    used_up = limiter.exhausted("office-lookup:reference", reference_key, limit)
    if used_up is not None:
        raise limits.refused(limiter.seconds_left(used_up))


def _count_refused(reference_key) -> None:
    limit = _limit("OFFICE_LOOKUP_RATE_LIMIT_PER_REFERENCE", DEFAULT_PER_REFERENCE)
    # Past the limit this answer is still given; the next look-up is refused.
    with contextlib.suppress(limiter.RateLimitExceeded):
        limiter.hit("office-lookup:reference", reference_key, limit)


# --- Adding a consultation ---------------------------------------------------------------


def _found(adapter, location, reference, secret, now):
    """The office system's answer as the client's error, or the upcoming appointment."""
    manual = manual_entry_allowed(location) if not adapter.is_own_booking else False
    try:
        return adapter.find_upcoming(reference, secret, now)
    except AppointmentInPast as error:
        raise OfficeAppointmentPast(manual_entry=manual) from error
    except (AppointmentNotFound, WrongSecret) as error:
        raise OfficeAppointmentNotFound() from error
    except OfficeSystemError as error:  # unreachable, bad answer, not configured
        raise OfficeSystemUnavailable(manual_entry=manual) from error


def add_consultation_by_lookup(
    location,
    reference: str,
    secret: str,
    consultation_request: ConsultationRequest | None,
    name=None,
    email=None,
    phone=None,
    language="de",
    *,
    client_ip=None,
    strict=False,
    now=None,
) -> BookingResult:
    """Adds a consultation around the appointment the location's office system holds
    under ``reference`` and ``secret``. Every check of the client's own input runs before
    the office system is asked; a refusal changes nothing."""
    now = now or timezone.now()
    reference, secret = (reference or "").strip()[:500], (secret or "").strip()[:200]
    consultation_request = consultation_request or ConsultationRequest(None)
    services.check_consultation_request(consultation_request)
    try:
        config = config_for(location)
        adapter = registry.adapter_for(config)
    except NotConfigured as error:
        raise OfficeSystemUnavailable(manual_entry=manual_entry_allowed(location)) from error
    if adapter.is_own_booking:
        reference, secret = split_link(reference, secret)
    else:
        services.normalise_contact(name, email, phone)
    if not reference:
        raise OfficeAppointmentNotFound()
    reference_key = _reference_key(location, config.adapter, reference)
    _check_lookup_limits(client_ip, reference_key)
    try:
        found = _found(adapter, location, reference, secret, now)
    except OfficeAppointmentNotFound:
        _count_refused(reference_key)
        raise
    if adapter.is_own_booking:
        return _add_to_own_booking(found.own_appointment_id, consultation_request, now)
    with transaction.atomic():
        result = services.add_consultation_to_external(
            location,
            found.start,
            found.end,
            found.reference,
            consultation_request,
            name,
            email,
            phone,
            language,
            now=now,
            client_ip=client_ip,
            strict=strict,
            looked_up=True,
        )
        sync.watch(
            result.appointment.pk, location.pk, config.adapter, found.reference, secret, found, now
        )
    return result


def _add_to_own_booking(appointment_id, consultation_request, now) -> BookingResult:
    """The office appointment is one of ours: the consultation joins that booking."""
    with transaction.atomic():
        appointment = changes.locked(Appointment(pk=appointment_id))
        changes.require_changeable(appointment, now)
        if ConsultationBooking.objects.filter(appointment=appointment).exists():
            raise ConsultationAlreadyBooked()
        language, topics = services.check_consultation_request(consultation_request)
        option = consultation_time.offered_consultation(
            appointment.location, appointment.start, appointment.end, consultation_request, now
        )
        confirmed = appointment.status == AppointmentStatus.BOOKED
        consultation = consultation_time.new_consultation(
            appointment,
            option,
            language,
            topics,
            consultation_request.interpreter,
            ConsultationBookingStatus.BOOKED
            if confirmed
            else ConsultationBookingStatus.PENDING_CONFIRMATION,
            now,
            now if confirmed else None,
        )
        changes.revise(appointment)
        if confirmed:
            signals.send(signals.booking_confirmed, appointment=appointment)
    return BookingResult(appointment, make_manage_token(appointment), consultation=consultation)


# --- Keeping in step ---------------------------------------------------------------------


def _locked_external(appointment_id):
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("location")
        .filter(pk=appointment_id, is_external=True)
        .first()
    )


def _cancel_both(appointment, consultation, now) -> None:
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = now
    appointment.save(update_fields=["status", "cancelled_at", "start", "end"])
    ConsultationBooking.objects.filter(
        appointment=appointment, status__in=LIVE_CONSULTATION_STATUSES
    ).update(status=ConsultationBookingStatus.CANCELLED, cancelled_at=now)
    changes.revise(appointment)
    changes.free_counsellor_time(consultation, appointment)


def _alternatives(location, start, end, request, now) -> list[str]:
    """What the client can still do around the new time: a consultation with an
    interpreter where one is offered (if they asked for a language). Coming to the waiting
    area without booking is always possible; the message says so."""
    if request is None or request.interpreter:
        return []
    options = consultation_options(location, start, end, interpreter=True, now=now)
    return [option.start.isoformat() for option in options[:ALTERNATIVES_SHOWN]]


def follow_move(appointment_id: int, start: datetime, end: datetime, now) -> str:
    """The office moved the appointment to [start, end)."""
    with transaction.atomic():
        appointment = _locked_external(appointment_id)
        if appointment is None or appointment.status not in CHANGEABLE_APPOINTMENT_STATUSES:
            return ChangeOutcome.NOTHING
        consultation = changes.live_consultation(appointment)
        appointment.start, appointment.end = start, end
        if consultation is None:
            appointment.save(update_fields=["start", "end"])
            return ChangeOutcome.NOTHING
        request = services.consultation_request_of(consultation)
        option = None
        if start > now:
            option = services.offered_consultation_or_none(
                appointment.location, start, end, request, now
            )
        if option is None:
            _cancel_both(appointment, consultation, now)
            alternatives = _alternatives(appointment.location, start, end, request, now)
            outbox.enqueue(
                send_office_message, appointment.pk, "office_moved_no_consultation", alternatives
            )
            return ChangeOutcome.NO_CONSULTATION_OFFERED
        appointment.save(update_fields=["start", "end"])
        old_start, had_counsellor = consultation.start, consultation.counsellor_id
        consultation_time.place_again(consultation, appointment, option, now)
        if had_counsellor:
            signals.send(
                signals.counsellor_time_freed,
                location_id=appointment.location_id,
                day=clock.local_day(old_start),
            )
        changes.revise(appointment)
        outbox.enqueue(send_office_message, appointment.pk, "office_moved")
        return ChangeOutcome.CONSULTATION_MOVED


def follow_cancellation(appointment_id: int, now) -> str:
    """The office cancelled the appointment: the consultation around it goes too."""
    with transaction.atomic():
        appointment = _locked_external(appointment_id)
        if appointment is None or appointment.status not in CHANGEABLE_APPOINTMENT_STATUSES:
            return ChangeOutcome.NOTHING
        consultation = changes.live_consultation(appointment)
        _cancel_both(appointment, consultation, now)
        outbox.enqueue(send_office_message, appointment.pk, "office_cancelled")
        return (
            ChangeOutcome.CONSULTATION_CANCELLED
            if consultation is not None
            else ChangeOutcome.NOTHING
        )


class BookingFollower:
    """Registered with ``officesystems.registry`` (``BookingConfig.ready``)."""

    def wants(self, appointment_id: int) -> bool:
        return ConsultationBooking.objects.filter(
            appointment_id=appointment_id,
            appointment__is_external=True,
            status__in=LIVE_CONSULTATION_STATUSES,
        ).exists()

    def moved(self, appointment_id, start, end, now) -> str:
        return follow_move(appointment_id, start, end, now)

    def cancelled(self, appointment_id, now) -> str:
        return follow_cancellation(appointment_id, now)


FOLLOWER = BookingFollower()


def register() -> None:
    registry.register_follower(FOLLOWER)


# --- Telling the client ------------------------------------------------------------------


def rebook_url(appointment) -> str:
    """The "I already have an appointment" page, with the place and the reference filled
    in (never the secret)."""
    query = urlencode(
        {
            "location": appointment.location_id,
            "reference": appointment.external_reference,
            "lang": appointment.language,
        }
    )
    return f"{settings.WILLKOMMEN_PUBLIC_URL}{reverse('booking:office_appointment')}?{query}"


@task()
def send_office_message(appointment_id: int, kind: str, alternatives: list | None = None):
    """Tells the client what the office changed (``kind``: office_moved,
    office_moved_no_consultation, office_cancelled)."""
    appointment = (
        Appointment.objects.select_related("location", "service").filter(pk=appointment_id).first()
    )
    if appointment is None:
        return
    notifications.send_booking_message(
        appointment,
        kind,
        alternatives=[datetime.fromisoformat(moment) for moment in alternatives or ()],
        rebook_url=rebook_url(appointment),
    )
