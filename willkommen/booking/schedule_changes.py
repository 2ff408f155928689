"""What a change of the schedule does to bookings (``scheduling.schedule_changes`` asks).

* ``BookingAssessor.invalid_bookings`` — which future bookings the configuration leaves
  without their place: an office appointment on a closed day, outside the opening hours,
  or at a desk that no longer handles its concern (or is inactive); a consultation on a
  closed day, whose counsellor is no longer on duty for its time, or — without a
  counsellor yet — for which nobody who may hold it is on duty. A fixed handful of
  queries however many bookings: one for the appointments, one for the consultations,
  then the configuration once per location (no query per booking).
* ``BookingAssessor.record`` — one ``ScheduleChangeOutcome`` per booking, with the
  change's transaction, and the task that settles them (``process_change``).
* ``process_change`` — each outstanding outcome under a row lock (``SKIP LOCKED``): the
  booking is moved or cancelled through the lifecycle functions of ``changes`` (which
  raise the calendar file's SEQUENCE and tell the client in their language, with the
  reason) and the outcome is marked, in one transaction. Run twice, or after a worker
  died, nothing is done twice and nothing is left: the ``send_reminders`` timer resumes
  whatever is still outstanding (``resume_outstanding``).

Secrecy (DOMAIN.md rule 1): where an office appointment goes never depends on its
consultation. The nearest free time is chosen among office slots alone, in an order that
knows nothing of consultations (time, then id); the consultation follows if one is
offered around the new time, else only the consultation is cancelled and the client told.
"""

import logging
from collections import defaultdict
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from willkommen import clock, outbox
from willkommen.errors import DomainError
from willkommen.scheduling import schedule_changes
from willkommen.scheduling.calendar import closed_days, desks_by_location, opening_by_weekday
from willkommen.scheduling.duty import eligible_counsellors, memoised_duty_intervals
from willkommen.scheduling.intervals import wall_window_utc
from willkommen.scheduling.models import ScheduleChange, ScheduleChangeAction

from . import changes
from .availability import nearest_slots
from .consultation_time import offered_consultation
from .errors import ConsultationUnavailable, SlotUnavailable
from .inputs import consultation_request_of
from .models import (
    Appointment,
    AppointmentStatus,
    ConsultationBooking,
    ConsultationBookingStatus,
    ScheduleChangeOutcome,
    ScheduleChangeResult,
)

logger = logging.getLogger(__name__)

APPOINTMENT, CONSULTATION = schedule_changes.APPOINTMENT, schedule_changes.CONSULTATION
# Bookings a change can still touch: holds expire within minutes by themselves.
SETTLED_STATUSES = (AppointmentStatus.PENDING_CONFIRMATION, AppointmentStatus.BOOKED)
LIVE_STATUSES = (
    ConsultationBookingStatus.PENDING_CONFIRMATION,
    ConsultationBookingStatus.BOOKED,
)
REASON = "schedule"
# How many of the nearest free times a move tries before it gives up and cancels.
ALTERNATIVES_TRIED = 5
Result = ScheduleChangeResult


def _within(start, end, pieces) -> bool:
    return any(piece_start <= start and end <= piece_end for piece_start, piece_end in pieces)


class _LocationConfig:
    """The configuration of one location over a range of days, read once."""

    def __init__(self, location, first_day, last_day):
        self.location = location
        self.closed = closed_days(location, first_day, last_day)
        self.opening = opening_by_weekday(location)
        self._open_pieces = {}
        self._desks = {}
        self._may_hold = {}
        self.duty = defaultdict(list)
        for interval in memoised_duty_intervals(location, first_day, last_day):
            self.duty[interval.counsellor_id].append((interval.start, interval.end))

    def open_pieces(self, day):
        if day not in self._open_pieces:
            self._open_pieces[day] = [
                piece
                for opens, closes in self.opening[day.weekday()]
                for piece in wall_window_utc(day, opens, closes)
            ]
        return self._open_pieces[day]

    def desks_for(self, service):
        if service.pk not in self._desks:
            ids = set()
            if self.location.is_active:
                for _location, desk_ids in desks_by_location(service, self.location):
                    ids.update(desk_ids)
            self._desks[service.pk] = ids
        return self._desks[service.pk]

    def office_invalid(self, appointment) -> bool:
        day = clock.local_day(appointment.start)
        if day in self.closed:
            return True
        if not _within(appointment.start, appointment.end, self.open_pieces(day)):
            return True
        return appointment.service is None or appointment.desk_id not in self.desks_for(
            appointment.service
        )

    def may_hold(self, language, interpreter):
        """Who on duty here may hold a consultation in ``language``: asked once per
        language (the memo is bypassed during a preview, so each ask is a query)."""
        key = (language, interpreter)
        if key not in self._may_hold:
            self._may_hold[key] = eligible_counsellors(self.duty.keys(), language, interpreter)
        return self._may_hold[key]

    def on_duty(self, counsellor_id, start, end) -> bool:
        return _within(start, end, self.duty.get(counsellor_id, ()))

    def consultation_invalid(self, consultation) -> bool:
        if clock.local_day(consultation.start) in self.closed:
            return True
        if consultation.counsellor_id is not None:
            return not self.on_duty(
                consultation.counsellor_id, consultation.start, consultation.end
            )
        may_hold = self.may_hold(consultation.language.code, consultation.interpreter)
        return not any(
            self.on_duty(counsellor_id, consultation.start, consultation.end)
            for counsellor_id in may_hold
        )


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


