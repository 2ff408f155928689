"""The availability engine: which office slots are free, and whether a consultation fits
directly before or after each of them.

Plain functions over the models, no HTTP. The engine only answers "which slots are free";
deciding "who gets a slot" is the booking services' job (first come, or a lottery over
collected requests), so the two can change independently.

Office slots come from the office's own appointments (``occupancy``) and the location's
calendar (``scheduling.calendar``). Whether a consultation fits comes from configuration
alone (``scheduling.duty``), never from booked consultations: anything the public can read
must stay the same whether or not somebody booked a consultation (docs/security.md,
"Public consultation answers").

How it stays fast: a fixed handful of queries per call whatever the date range (desks,
schedule, opening hours, closing days, appointments, shifts, absences, languages, mostly
memoised), then pure Python over integer intervals in UTC.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from willkommen import clock
from willkommen.scheduling.calendar import (
    booking_window,
    closed_days,
    desks_by_location,
    each_day,
    opening_by_weekday,
    schedule_for,
)
from willkommen.scheduling.duty import (
    ConsultationOption,
    DutyIndex,
    normalise_language,
    normalise_topics,
)
from willkommen.scheduling.intervals import (
    epoch,
    epoch_not_before,
    from_epoch,
    merge,
    subtract,
    utc,
    wall_window_utc,
)

from . import pools
from .occupancy import occupied_desk_intervals


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

    Each slot carries the preferred ``ConsultationOption`` directly before or after it
    while a counsellor who speaks ``language`` (anyone on duty with ``interpreter``) is on
    duty then, or None: an answer from configuration alone (``DutyIndex``). ``topics``
    only rank counsellors when one is assigned; they never hide a slot. ``location``
    narrows to one location; ``exclude_appointment_id`` ignores one appointment (the one
    being moved)."""
    now = now or timezone.now()
    language = normalise_language(language)
    topics = normalise_topics(topics)
    slots = []
    duration = timedelta(minutes=service.duration_minutes)
    for desk_location, desk_ids in desks_by_location(service, location):
        slots.extend(
            slots_at_location(
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


def slots_at_location(
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
    opening = opening_by_weekday(location)
    days = open_days(first, last, closed, opening)
    if not days:
        return []
    busy = busy_on(desk_ids, days, now, exclude_appointment_id)
    withheld = pools.withheld_desk_days(desk_ids, days[0], days[-1], now)
    counsellors = None
    if with_consultation:
        counsellors = DutyIndex(location, days[0], days[-1], closed, language, interpreter)
    # Seconds since 1970 from here on: integer arithmetic in the inner loops.
    consultation_length = schedule.consultation_minutes * 60
    buffer = schedule.buffer_minutes * 60
    earliest = epoch_not_before(window.earliest_start)
    duration = int(duration.total_seconds())

    slots = []
    for day in days:
        open_intervals = opening_on(day, opening)
        desks_at = defaultdict(list)  # start -> desk ids free then
        computed = {}  # free intervals -> starts, shared by desks without bookings
        for desk_id in desk_ids:
            if (desk_id, day) in withheld:
                continue
            free = tuple(subtract(open_intervals, busy.get((desk_id, day), ())))
            starts = computed.get(free)
            if starts is None:
                starts = computed[free] = grid_starts(free, duration, earliest)
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
                    start=from_epoch(start),
                    end=from_epoch(end),
                    desk_id=free_desks[0],
                    consultation=option,
                    location_id=location.id,
                    desk_ids=free_desks,
                )
            )
    return slots


def open_days(first: date, last: date, closed, opening) -> list[date]:
    """The days from ``first`` to ``last`` that are not closed and have opening hours."""
    return [day for day in each_day(first, last) if day not in closed and opening[day.weekday()]]


def busy_on(desk_ids, days, now, exclude_appointment_id):
    """The desks' occupied intervals over ``days`` (sorted), per (desk, day)."""
    range_start = utc(days[0], datetime.min.time())
    range_end = utc(days[-1] + timedelta(days=1), datetime.min.time())
    return occupied_desk_intervals(desk_ids, range_start, range_end, now, exclude_appointment_id)


def opening_on(day: date, opening) -> list[tuple[int, int]]:
    """The day's opening hours in seconds since 1970 (DST-safe wall windows, merged)."""
    return merge(
        (epoch(piece_start), epoch(piece_end))
        for opens, closes in opening[day.weekday()]
        for piece_start, piece_end in wall_window_utc(day, opens, closes)
    )


def grid_starts(free, duration: int, earliest: int) -> list[int]:
    """The slot starts within ``free`` (intervals in seconds since 1970): each free stretch
    from its beginning, one ``duration`` after the other, none before ``earliest``."""
    starts = []
    for free_start, free_end in free:
        slot_start = free_start
        while slot_start + duration <= free_end:
            if slot_start >= earliest:
                starts.append(slot_start)
            slot_start += duration
    return starts


def free_desk_time(location, desk_ids, first_day: date, last_day: date, now):
    """Free time per (desk, local day) in seconds since 1970: opening hours minus closed
    days and the desks' appointments, *including* time withheld for a release round — what
    that round's draw gives out (``willkommen.release.draw``)."""
    opening = opening_by_weekday(location)
    days = open_days(first_day, last_day, closed_days(location, first_day, last_day), opening)
    if not days or not desk_ids:
        return {}
    busy = busy_on(desk_ids, days, now, None)
    free = {}
    for day in days:
        open_intervals = opening_on(day, opening)
        for desk_id in desk_ids:
            free[(desk_id, day)] = list(subtract(open_intervals, busy.get((desk_id, day), ())))
    return free


def slot_at(service, start: datetime, *, now=None, **kwargs) -> OfficeSlot | None:
    """The free slot starting exactly at ``start``, or None (used to validate a choice)."""
    local_day = clock.local_day(start)
    for slot in find_slots(service, local_day, local_day, now=now, **kwargs):
        if slot.start == start:
            return slot
    return None


def nearest_slots(service, start: datetime, *, count=5, now=None, **kwargs) -> list[OfficeSlot]:
    """Up to ``count`` free slots nearest to ``start`` (the alternatives a client sees when
    the chosen slot was taken), nearest first; searches a week either side."""
    local_day = clock.local_day(start)
    slots = find_slots(
        service, local_day - timedelta(days=7), local_day + timedelta(days=7), now=now, **kwargs
    )
    slots.sort(key=lambda slot: abs((slot.start - start).total_seconds()))
    return slots if count is None else slots[:count]
