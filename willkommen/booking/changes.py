"""After booking: confirm (double opt-in), cancel (both parts or only the consultation)
and move (the office appointment with its consultation, or the consultation to the other
side). Each change runs in one transaction on the locked appointment, raises the
revision the client's calendar file carries (RFC 5545 SEQUENCE), and tells the
notification receivers through ``signals``."""

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from willkommen import clock
from willkommen.scheduling.duty import ConsultationOption, duty_candidates

from . import placement, signals
from .availability import slot_at
from .bookings import alternatives
from .consultation_time import offered_consultation, place_again
from .errors import (
    ConsultationUnavailable,
    NotChangeable,
    SlotUnavailable,
)
from .inputs import aware_utc, check_window, consultation_request_of, engine_kwargs
from .models import (
    CHANGEABLE_APPOINTMENT_STATUSES,
    EXPIRING_STATUSES,
    LIVE_CONSULTATION_STATUSES,
    Appointment,
    AppointmentStatus,
    ConsultationBooking,
    ConsultationBookingStatus,
)


def confirm_booking(appointment: Appointment, *, now=None) -> Appointment:
    """Double opt-in: the client confirmed through the link in time."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = locked(appointment)
        if appointment.status == AppointmentStatus.BOOKED:
            return appointment  # a second click on the link changes nothing
        if appointment.status != AppointmentStatus.PENDING_CONFIRMATION or (
            appointment.hold_expires_at and appointment.hold_expires_at <= now
        ):
            raise NotChangeable(
                _("The time to confirm this booking has run out. Please book again.")
            )
        appointment.status = AppointmentStatus.BOOKED
        appointment.confirmed_at = now
        appointment.hold_expires_at = None
        appointment.save(update_fields=["status", "confirmed_at", "hold_expires_at"])
        ConsultationBooking.objects.filter(
            appointment=appointment, status=ConsultationBookingStatus.PENDING_CONFIRMATION
        ).update(status=ConsultationBookingStatus.BOOKED, confirmed_at=now)
        signals.send(signals.booking_confirmed, appointment=appointment)
    return appointment


def locked(appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("location", "service")
        .get(pk=appointment.pk)
    )


def live_consultation(appointment):
    return (
        ConsultationBooking.objects.select_for_update(of=("self",))
        .select_related("language")
        .filter(appointment=appointment, status__in=LIVE_CONSULTATION_STATUSES)
        .first()
    )


def free_counsellor_time(consultation, appointment, start=None):
    """A consultation gave up its counsellor's time (at ``start``, its time until now): a
    consultation still waiting for a counsellor that day may have it."""
    if consultation is None or consultation.counsellor_id is None:
        return
    signals.send(
        signals.counsellor_time_freed,
        location_id=appointment.location_id,
        day=clock.local_day(start or consultation.start),
    )


def revise(appointment):
    """Counts one more revision of what the client was sent (RFC 5545 SEQUENCE: calendar
    apps replace an event only by one with a higher number)."""
    Appointment.objects.filter(pk=appointment.pk).update(revision=F("revision") + 1)
    appointment.revision += 1


def require_changeable(appointment, now):
    if appointment.status not in CHANGEABLE_APPOINTMENT_STATUSES or appointment.start <= now:
        raise NotChangeable()
    if (
        appointment.status in EXPIRING_STATUSES
        and appointment.hold_expires_at
        and appointment.hold_expires_at <= now
    ):
        raise NotChangeable()


def cancel_booking(appointment: Appointment, *, now=None, reason=None) -> Appointment:
    """Cancels both parts; the slots are free the moment this commits. ``reason``
    ("schedule" for a change of the schedule) goes to the client's message."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = locked(appointment)
        require_changeable(appointment, now)
        consultation = live_consultation(appointment)
        appointment.status = AppointmentStatus.CANCELLED
        appointment.cancelled_at = now
        appointment.save(update_fields=["status", "cancelled_at"])
        ConsultationBooking.objects.filter(
            appointment=appointment, status__in=LIVE_CONSULTATION_STATUSES
        ).update(status=ConsultationBookingStatus.CANCELLED, cancelled_at=now)
        revise(appointment)
        signals.send(signals.booking_cancelled, appointment=appointment, reason=reason)
        free_counsellor_time(consultation, appointment)
    return appointment


