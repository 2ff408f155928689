"""Feeding the fact tables from the source tables.

Every function here reads explicit non-personal columns only (``values(...)``): never a
name, contact, note, client or counsellor identity. A fact is written when its source
reaches a countable state and removed when the source leaves it; the deletion of the
source itself (retention) leaves the fact alone, which is the point.
"""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from willkommen.accounts.models import StaffMember
from willkommen.booking.models import Appointment, AppointmentStatus, ConsultationBookingStatus
from willkommen.consultations.models import Consultation
from willkommen.organisations.models import Location
from willkommen.scheduling.shifts import duty_intervals
from willkommen.walkins.models import Ticket

from . import rollups
from .models import (
    MAX_TOPIC_ID,
    AppointmentFact,
    ConsultationFact,
    ConsultationFactStatus,
    StaffedMinutes,
    WalkInFact,
)
from .topics import forget_topic_bits, topic_bits

BERLIN = ZoneInfo("Europe/Berlin")

# Office appointments that really were booked; holds, expiries and pending ones are noise.
COUNTED_APPOINTMENT_STATUSES = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.NO_SHOW,
    AppointmentStatus.COMPLETED,
    AppointmentStatus.CANCELLED,
)
# A consultation that never got confirmed is not counted as one.
UNCOUNTED_CONSULTATION_STATUSES = (
    ConsultationBookingStatus.HELD,
    ConsultationBookingStatus.PENDING_CONFIRMATION,
    ConsultationBookingStatus.EXPIRED,
)


def periods(day: date) -> dict:
    return {
        "day": day,
        "week": day - timedelta(days=day.weekday()),
        "month": day.replace(day=1),
    }


def local_day(moment) -> date:
    return moment.astimezone(BERLIN).date()




def topic_mask(topic_ids) -> int:
    bits = topic_bits()
    if any(topic_id not in bits for topic_id in topic_ids):
        forget_topic_bits()  # a topic created since the cache was filled
        bits = topic_bits()
    mask = 0
    for topic_id in topic_ids:
        bit = bits.get(topic_id)
        if bit is not None and 0 < bit <= MAX_TOPIC_ID:
            mask |= 1 << bit
    return mask


def _minutes(start, end) -> int:
    if not start or not end or end <= start:
        return 0
    return round((end - start).total_seconds() / 60)


# --- consultations ------------------------------------------------------------------------


def consultation_fact_fields(row: dict, topic_ids) -> dict | None:
    status = row["status"]
    if status == "finished":
        fact_status = ConsultationFactStatus.HELD
    elif status == "no_show":
        fact_status = ConsultationFactStatus.NO_SHOW
    else:
        return None
    moment = row["started_at"] or row["planned_start"] or row["created_at"]
    if moment is None:
        return None
    return {
        **periods(local_day(moment)),
        "organisation_id": row["organisation_id"],
        "location_id": row["location_id"],
        "channel": row["channel"],
        "language_code": row["language__code"] or "",
        "interpreter": row["interpreter"] or "",
        "topic_mask": topic_mask(topic_ids),
        "duration_minutes": (
            _minutes(row["started_at"], row["ended_at"])
            if fact_status == ConsultationFactStatus.HELD
            else 0
        ),
        "status": fact_status,
    }


CONSULTATION_COLUMNS = (
    "id",
    "organisation_id",
    "location_id",
    "channel",
    "status",
    "started_at",
    "ended_at",
    "planned_start",
    "created_at",
    "language__code",
    "interpreter",
)


def refresh_consultation(consultation_id: int) -> None:

    row = Consultation.objects.filter(pk=consultation_id).values(*CONSULTATION_COLUMNS).first()
    if row is None:
        return  # deleted by retention: the fact stays
    topic_ids = Consultation.topics.through.objects.filter(
        consultation_id=consultation_id
    ).values_list("topic_id", flat=True)
    fields = consultation_fact_fields(row, list(topic_ids))
    with transaction.atomic():
        previous_day = (
            ConsultationFact.objects.filter(source_id=consultation_id)
            .values_list("day", flat=True)
            .first()
        )
        if fields is None:
            ConsultationFact.objects.filter(source_id=consultation_id).delete()
        else:
            ConsultationFact.objects.update_or_create(source_id=consultation_id, defaults=fields)
        _refresh_rollup(previous_day, fields)


