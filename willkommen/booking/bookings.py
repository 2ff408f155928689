"""New bookings: checking a chosen time (no writes), booking an office appointment with
its add-on consultation (both or nothing, in one transaction), and a consultation around
an office appointment held elsewhere.

This module decides **who gets** a slot — first come, first served; which slots are free
is the engine's question (``availability``). Nothing is held before a contact is given:
choosing a time writes nothing, the slot is taken only by the booking itself. Desks and
counsellors are given under ``placement``'s guard."""

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from willkommen import clock
from willkommen.officesystems.config import manual_entry_allowed
from willkommen.scheduling.calendar import (
    location_by_id,
    schedule_for,
)

from . import placement, signals
from .availability import nearest_slots, slot_at
from .consultation_time import (
    CONSULTATION_FIELD,
    consultation_of,
    new_consultation,
    offered_consultation,
    offered_consultation_or_none,
    unsaved_consultation,
)
from .errors import (
    ConsultationUnavailable,
    OutsideBookingWindow,
    SlotUnavailable,
)
from .holds import final_state
from .inputs import (
    ConsultationRequest,
    aware_utc,
    check_consultation_request,
    check_contact_rate,
    check_ip,
    check_open_bookings,
    check_window,
    email_identity,
    engine_kwargs,
    first_location,
    get_bookable_service,
    normalise_contact,
)
from .models import (
    Appointment,
    AppointmentStatus,
    ConsultationBooking,
    ConsultationBookingStatus,
)
from .office_errors import ManualEntryNotAllowed
from .tokens import make_confirm_token, make_manage_token


@dataclass
class BookingResult:
    appointment: Appointment
    manage_token: str
    confirm_token: str | None = None
    consultation: ConsultationBooking | None = field(default=None)


def alternatives(service, start, now, consultation_request=None, location=None, count=5):
    """The free slots nearest to ``start`` (a week either side), preferring those where the
    requested consultation fits too."""
    if service is None:
        return []
    slots = nearest_slots(
        service,
        start,
        count=None,
        now=now,
        location=location,
        with_consultation=consultation_request is not None,
        **engine_kwargs(consultation_request),
    )
    if consultation_request is not None:
        with_consultation = [slot for slot in slots if slot.consultation]
        slots = with_consultation or slots
    return slots[:count]


def check_choice(service, start: datetime, *, consultation=None, location=None, now=None):
    """Whether ``start`` can be booked now (with the consultation asked for): nothing is
    written or held. SlotUnavailable (with alternatives) or ConsultationUnavailable when
    not; the booking itself checks again."""
    now = now or timezone.now()
    service = get_bookable_service(service)
    start = aware_utc(start)
    check_consultation_request(consultation)
    with offering_alternatives(service, start, now, consultation, location):
        slot = slot_at(
            service,
            start,
            now=now,
            location=location,
            with_consultation=consultation is not None,
            **engine_kwargs(consultation),
        )
        if slot is None:
            any_location = location or first_location(service)
            if any_location is not None:
                check_window(any_location, start, now)
            raise SlotUnavailable()
        if consultation is not None and slot.consultation is None:
            raise ConsultationUnavailable()
    return slot


@contextmanager
def offering_alternatives(service, start, now, consultation, location=None):
    """Adds the nearest free slots to a SlotUnavailable raised inside. Used *outside* the
    booking transaction: the alternatives are computed after its locks are released (and
    after a failed transaction, which could not run another query)."""
    try:
        yield
    except SlotUnavailable as error:
        if not error.alternatives:
            error.alternatives = alternatives(service, start, now, consultation, location)
        raise


