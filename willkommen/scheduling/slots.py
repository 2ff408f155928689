"""The availability engine: which office slots are free, and whether a consultation fits
directly before or after each of them.

Plain functions over the models, no HTTP. The engine only answers "which slots are free";
deciding "who gets a slot" is the booking services' job (first come today, perhaps a
lottery over collected requests later), so the two can change independently.

How it stays fast: a fixed handful of queries per call whatever the date range (desks,
schedule, opening hours, closing days, appointments, shifts, absences, languages, topics,
booked consultations), then pure Python over intervals. Everything is computed in UTC:
aware-datetime arithmetic in a local zone is wall-clock arithmetic and would make a slot
across a DST change an hour too long or short. Local wall-clock times (opening hours,
shifts) become UTC day by day through ``shifts.local_datetime``.
"""

import math
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BigIntegerField, Func
from django.utils import timezone

from willkommen.organisations.models import Desk, DeskKind, OpeningHours

from . import config_cache
from .models import ClosingDay, LocationSchedule
from .shifts import LOCAL_ZONE, duty_intervals, local_datetime

BEFORE = "before"
AFTER = "after"
# A consultation after the office appointment is preferred: office appointments often run
# late, and a consultation after it is not squeezed by that.
POSITION_PREFERENCE = (AFTER, BEFORE)


@dataclass(frozen=True)
class ConsultationOption:
    start: datetime
    end: datetime
    counsellor_id: int
    room_id: int | None
    position: str
    language_code: str | None
    interpreter: bool


@dataclass(frozen=True)
class OfficeSlot:
    """A free office slot. ``desk_id`` is the desk a booking would get first;
    ``desk_ids`` all desks free at that time (the booking services try them in order)."""

    start: datetime
    end: datetime
    desk_id: int
    consultation: ConsultationOption | None
    location_id: int | None = None
    desk_ids: tuple[int, ...] = field(default=(), compare=False)


def schedule_for(location) -> LocationSchedule:
    """The location's booking rules, created with the defaults if it has none yet.
    Memoised (``config_cache``): treat the result as read-only."""

    def build():
        schedule, _created = LocationSchedule.objects.get_or_create(location=location)
        return schedule

    return config_cache.memoised(("schedule", location.pk), build)


@lru_cache(maxsize=64)
def _public_holidays(federal_state: str, years: tuple[int, ...]) -> frozenset[date]:
    return frozenset(holidays.country_holidays("DE", subdiv=federal_state, years=years).keys())


def public_holidays(federal_state: str, first_day: date, last_day: date) -> frozenset[date]:
    years = tuple(range(first_day.year, last_day.year + 1))
    return _public_holidays(federal_state, years)


def closed_days(location, first_day: date, last_day: date) -> set[date]:
    """Public holidays of the location's federal state plus its ad-hoc closing days."""
    days = {
        day
        for day in public_holidays(location.federal_state, first_day, last_day)
        if first_day <= day <= last_day
    }
    for year in range(first_day.year, last_day.year + 1):
        days.update(
            day for day in _closing_days_of_year(location.pk, year) if first_day <= day <= last_day
        )
    return days


def _closing_days_of_year(location_id: int, year: int) -> frozenset[date]:
    return config_cache.memoised(
        ("closing-days", location_id, year),
        lambda: frozenset(
            ClosingDay.objects.filter(location_id=location_id, date__year=year).values_list(
                "date", flat=True
            )
        ),
    )


@dataclass(frozen=True)
class BookingWindow:
    first_day: date
    last_day: date
    earliest_start: datetime  # minimum notice


def booking_window(schedule: LocationSchedule, now: datetime) -> BookingWindow:
    today = now.astimezone(LOCAL_ZONE).date()
    return BookingWindow(
        first_day=today + timedelta(days=schedule.first_bookable_day_offset),
        last_day=today + timedelta(days=schedule.booking_window_days),
        earliest_start=(now + timedelta(minutes=schedule.minimum_notice_minutes)).astimezone(UTC),
    )