def _refresh_rollup(previous_day, fields) -> None:

    for day in {previous_day, fields["day"] if fields else None} - {None}:
        rollups.refresh_day(day)


# --- office appointments ----------------------------------------------------------------


APPOINTMENT_COLUMNS = (
    "id",
    "location_id",
    "service_id",
    "start",
    "status",
    "consultation__status",
    "consultation__counsellor__organisation_id",
)


def appointment_fact_fields(row: dict) -> dict | None:
    if row["status"] not in COUNTED_APPOINTMENT_STATUSES:
        return None
    consultation_status = row.get("consultation__status") or ""
    if consultation_status in UNCOUNTED_CONSULTATION_STATUSES:
        consultation_status = ""
    return {
        **periods(local_day(row["start"])),
        "location_id": row["location_id"],
        "service_id_value": row["service_id"],
        "status": row["status"],
        "consultation_status": consultation_status,
        "consultation_organisation_id": (
            row.get("consultation__counsellor__organisation_id") if consultation_status else None
        ),
    }


def refresh_appointment(appointment_id: int) -> None:

    row = Appointment.objects.filter(pk=appointment_id).values(*APPOINTMENT_COLUMNS).first()
    if row is None:
        return
    fields = appointment_fact_fields(row)
    with transaction.atomic():
        previous_day = (
            AppointmentFact.objects.filter(source_id=appointment_id)
            .values_list("day", flat=True)
            .first()
        )
        if fields is None:
            AppointmentFact.objects.filter(source_id=appointment_id).delete()
        else:
            AppointmentFact.objects.update_or_create(source_id=appointment_id, defaults=fields)
        _refresh_rollup(previous_day, fields)


# --- walk-ins -------------------------------------------------------------------------------


TICKET_COLUMNS = (
    "id",
    "location_id",
    "service_day",
    "status",
    "created_at",
    "called_at",
    "left_at",
    "language__code",
)


def walk_in_fact_fields(row: dict, topic_ids) -> dict | None:
    if row["status"] not in ("done", "left"):
        return None
    wait = None
    if row["called_at"] and row["created_at"]:
        # Whole minutes: the daily rollup keeps a histogram of these, so both agree.
        wait = float(max(0, round((row["called_at"] - row["created_at"]).total_seconds() / 60)))
    return {
        **periods(row["service_day"]),
        "location_id": row["location_id"],
        "language_code": row["language__code"] or "",
        "topic_mask": topic_mask(topic_ids),
        "wait_minutes": wait,
        "left_without_consultation": row["status"] == "left",
    }


def refresh_ticket(ticket_id: int) -> None:

    row = Ticket.objects.filter(pk=ticket_id).values(*TICKET_COLUMNS).first()
    if row is None:
        return
    topic_ids = Ticket.topics.through.objects.filter(ticket_id=ticket_id).values_list(
        "topic_id", flat=True
    )
    fields = walk_in_fact_fields(row, list(topic_ids))
    with transaction.atomic():
        previous_day = (
            WalkInFact.objects.filter(source_id=ticket_id).values_list("day", flat=True).first()
        )
        if fields is None:
            WalkInFact.objects.filter(source_id=ticket_id).delete()
        else:
            WalkInFact.objects.update_or_create(source_id=ticket_id, defaults=fields)
        _refresh_rollup(previous_day, fields)


# --- staffed minutes ------------------------------------------------------------------------