class BookingAssessor:
    def invalid_bookings(self, location_ids, now):
        found = {}
        if not location_ids:
            return found
        appointments = list(
            Appointment.objects.filter(
                location_id__in=location_ids, status__in=SETTLED_STATUSES, start__gt=now
            )
            .select_related("location", "service", "desk")
            .order_by("start", "pk")
        )
        consultations = list(
            ConsultationBooking.objects.filter(
                appointment__location_id__in=location_ids,
                appointment__status__in=SETTLED_STATUSES,
                status__in=LIVE_STATUSES,
                start__gt=now,
            )
            .select_related("appointment__location", "language", "counsellor")
            .order_by("start", "pk")
        )
        days = defaultdict(set)
        locations = {}
        for appointment in appointments:
            days[appointment.location_id].add(clock.local_day(appointment.start))
            locations[appointment.location_id] = appointment.location
        for consultation in consultations:
            location = consultation.appointment.location
            days[location.pk].add(clock.local_day(consultation.start))
            locations[location.pk] = location
        configs = {
            pk: _LocationConfig(locations[pk], min(day_set), max(day_set))
            for pk, day_set in days.items()
        }
        for appointment in appointments:
            if appointment.is_external:
                continue  # its office appointment is kept in another system
            if configs[appointment.location_id].office_invalid(appointment):
                row = schedule_changes.AffectedBooking(
                    part=APPOINTMENT,
                    appointment_id=appointment.pk,
                    start=appointment.start,
                    end=appointment.end,
                    what=str(appointment.service.name) if appointment.service else "",
                    where=appointment.desk.name if appointment.desk else "",
                )
                found[row.key] = row
        for consultation in consultations:
            if configs[consultation.appointment.location_id].consultation_invalid(consultation):
                row = schedule_changes.AffectedBooking(
                    part=CONSULTATION,
                    appointment_id=consultation.appointment_id,
                    start=consultation.start,
                    end=consultation.end,
                    what=str(consultation.language),
                    where=_name(consultation.counsellor),
                )
                found[row.key] = row
        return found

    def record(self, change, affected, *, visible_parts, now):
        parts = defaultdict(set)
        starts = {}
        for row in affected:
            parts[row.appointment_id].add(row.part)
            if row.part == APPOINTMENT or row.appointment_id not in starts:
                starts[row.appointment_id] = row.start
        outcomes = []
        for appointment_id, touched in parts.items():
            office = APPOINTMENT in touched
            # The person chose for what they were shown; the rest is moved, the safe way.
            shown = (APPOINTMENT if office else CONSULTATION) in visible_parts
            outcomes.append(
                ScheduleChangeOutcome(
                    change=change,
                    appointment_id=appointment_id,
                    office_affected=office,
                    consultation_affected=CONSULTATION in touched,
                    action=change.action if shown else ScheduleChangeAction.MOVE,
                    old_start=starts[appointment_id],
                )
            )
        ScheduleChangeOutcome.objects.bulk_create(outcomes, ignore_conflicts=True)
        enqueue_processing(change.pk)


def enqueue_processing(change_id):
    outbox.enqueue(process_schedule_change, change_id, dedupe_key=("schedule", change_id))


def register():
    schedule_changes.register(ASSESSOR)


ASSESSOR = BookingAssessor()


# Settling the outcomes ------------------------------------------------------------------


def _claim(outcome_id):
    return (
        ScheduleChangeOutcome.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk=outcome_id, result=Result.PENDING)
        .first()
    )


def _free_times(appointment, now):
    """The nearest free office slots for the appointment's concern at its location,
    nearest first, then earlier first: office slots alone, never whether a consultation
    fits (the office sees where the appointment went)."""
    slots = nearest_slots(
        appointment.service,
        appointment.start,
        count=None,
        now=now,
        location=appointment.location,
        with_consultation=False,
        exclude_appointment_id=appointment.pk,
    )
    slots.sort(
        key=lambda slot: (abs((slot.start - appointment.start).total_seconds()), slot.start)
    )
    return slots[:ALTERNATIVES_TRIED]