def _opening_by_weekday(location):
    """{weekday: [(opens, closes), ...]} for all seven weekdays (memoised, read-only)."""

    def build():
        by_weekday = {weekday: [] for weekday in range(7)}
        for weekday, opens, closes in OpeningHours.objects.filter(location=location).values_list(
            "weekday", "opens", "closes"
        ):
            by_weekday[weekday].append((opens, closes))
        return by_weekday

    return config_cache.memoised(("opening-hours", location.pk), build)


def location_by_id(location_id: int):
    """The location (memoised, read-only)."""
    from willkommen.organisations.models import Location

    return config_cache.memoised(
        ("location", location_id), lambda: Location.objects.get(pk=location_id)
    )


def service_by_id(service_id: int):
    """The office service (memoised, read-only); OfficeService.DoesNotExist if unknown."""
    from willkommen.organisations.models import OfficeService

    return config_cache.memoised(
        ("service", service_id), lambda: OfficeService.objects.get(pk=service_id)
    )


def _desks_by_location(service, location=None):
    """[(location, (desk id, ...)), ...] of the active office desks that handle ``service``
    (memoised, read-only)."""

    def build():
        desks = Desk.objects.filter(
            services=service, is_active=True, kind=DeskKind.OFFICE_DESK, location__is_active=True
        )
        if location is not None:
            desks = desks.filter(location=location)
        grouped, locations = defaultdict(list), {}
        for desk in desks.select_related("location").order_by("id"):
            grouped[desk.location_id].append(desk.id)
            locations[desk.location_id] = desk.location
        return [(locations[pk], tuple(ids)) for pk, ids in grouped.items()]

    key = ("desks", service.pk, location.pk if location is not None else None)
    return config_cache.memoised(key, build)


def _days(first_day: date, last_day: date):
    day = first_day
    while day <= last_day:
        yield day
        day += timedelta(days=1)


def _utc(day: date, wall_time) -> datetime:
    return local_datetime(day, wall_time).astimezone(UTC)