def place(service, start, consultation, language, topics, now, location, contact, confirm):
    """Places the appointment on a free desk and the consultation at its offered time, in
    their final status. Runs inside the caller's transaction; raises SlotUnavailable /
    ConsultationUnavailable without alternatives (see ``offering_alternatives``)."""
    slot = slot_at(service, start, now=now, location=location, with_consultation=False)
    if slot is None:
        # A closer look, for a precise message: window and closed days first.
        any_location = location or first_location(service)
        if any_location is not None:
            check_window(any_location, start, now)
        raise SlotUnavailable()
    slot_location = location_by_id(slot.location_id)
    schedule = schedule_for(slot_location)
    option = None
    if consultation is not None:
        option = offered_consultation(slot_location, slot.start, slot.end, consultation, now)
    status, hold_until, confirmed_at, consultation_status = final_state(schedule, now, confirm)
    name, email, phone, ui_language = contact
    try:
        appointment = placement.place_on_desk(
            slot.desk_ids,
            slot.start,
            slot.end,
            now,
            lambda desk_id: Appointment.objects.create(
                location=slot_location,
                service=service,
                desk_id=desk_id,
                start=slot.start,
                end=slot.end,
                status=status,
                hold_expires_at=hold_until,
                confirmed_at=confirmed_at,
                name=name,
                email=email,
                contact_key=email_identity(email),
                phone=phone,
                language=ui_language,
            ),
        )
        booked_consultation = None
        if option is not None:
            booked_consultation = new_consultation(
                appointment,
                option,
                language,
                topics,
                consultation.interpreter,
                consultation_status,
                now,
                confirmed_at,
            )
    except OperationalError as error:
        if not placement.is_deadlock(error):
            raise
        raise SlotUnavailable() from error
    # Known now, so neither the notifications nor the API answer query for it again.
    CONSULTATION_FIELD.set_cached_value(appointment, booked_consultation)
    return appointment


def announce(appointment, now) -> BookingResult:
    """Tells the notification receivers (after commit) and returns the tokens."""
    confirm_token = None
    if appointment.status == AppointmentStatus.PENDING_CONFIRMATION:
        confirm_token = make_confirm_token(appointment)
        signals.send(
            signals.booking_pending_confirmation,
            appointment=appointment,
            confirm_token=confirm_token,
        )
    else:
        signals.send(signals.booking_confirmed, appointment=appointment)
    return BookingResult(
        appointment=appointment,
        manage_token=make_manage_token(appointment),
        confirm_token=confirm_token,
        consultation=consultation_of(appointment),
    )


def book(
    service,
    start: datetime,
    *,
    name,
    email=None,
    phone=None,
    consultation: ConsultationRequest | None = None,
    language="de",
    now=None,
    client_ip=None,
    strict=False,
    location=None,
) -> BookingResult:
    """Books an office appointment (and its consultation) in one transaction: all or
    nothing. ``strict``: the client brought no proof of work (the captcha's fallback
    without JavaScript): halved rate limits, and the booking counts only once confirmed
    through the link sent to the contact."""
    now = now or timezone.now()
    service = get_bookable_service(service)
    start = aware_utc(start)
    consultation_language, topics = check_consultation_request(consultation)
    name, email, phone = normalise_contact(name, email, phone)
    check_ip(client_ip, strict)
    check_contact_rate(email, phone, strict)
    check_open_bookings(email, phone, now)
    with (
        offering_alternatives(service, start, now, consultation, location),
        transaction.atomic(),
    ):
        appointment = place(
            service,
            start,
            consultation,
            consultation_language,
            topics,
            now,
            location,
            contact=(name, email, phone, (language or "de")[:8]),
            confirm=strict,
        )
        return announce(appointment, now)


def add_consultation_to_external(
    location,
    start: datetime,
    end: datetime,
    reference: str,
    consultation_request: ConsultationRequest,
    name,
    email=None,
    phone=None,
    language="de",
    *,
    now=None,
    client_ip=None,
    strict=False,
    looked_up=False,
) -> BookingResult:
    """A consultation around an office appointment booked in another system. The time is
    trusted as given only where no office system can be asked (or the operator allows
    typing it); ``looked_up``: it comes from that system (``office_follow``)."""
    if not looked_up and not manual_entry_allowed(location):
        raise ManualEntryNotAllowed()
    now = now or timezone.now()
    start, end = aware_utc(start), aware_utc(end)
    if end <= start or end - start > timedelta(hours=8):
        raise OutsideBookingWindow(_("Please check the time of your appointment."))
    reference = (reference or "").strip()[:100]
    consultation_request = consultation_request or ConsultationRequest(None)
    consultation_language, topics = check_consultation_request(consultation_request)
    name, email, phone = normalise_contact(name, email, phone)
    check_ip(client_ip, strict)
    check_contact_rate(email, phone, strict)
    check_open_bookings(email, phone, now)
    check_window(location, start, now)
    option = offered_consultation(location, start, end, consultation_request, now)
    with transaction.atomic():
        schedule = schedule_for(location)
        status, hold_until, confirmed_at, consultation_status = final_state(schedule, now, strict)
        appointment = Appointment.objects.create(
            location=location,
            service=None,
            desk=None,
            start=start,
            end=end,
            status=status,
            hold_expires_at=hold_until,
            confirmed_at=confirmed_at,
            is_external=True,
            external_reference=reference,
            name=name,
            email=email,
            contact_key=email_identity(email),
            phone=phone,
            language=(language or "de")[:8],
        )
        consultation = new_consultation(
            appointment,
            option,
            consultation_language,
            topics,
            consultation_request.interpreter,
            consultation_status,
            now,
            confirmed_at,
        )
        CONSULTATION_FIELD.set_cached_value(appointment, consultation)
        return announce(appointment, now)