def cancel_consultation(appointment: Appointment, *, now=None, reason=None) -> Appointment:
    """Cancels only the consultation. An appointment booked elsewhere exists here only for
    its consultation, so it is cancelled with it."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = locked(appointment)
        require_changeable(appointment, now)
        consultation = live_consultation(appointment)
        if consultation is None:
            raise NotChangeable(_("This booking has no consultation to cancel."))
        consultation.status = ConsultationBookingStatus.CANCELLED
        consultation.cancelled_at = now
        consultation.save(update_fields=["status", "cancelled_at"])
        revise(appointment)
        if appointment.is_external:
            appointment.status = AppointmentStatus.CANCELLED
            appointment.cancelled_at = now
            appointment.save(update_fields=["status", "cancelled_at"])
            signals.send(signals.booking_cancelled, appointment=appointment, reason=reason)
        else:
            signals.send(signals.consultation_cancelled, appointment=appointment, reason=reason)
        free_counsellor_time(consultation, appointment)
    return appointment


def move_booking(
    appointment: Appointment,
    new_start: datetime,
    *,
    keep_consultation=True,
    now=None,
    reason=None,
) -> Appointment:
    """Moves the office appointment to ``new_start``; the consultation moves with it (to
    the time offered around the new slot, same language and topics) or is cancelled. If no
    consultation is offered at the new time, nothing changes (ConsultationUnavailable)."""
    now = now or timezone.now()
    new_start = aware_utc(new_start)
    with transaction.atomic():
        appointment = locked(appointment)
        require_changeable(appointment, now)
        if appointment.is_external or appointment.service is None:
            raise NotChangeable(
                _("This appointment was booked elsewhere; only the consultation can be moved.")
            )
        consultation = live_consultation(appointment)
        request = consultation_request_of(consultation) if keep_consultation else None
        service = appointment.service
        slot = slot_at(
            service,
            new_start,
            now=now,
            location=appointment.location,
            with_consultation=request is not None,
            exclude_appointment_id=appointment.pk,
            **engine_kwargs(request),
        )
        if slot is None:
            check_window(appointment.location, new_start, now)
            raise SlotUnavailable(
                alternatives=alternatives(service, new_start, now, request, appointment.location)
            )
        if request is not None and slot.consultation is None:
            raise ConsultationUnavailable(
                alternatives=alternatives(service, new_start, now, request, appointment.location)
            )

        previous_slot = (appointment.desk_id, appointment.start, appointment.end)

        def relocate(desk_id):
            appointment.desk_id = desk_id
            appointment.start, appointment.end = slot.start, slot.end
            appointment.reminder_sent_at = None
            appointment.save(update_fields=["desk", "start", "end", "reminder_sent_at"])
            return appointment

        placement.place_on_desk(slot.desk_ids, slot.start, slot.end, now, relocate, appointment.pk)
        if consultation is not None:
            old_start, had_counsellor = consultation.start, consultation.counsellor_id
            if request is None:
                consultation.status = ConsultationBookingStatus.CANCELLED
                consultation.cancelled_at = now
                consultation.save(update_fields=["status", "cancelled_at"])
            else:
                place_again(consultation, appointment, slot.consultation, now)
            if had_counsellor:
                signals.send(
                    signals.counsellor_time_freed,
                    location_id=appointment.location_id,
                    day=clock.local_day(old_start),
                )
        revise(appointment)
        signals.send(
            signals.booking_moved,
            appointment=appointment,
            consultation_dropped=consultation is not None and request is None,
            reason=reason,
            previous_slot=previous_slot,
        )
    return appointment


def move_consultation(appointment: Appointment, new_start: datetime, *, now=None, reason=None):
    """Moves only the consultation, to the other side of the office appointment (the only
    places it may be: directly before or after), if a consultation is offered there."""
    now = now or timezone.now()
    new_start = aware_utc(new_start)
    with transaction.atomic():
        appointment = locked(appointment)
        require_changeable(appointment, now)
        consultation = live_consultation(appointment)
        if consultation is None:
            raise NotChangeable(_("This booking has no consultation to move."))
        option = offered_consultation(
            appointment.location,
            appointment.start,
            appointment.end,
            consultation_request_of(consultation),
            now,
            at=new_start,
        )
        had_counsellor = consultation.counsellor_id is not None
        place_again(consultation, appointment, option, now)
        if had_counsellor:
            signals.send(
                signals.counsellor_time_freed,
                location_id=appointment.location_id,
                day=clock.local_day(appointment.start),
            )
        revise(appointment)
        # Only the consultation moved: the client is told so, not "your appointment was
        # moved".
        signals.send(signals.consultation_moved, appointment=appointment, reason=reason)
    return appointment


def release_consultation_after_no_show(appointment_id: int, *, now=None) -> bool:
    """The office recorded a no-show: the consultation booked with the appointment is freed
    as a cancellation frees it (cancelled, its counsellor's time offered to a consultation
    still waiting), if it is still live and not yet over; one already over stays for the
    counsellor to record. Idempotent (a second run finds nothing live). Returns whether a
    consultation was freed. Runs in the background (``tasks``), never on the clerk's path."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update(of=("self",)).filter(pk=appointment_id).first()
        )
        if appointment is None or appointment.status != AppointmentStatus.NO_SHOW:
            return False
        consultation = live_consultation(appointment)
        if consultation is None or consultation.end <= now:
            return False
        consultation.status = ConsultationBookingStatus.CANCELLED
        consultation.cancelled_at = now
        consultation.save(update_fields=["status", "cancelled_at"])
        revise(appointment)
        free_counsellor_time(consultation, appointment)
    return True


def reassign_consultation(appointment: Appointment, *, now=None):
    """The consultation keeps its time but goes to another counsellor (its own is no
    longer on duty then): the best free one who may hold it, or none yet (served from the
    waiting area with priority, ``assignment``). The client was promised the time, not
    the counsellor, so nothing changes for them and they are not told. Refused
    (ConsultationUnavailable) when nobody who may hold it is on duty then any more."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = locked(appointment)
        require_changeable(appointment, now)
        consultation = live_consultation(appointment)
        if consultation is None:
            raise NotChangeable(_("This booking has no consultation to move."))
        if not duty_candidates(
            appointment.location,
            consultation.start,
            consultation.end,
            language=consultation.language.code,
            interpreter=consultation.interpreter,
        ):
            raise ConsultationUnavailable()
        option = ConsultationOption(
            start=consultation.start,
            end=consultation.end,
            position=consultation.position,
            language_code=consultation.language.code,
            interpreter=consultation.interpreter,
        )
        place_again(consultation, appointment, option, now)
    return consultation