@lru_cache(maxsize=4096)
def _day_segments(day: date):
    """The local day as UTC segments of constant UTC offset: one segment, or two on the
    days the clocks change. Returns ((start, end, offset), ...)."""
    start = _utc(day, time(0))
    end = _utc(day + timedelta(days=1), time(0))

    def offset(moment):
        return moment.astimezone(LOCAL_ZONE).utcoffset()

    first, last = offset(start), offset(end - timedelta(microseconds=1))
    if first == last:
        return ((start, end, first),)
    low, high = 0, int((end - start).total_seconds() // 60)  # minutes; offset(high) == last
    while high - low > 1:
        middle = (low + high) // 2
        if offset(start + timedelta(minutes=middle)) == last:
            high = middle
        else:
            low = middle
    change = start + timedelta(minutes=high)
    return ((start, change, first), (change, end, last))


def _wall_window_utc(day: date, opens, closes):
    """The UTC intervals during which the wall clock at the location shows a time in
    [opens, closes) on ``day``. Normally one interval; on the day the clocks go back an
    opening time inside the repeated hour gives two, and a time inside the skipped hour in
    spring simply starts or ends at the change. This is what keeps every instant of every
    slot within the opening hours as read on the wall clock."""
    pieces = []
    for segment_start, segment_end, offset in _day_segments(day):
        wall_open = datetime.combine(day, opens, tzinfo=UTC) - offset
        wall_close = datetime.combine(day, closes, tzinfo=UTC) - offset
        piece_start, piece_end = max(segment_start, wall_open), min(segment_end, wall_close)
        if piece_start < piece_end:
            pieces.append((piece_start, piece_end))
    return pieces


def bookable_days(location, date_from: date, date_to: date, now=None) -> list[date]:
    """Days from ``date_from`` to ``date_to`` that lie in the booking window, are not closed
    and have opening hours. Says nothing about free slots (see ``find_slots``)."""
    now = now or timezone.now()
    window = booking_window(schedule_for(location), now)
    first, last = max(date_from, window.first_day), min(date_to, window.last_day)
    if first > last:
        return []
    closed = closed_days(location, first, last)
    opening = _opening_by_weekday(location)
    return [day for day in _days(first, last) if day not in closed and opening[day.weekday()]]


def _merge(intervals):
    """Sorted, non-overlapping union of (start, end) pairs."""
    if isinstance(intervals, list) and len(intervals) < 2:
        return intervals
    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _subtract(free, busy):
    """``free`` intervals minus sorted merged ``busy`` intervals."""
    result = []
    for start, end in free:
        cursor = start
        for busy_start, busy_end in busy:
            if busy_end <= cursor:
                continue
            if busy_start >= end:
                break
            if busy_start > cursor:
                result.append((cursor, busy_start))
            cursor = max(cursor, busy_end)
            if cursor >= end:
                break
        if cursor < end:
            result.append((cursor, end))
    return result


def _memoised_duty_intervals(location, first_day, last_day):
    """``shifts.duty_intervals`` through the configuration memo: building the weekly
    pattern into ~1,000 intervals was a quarter of an eight-week availability query."""
    return config_cache.memoised(
        ("duty", location.pk, first_day, last_day),
        lambda: tuple(duty_intervals(location, first_day, last_day)),
    )


class _CounsellorIndex:
    """Free counselling time per counsellor and day, ranked for one request."""

    def __init__(
        self,
        location,
        first_day,
        last_day,
        closed,
        now,
        language,
        topics,
        interpreter,
        exclude_appointment_id=None,
    ):
        # Imported here: booking depends on scheduling, not the other way round at import.
        from willkommen.accounts.models import StaffMember
        from willkommen.booking.models import (
            ACTIVE_CONSULTATION_STATUSES,
            EXPIRING_STATUSES,
            ConsultationBooking,
        )

        self.language = language
        self.interpreter = interpreter
        intervals = [
            interval
            for interval in _memoised_duty_intervals(location, first_day, last_day)
            if interval.start.astimezone(LOCAL_ZONE).date() not in closed
        ]
        counsellor_ids = {interval.counsellor_id for interval in intervals}

        speaks = set()
        if language:
            speaks = counsellor_ids & config_cache.memoised(
                ("speakers", language),
                lambda: frozenset(
                    StaffMember.languages.through.objects.filter(
                        language__code=language
                    ).values_list("staffmember_id", flat=True)
                ),
            )
        topic_score = defaultdict(int)
        if topics:
            for topic in topics:
                experts = config_cache.memoised(
                    ("topic-experts", topic),
                    lambda topic=topic: frozenset(
                        StaffMember.topics.through.objects.filter(topic__slug=topic).values_list(
                            "staffmember_id", flat=True
                        )
                    ),
                )
                for staff_id in counsellor_ids & experts:
                    topic_score[staff_id] += 1

        eligible = speaks if language and not interpreter else counsellor_ids

        range_start = _utc(first_day, datetime.min.time())
        range_end = _utc(last_day + timedelta(days=1), datetime.min.time())
        busy = defaultdict(list)
        load = defaultdict(int)
        rows = (
            ConsultationBooking.objects.filter(
                counsellor_id__in=eligible,
                status__in=ACTIVE_CONSULTATION_STATUSES,
                start__lt=range_end,
                end__gt=range_start,
            )
            .exclude(
                status__in=EXPIRING_STATUSES,
                appointment__hold_expires_at__lte=now,
            )
            .exclude(appointment_id=exclude_appointment_id)
        )
        for counsellor_id, start, end, first_day, last_day in _busy_rows(rows, "counsellor_id"):
            busy[(counsellor_id, first_day)].append((start, end))
            if last_day != first_day:
                busy[(counsellor_id, last_day)].append((start, end))
            load[counsellor_id] += 1
        for key in busy:
            busy[key] = _merge(busy[key])

        # Preference: topic matches, then speaking the language (matters with an
        # interpreter), then the least booked counsellor, then a stable id.
        self.rank = sorted(
            eligible,
            key=lambda cid: (-topic_score[cid], cid not in speaks, load[cid], cid),
        )
        rank_of = {cid: position for position, cid in enumerate(self.rank)}
        # Per day: list of (rank, counsellor_id, room_id, starts, ends) free pieces, where
        # starts/ends are parallel sorted lists for bisecting.
        per_day = defaultdict(lambda: defaultdict(list))
        rooms = {}
        for interval in intervals:
            if interval.counsellor_id not in rank_of:
                continue
            start, end = _epoch(interval.start), _epoch(interval.end)
            day = interval.start.astimezone(LOCAL_ZONE).date()
            pieces = _subtract([(start, end)], busy.get((interval.counsellor_id, day), ()))
            if interval.end.astimezone(LOCAL_ZONE).date() != day:
                pieces = _subtract(
                    pieces,
                    busy.get(
                        (interval.counsellor_id, interval.end.astimezone(LOCAL_ZONE).date()), ()
                    ),
                )
            for piece in pieces:
                per_day[day][interval.counsellor_id].append(piece)
                rooms[(interval.counsellor_id, piece[0])] = interval.room_id
        self.rooms = rooms
        self.per_day = {}
        for day, by_counsellor in per_day.items():
            entries = []
            for counsellor_id, pieces in by_counsellor.items():
                pieces.sort()
                entries.append(
                    (
                        rank_of[counsellor_id],
                        counsellor_id,
                        [piece[0] for piece in pieces],
                        [piece[1] for piece in pieces],
                    )
                )
            entries.sort()
            self.per_day[day] = entries

    def options(self, day, start, end, consultation_length, buffer, earliest, limit=None):
        """Ranked options for an office appointment [start, end) on ``day``; all times in
        seconds since 1970."""
        candidates = {
            AFTER: (end + buffer, end + buffer + consultation_length),
            BEFORE: (start - buffer - consultation_length, start - buffer),
        }
        found = []
        for _rank, counsellor_id, starts, ends in self.per_day.get(day, ()):
            for position in POSITION_PREFERENCE:
                cons_start, cons_end = candidates[position]
                if cons_start < earliest:
                    continue
                index = bisect_right(starts, cons_start) - 1
                if index >= 0 and ends[index] >= cons_end:
                    found.append(
                        ConsultationOption(
                            start=_from_epoch(cons_start),
                            end=_from_epoch(cons_end),
                            counsellor_id=counsellor_id,
                            room_id=self.rooms.get((counsellor_id, starts[index])),
                            position=position,
                            language_code=self.language,
                            interpreter=self.interpreter,
                        )
                    )
                    if limit and len(found) >= limit:
                        return found
        return found


def _normalise_language(language):
    if language is None or language == "":
        return None
    return getattr(language, "code", language)


def _normalise_topics(topics):
    return tuple(sorted({getattr(topic, "slug", topic) for topic in topics or ()}))


class Epoch(Func):
    """Seconds since 1970 (UTC) of a datetime column, computed by the database. Lets the
    engine read thousands of busy intervals as plain integers instead of parsing each
    datetime in Python, which would dominate its time on a busy location."""

    output_field = BigIntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        # '%%%%' survives the template and the cursor's placeholder conversion as one '%'.
        return self.as_sql(
            compiler, connection, template="CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)"
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="CAST(EXTRACT(EPOCH FROM %(expressions)s) AS BIGINT)"
        )


def _fetch(queryset):
    """Rows of a ``values_list`` queryset straight from the cursor (no per-value
    converters; use with ``Epoch`` annotations)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # e.g. ``__in=[]``: nothing can match
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _busy_rows(queryset, key_field):
    """(key, start, end, first local day, last local day) per row; start and end in
    seconds since 1970 (the engine's inner loops compare integers, not datetimes)."""
    rows = _fetch(
        queryset.annotate(_start=Epoch("start"), _end=Epoch("end")).values_list(
            key_field, "_start", "_end"
        )
    )
    result = []
    from_timestamp = datetime.fromtimestamp
    for key, start, end in rows:
        first_day = from_timestamp(start, LOCAL_ZONE).date()
        last_day = from_timestamp(end - 1, LOCAL_ZONE).date() if end - start > 1 else first_day
        result.append((key, start, end, first_day, last_day))
    return result


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _epoch_not_before(moment: datetime) -> int:
    """A lower bound in whole seconds that never lets a slot start before ``moment``
    (``now`` carries microseconds; flooring would admit a slot just short of the notice)."""
    return math.ceil(moment.timestamp())


def _from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _occupied_desk_intervals(desk_ids, range_start, range_end, now, exclude_appointment_id):
    """Busy intervals per (desk, local day), merged: small lists to cut days out of."""
    from willkommen.booking.models import Appointment

    rows = Appointment.objects.occupying(now).filter(
        desk_id__in=desk_ids, start__lt=range_end, end__gt=range_start
    )
    if exclude_appointment_id:
        rows = rows.exclude(pk=exclude_appointment_id)
    busy = defaultdict(list)
    for desk_id, start, end, first_day, last_day in _busy_rows(rows, "desk_id"):
        busy[(desk_id, first_day)].append((start, end))
        if last_day != first_day:
            day = first_day + timedelta(days=1)
            while day <= last_day:
                busy[(desk_id, day)].append((start, end))
                day += timedelta(days=1)
    return {key: _merge(intervals) for key, intervals in busy.items()}


def find_slots(
    service,
    date_from: date,
    date_to: date,
    *,
    language=None,
    topics=(),
    interpreter=False,
    now=None,
    location=None,
    with_consultation=True,
    exclude_appointment_id=None,
) -> list[OfficeSlot]:
    """Free office slots for ``service`` from ``date_from`` to ``date_to`` (inclusive,
    local dates), one per distinct start time, sorted by start.

    Each slot carries the best ``ConsultationOption`` directly before or after it with a
    counsellor who speaks ``language`` (any counsellor with ``interpreter``; topic matches
    preferred), or None. ``location`` narrows to one location; ``exclude_appointment_id``
    ignores one appointment (the one being moved)."""
    now = now or timezone.now()
    language = _normalise_language(language)
    topics = _normalise_topics(topics)
    slots = []
    duration = timedelta(minutes=service.duration_minutes)
    for desk_location, desk_ids in _desks_by_location(service, location):
        slots.extend(
            _slots_at_location(
                desk_location,
                desk_ids,
                duration,
                date_from,
                date_to,
                now=now,
                language=language,
                topics=topics,
                interpreter=interpreter,
                with_consultation=with_consultation,
                exclude_appointment_id=exclude_appointment_id,
            )
        )
    slots.sort(key=lambda slot: (slot.start, slot.location_id or 0))
    return slots


def _slots_at_location(
    location,
    desk_ids,
    duration,
    date_from,
    date_to,
    *,
    now,
    language,
    topics,
    interpreter,
    with_consultation,
    exclude_appointment_id,
):
    schedule = schedule_for(location)
    window = booking_window(schedule, now)
    first, last = max(date_from, window.first_day), min(date_to, window.last_day)
    if first > last:
        return []
    closed = closed_days(location, first, last)
    opening = _opening_by_weekday(location)
    days = [day for day in _days(first, last) if day not in closed and opening[day.weekday()]]
    if not days:
        return []
    range_start = _utc(days[0], datetime.min.time())
    range_end = _utc(days[-1] + timedelta(days=1), datetime.min.time())
    busy = _occupied_desk_intervals(desk_ids, range_start, range_end, now, exclude_appointment_id)
    counsellors = None
    if with_consultation:
        counsellors = _CounsellorIndex(
            location,
            days[0],
            days[-1],
            closed,
            now,
            language,
            topics,
            interpreter,
            exclude_appointment_id,
        )
    # Seconds since 1970 from here on: integer arithmetic in the inner loops.
    consultation_length = schedule.consultation_minutes * 60
    buffer = schedule.buffer_minutes * 60
    earliest = _epoch_not_before(window.earliest_start)
    duration = int(duration.total_seconds())

    slots = []
    for day in days:
        open_intervals = _merge(
            (_epoch(piece_start), _epoch(piece_end))
            for opens, closes in opening[day.weekday()]
            for piece_start, piece_end in _wall_window_utc(day, opens, closes)
        )
        desks_at = defaultdict(list)  # start -> desk ids free then
        computed = {}  # free intervals -> starts, shared by desks without bookings
        for desk_id in desk_ids:
            free = tuple(_subtract(open_intervals, busy.get((desk_id, day), ())))
            starts = computed.get(free)
            if starts is None:
                starts = []
                for free_start, free_end in free:
                    slot_start = free_start
                    while slot_start + duration <= free_end:
                        if slot_start >= earliest:
                            starts.append(slot_start)
                        slot_start += duration
                computed[free] = starts
            for start in starts:
                desks_at[start].append(desk_id)
        for start in sorted(desks_at):
            end = start + duration
            option = None
            if counsellors is not None:
                options = counsellors.options(
                    day, start, end, consultation_length, buffer, earliest, limit=1
                )
                option = options[0] if options else None
            free_desks = tuple(desks_at[start])
            slots.append(
                OfficeSlot(
                    start=_from_epoch(start),
                    end=_from_epoch(end),
                    desk_id=free_desks[0],
                    consultation=option,
                    location_id=location.id,
                    desk_ids=free_desks,
                )
            )
    return slots


def consultation_options(
    location,
    start: datetime,
    end: datetime,
    *,
    language=None,
    topics=(),
    interpreter=False,
    now=None,
    limit=None,
    exclude_appointment_id=None,
) -> list[ConsultationOption]:
    """Every way (ranked, best first) to place a consultation directly before or after an
    office appointment [start, end) at ``location``."""
    now = now or timezone.now()
    schedule = schedule_for(location)
    window = booking_window(schedule, now)
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    day = start.astimezone(LOCAL_ZONE).date()
    closed = closed_days(location, day - timedelta(days=1), day + timedelta(days=1))
    if day in closed:
        return []
    index = _CounsellorIndex(
        location,
        day,
        day,
        closed,
        now,
        _normalise_language(language),
        _normalise_topics(topics),
        interpreter,
        exclude_appointment_id,
    )
    return index.options(
        day,
        _epoch(start),
        _epoch(end),
        schedule.consultation_minutes * 60,
        schedule.buffer_minutes * 60,
        _epoch_not_before(window.earliest_start),
        limit=limit,
    )


def find_consultation_around(
    location, start: datetime, end: datetime, *, language=None, topics=(), interpreter=False
) -> ConsultationOption | None:
    """The best consultation directly before or after an appointment booked elsewhere."""
    options = consultation_options(
        location, start, end, language=language, topics=topics, interpreter=interpreter, limit=1
    )
    return options[0] if options else None


def slot_at(service, start: datetime, *, now=None, **kwargs) -> OfficeSlot | None:
    """The free slot starting exactly at ``start``, or None (used to validate a choice)."""
    local_day = start.astimezone(LOCAL_ZONE).date()
    for slot in find_slots(service, local_day, local_day, now=now, **kwargs):
        if slot.start == start:
            return slot
    return None


def nearest_slots(service, start: datetime, *, count=5, now=None, **kwargs) -> list[OfficeSlot]:
    """Up to ``count`` free slots nearest to ``start`` (the alternatives a client sees when
    the chosen slot was taken), nearest first; searches a week either side."""
    local_day = start.astimezone(LOCAL_ZONE).date()
    slots = find_slots(
        service, local_day - timedelta(days=7), local_day + timedelta(days=7), now=now, **kwargs
    )
    slots.sort(key=lambda slot: abs((slot.start - start).total_seconds()))
    return slots if count is None else slots[:count]


__all__ = [
    "ConsultationOption",
    "OfficeSlot",
    "bookable_days",
    "booking_window",
    "closed_days",
    "consultation_options",
    "find_consultation_around",
    "find_slots",
    "location_by_id",
    "nearest_slots",
    "schedule_for",
    "service_by_id",
    "slot_at",
]