def _move_office(appointment, now):
    for slot in _free_times(appointment, now):
        try:
            with transaction.atomic():
                moved = changes.move_booking(appointment, slot.start, now=now, reason=REASON)
            return Result.MOVED, moved.start
        except ConsultationUnavailable:
            with transaction.atomic():
                moved = changes.move_booking(
                    appointment, slot.start, keep_consultation=False, now=now, reason=REASON
                )
            return Result.MOVED_WITHOUT_CONSULTATION, moved.start
        except SlotUnavailable:
            continue  # taken meanwhile: the next nearest
    changes.cancel_booking(appointment, now=now, reason=REASON)
    return Result.NO_ALTERNATIVE, None


def _move_consultation(appointment, consultation, now):
    try:
        with transaction.atomic():
            changes.reassign_consultation(appointment, now=now)
        return Result.REASSIGNED, consultation.start
    except ConsultationUnavailable:
        pass
    try:
        option = offered_consultation(
            appointment.location,
            appointment.start,
            appointment.end,
            consultation_request_of(consultation),
            now,
        )
    except ConsultationUnavailable:
        option = None
    if option is not None:
        with transaction.atomic():
            changes.move_consultation(appointment, option.start, now=now, reason=REASON)
        return Result.CONSULTATION_MOVED, option.start
    changes.cancel_consultation(appointment, now=now, reason=REASON)
    return Result.CONSULTATION_CANCELLED, None


def settle(outcome, now) -> tuple[str, datetime | None]:
    """Moves or cancels the outcome's booking (lifecycle functions of ``changes``)."""
    appointment = (
        Appointment.objects.select_related("location", "service").filter(pk=outcome.appointment_id)
    ).first()
    if appointment is None or appointment.status not in SETTLED_STATUSES:
        return Result.NOTHING, None
    if appointment.start <= now:
        return Result.NOTHING, None
    if outcome.office_affected:
        if outcome.action == ScheduleChangeAction.CANCEL:
            changes.cancel_booking(appointment, now=now, reason=REASON)
            return Result.CANCELLED, None
        return _move_office(appointment, now)
    consultation = (
        ConsultationBooking.objects.select_related("language")
        .filter(appointment=appointment, status__in=LIVE_STATUSES)
        .first()
    )
    if consultation is None:
        return Result.NOTHING, None
    if outcome.action == ScheduleChangeAction.CANCEL:
        changes.cancel_consultation(appointment, now=now, reason=REASON)
        return Result.CONSULTATION_CANCELLED, None
    return _move_consultation(appointment, consultation, now)


def process_change(change_id, now=None) -> int:
    """Settles every outstanding outcome of the change, each in its own transaction with
    the outcome row locked (``SKIP LOCKED``: two workers never settle one twice) and
    re-checked; returns how many it settled. Marks the change complete when none is
    left."""
    settled = 0
    pending = ScheduleChangeOutcome.objects.filter(change_id=change_id, result=Result.PENDING)
    for outcome_id in list(
        pending.order_by("old_start", "appointment_id").values_list("pk", flat=True)
    ):
        moment = now or timezone.now()
        with transaction.atomic():
            outcome = _claim(outcome_id)
            if outcome is None:
                continue  # another worker has it, or it is settled
            try:
                with transaction.atomic():
                    result, new_start = settle(outcome, moment)
            except DomainError:
                # The booking changed under us (cancelled, already past): nothing to do.
                logger.info("schedule change %s: booking %s no longer changeable",
                            change_id, outcome.appointment_id)  # fmt: skip
                result, new_start = Result.NOTHING, None
            outcome.result, outcome.new_start, outcome.processed_at = result, new_start, moment
            outcome.save(update_fields=["result", "new_start", "processed_at"])
            settled += 1
    if not pending.exists():
        ScheduleChange.objects.filter(pk=change_id, completed_at__isnull=True).update(
            completed_at=now or timezone.now()
        )
    return settled


def resume_outstanding(now=None) -> int:
    """Settles what a dead worker left outstanding (the ``send_reminders`` timer)."""
    settled = 0
    for change_id in ScheduleChange.objects.filter(completed_at__isnull=True).values_list(
        "pk", flat=True
    ):
        settled += process_change(change_id, now)
    return settled


@task()
def process_schedule_change(change_id: int) -> int:
    """The background half of a confirmed schedule change (``process_change``)."""
    return process_change(change_id)