def refresh_staffed_minutes(location, first_day: date, last_day: date) -> int:
    """Recompute staffed minutes per organisation and day from the duty intervals."""

    intervals = duty_intervals(location, first_day, last_day)
    organisation_of = dict(StaffMember.objects.values_list("id", "organisation_id"))
    totals: dict[tuple, int] = {}
    for interval in intervals:
        counsellor_id, start, end = _interval_parts(interval)
        organisation_id = organisation_of.get(counsellor_id)
        if organisation_id is None:
            continue
        key = (local_day(start), organisation_id)
        totals[key] = totals.get(key, 0) + _minutes(start, end)
    with transaction.atomic():
        StaffedMinutes.objects.filter(
            location=location, day__gte=first_day, day__lte=last_day
        ).delete()
        StaffedMinutes.objects.bulk_create(
            StaffedMinutes(
                **periods(day), organisation_id=organisation_id, location=location, minutes=minutes
            )
            for (day, organisation_id), minutes in totals.items()
        )
    return len(totals)


def _interval_parts(interval):
    return interval.counsellor_id, interval.start, interval.end


# --- bulk rebuild ---------------------------------------------------------------------------

CHUNK = 5000


def _chunks(queryset, columns):
    last_id = 0
    while True:
        rows = list(queryset.filter(pk__gt=last_id).order_by("pk").values(*columns)[:CHUNK])
        if not rows:
            return
        yield rows
        last_id = rows[-1]["id"]


def _topics_by_source(through, source_field, ids) -> dict:
    topics: dict[int, list[int]] = {}
    for source_id, topic_id in through.objects.filter(**{f"{source_field}__in": ids}).values_list(
        source_field, "topic_id"
    ):
        topics.setdefault(source_id, []).append(topic_id)
    return topics


def _replace(fact_model, rows_with_fields) -> int:
    ids = [source_id for source_id, _fields in rows_with_fields]
    with transaction.atomic():
        fact_model.objects.filter(source_id__in=ids).delete()
        fact_model.objects.bulk_create(
            fact_model(source_id=source_id, **fields)
            for source_id, fields in rows_with_fields
            if fields is not None
        )
    return sum(1 for _source_id, fields in rows_with_fields if fields is not None)


def rebuild_consultations() -> int:

    through = Consultation.topics.through
    written = 0
    for rows in _chunks(Consultation.objects.all(), CONSULTATION_COLUMNS):
        topics = _topics_by_source(through, "consultation_id", [row["id"] for row in rows])
        written += _replace(
            ConsultationFact,
            [
                (row["id"], consultation_fact_fields(row, topics.get(row["id"], [])))
                for row in rows
            ],
        )
    return written


def rebuild_appointments() -> int:

    written = 0
    for rows in _chunks(Appointment.objects.all(), APPOINTMENT_COLUMNS):
        written += _replace(
            AppointmentFact, [(row["id"], appointment_fact_fields(row)) for row in rows]
        )
    return written


def refresh_appointments(appointments) -> int:
    """The facts of many appointments at once (a draw's winners, booked in bulk without a
    save signal each), in chunks; then each day's rollup once."""
    written, days = 0, set()
    for rows in _chunks(appointments, APPOINTMENT_COLUMNS):
        pairs = [(row["id"], appointment_fact_fields(row)) for row in rows]
        days.update(
            AppointmentFact.objects.filter(
                source_id__in=[source_id for source_id, _fields in pairs]
            ).values_list("day", flat=True)
        )
        days.update(fields["day"] for _source_id, fields in pairs if fields)
        written += _replace(AppointmentFact, pairs)
    for day in sorted(days):
        rollups.refresh_day(day)
    return written


def rebuild_walk_ins() -> int:

    through = Ticket.topics.through
    written = 0
    for rows in _chunks(Ticket.objects.all(), TICKET_COLUMNS):
        topics = _topics_by_source(through, "ticket_id", [row["id"] for row in rows])
        written += _replace(
            WalkInFact,
            [(row["id"], walk_in_fact_fields(row, topics.get(row["id"], []))) for row in rows],
        )
    return written


def rebuild_staffed_minutes(first_day: date, last_day: date) -> int:

    return sum(
        refresh_staffed_minutes(location, first_day, last_day)
        for location in Location.objects.all()
    )