@dataclass(frozen=True)
class AllocatedSlot:
    """One slot a draw gave, with whom it is for (``book_allocated_many``)."""

    service_id: int
    desk_id: int
    start: datetime
    end: datetime
    name: str
    email: str
    phone: str
    language: str
    consultation: ConsultationRequest | None = None


def allocated_appointment(location, slot: AllocatedSlot, now) -> Appointment:
    """The unsaved appointment of a slot a draw gave: booked and confirmed at once (the
    contact was confirmed with the request)."""
    return Appointment(
        location=location,
        service_id=slot.service_id,
        desk_id=slot.desk_id,
        start=slot.start,
        end=slot.end,
        status=AppointmentStatus.BOOKED,
        confirmed_at=now,
        name=slot.name,
        email=slot.email,
        contact_key=email_identity(slot.email),
        phone=slot.phone,
        language=(slot.language or "de")[:8],
    )


def book_allocated(location, slot: AllocatedSlot, now) -> Appointment:
    """A slot a release round's draw gave (``willkommen.release``), booked alone — the
    waiting list's next in line — on the desk the draw chose, under ``placement``'s guard
    (SlotUnavailable if the desk was taken after all). Its consultation gets the time the
    public answer offers around it, or none: the draw's office outcome never depends on a
    consultation. Runs inside the caller's transaction; the release app tells the client
    itself, so no booking signal is sent."""
    consultation_language, topics = check_consultation_request(slot.consultation)
    option = None
    if slot.consultation is not None:
        option = offered_consultation_or_none(
            location, slot.start, slot.end, slot.consultation, now
        )

    def create(desk_id):
        appointment = allocated_appointment(location, slot, now)
        appointment.desk_id = desk_id
        appointment.save(force_insert=True)
        return appointment

    appointment = placement.place_on_desk([slot.desk_id], slot.start, slot.end, now, create)
    booked_consultation = None
    if option is not None:
        booked_consultation = new_consultation(
            appointment,
            option,
            consultation_language,
            topics,
            slot.consultation.interpreter,
            ConsultationBookingStatus.BOOKED,
            now,
            now,
        )
    CONSULTATION_FIELD.set_cached_value(appointment, booked_consultation)
    return appointment


def book_allocated_many(location, slots: list[AllocatedSlot], now) -> list[Appointment]:
    """All the slots of a draw at once (``willkommen.release.draw``): the appointments and
    the consultations written in bulk, inside the draw's transaction. The guard is the
    database's, as for every booking: PostgreSQL's exclusion and unique constraints refuse
    an overlap and the whole draw is rolled back (IntegrityError); SQLite's draw holds the
    database's only write lock from reading the free time to the commit. Each consultation
    gets the time the public answer offers around its appointment; counsellors are given
    afterwards, privately, by the task that gives waiting consultations a counsellor
    (``counsellor_time_freed``). No booking signal is sent: the draw tells the clients."""
    appointments = Appointment.objects.bulk_create(
        [allocated_appointment(location, slot, now) for slot in slots], batch_size=1000
    )
    consultations, topics_of = [], []
    for appointment, slot in zip(appointments, slots, strict=True):
        if slot.consultation is None:
            continue
        language, topics = check_consultation_request(slot.consultation)
        option = offered_consultation_or_none(
            location, slot.start, slot.end, slot.consultation, now
        )
        if option is None:
            continue
        consultations.append(
            unsaved_consultation(
                appointment,
                option,
                language,
                slot.consultation.interpreter,
                ConsultationBookingStatus.BOOKED,
                now,
            )
        )
        topics_of.append(topics)
    ConsultationBooking.objects.bulk_create(consultations, batch_size=1000)
    through = ConsultationBooking.topics.through
    through.objects.bulk_create(
        [
            through(consultationbooking_id=booking.pk, topic_id=topic.pk)
            for booking, topics in zip(consultations, topics_of, strict=True)
            for topic in topics
        ],
        batch_size=1000,
    )
    for day in sorted({clock.local_day(booking.start) for booking in consultations}):
        signals.send(signals.counsellor_time_freed, location_id=location.pk, day=day)
    return appointments
