"""The time picker of ``/book/concern/<id>/``, built for a small phone and for no
JavaScript: the consultation is asked first (so only fitting times show), then the next
free times, then a compact month grid of the bookable days, and the times of the chosen
day right after it (the page jumps there through the ``#times`` anchor).

Plain functions over the engine (``availability``) and the calendar; no HTTP. Nothing here
reads booked consultations: the free times come from office appointments and, for the
consultation, from who is on duty (docs/security.md, "Public consultation answers"), so
what the public sees stays the same whether or not somebody booked a consultation.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from willkommen import inputs
from willkommen.scheduling.calendar import bookable_days, booking_window, schedule_for

from .availability import OfficeSlot, find_slots
from .inputs import ConsultationRequest, engine_kwargs

# How many "next free times" the page offers before the month grid.
NEXT_TIMES = 6
# They are searched a week at a time, up to the end of the booking window.
SEARCH_STEP_DAYS = 7
# The anchor of the times of the chosen day (and of the next free times).
TIMES_ANCHOR = "times"


@dataclass(frozen=True)
class DayCell:
    day: date | None  # None: a blank cell before the 1st or after the last of the month
    bookable: bool = False
    chosen: bool = False


@dataclass(frozen=True)
class MonthGrid:
    month: date  # its first day
    weeks: list  # of 7 DayCells, Monday first
    previous: date | None  # first day of the previous month with bookable days, or None
    following: date | None

    @property
    def has_bookable(self) -> bool:
        return any(cell.bookable for week in self.weeks for cell in week)


def fitting(slots, consultation: ConsultationRequest | None) -> list[OfficeSlot]:
    """With a consultation asked for, only the times around which one is offered."""
    if consultation is None:
        return list(slots)
    return [slot for slot in slots if slot.consultation is not None]


def day_times(service, day, location, consultation=None, now=None) -> list[OfficeSlot]:
    """The free times of one day that fit the consultation asked for."""
    slots = find_slots(
        service,
        day,
        day,
        location=location,
        now=now,
        with_consultation=consultation is not None,
        **engine_kwargs(consultation),
    )
    return fitting(slots, consultation)


def next_free_times(
    service, location, consultation=None, *, count=NEXT_TIMES, now=None
) -> list[OfficeSlot]:
    """The first ``count`` free times from now on that fit the consultation asked for,
    searched a week at a time until the end of the booking window."""
    if location is None:
        return []
    now = now or timezone.now()
    window = booking_window(schedule_for(location), now)
    found: list[OfficeSlot] = []
    first = window.first_day
    while first <= window.last_day and len(found) < count:
        last = min(first + timedelta(days=SEARCH_STEP_DAYS - 1), window.last_day)
        slots = find_slots(
            service,
            first,
            last,
            location=location,
            now=now,
            with_consultation=consultation is not None,
            **engine_kwargs(consultation),
        )
        found.extend(fitting(slots, consultation))
        first = last + timedelta(days=1)
    return found[:count]


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def parse_month(text: str | None) -> date | None:
    """``YYYY-MM`` from the query string as the first day of that month; None when blank
    or malformed (the page then shows the month of the first bookable day)."""
    try:
        return inputs.parse_month(text)
    except ValueError:
        return None


def window_days(location, now=None) -> list[date]:
    """All bookable days of the booking window (open, not closed, not a holiday)."""
    if location is None:
        return []
    now = now or timezone.now()
    window = booking_window(schedule_for(location), now)
    return bookable_days(location, window.first_day, window.last_day, now=now)


def month_grid(days: list[date], month: date | None = None, chosen: date | None = None):
    """The month of ``month`` (else of ``chosen``, else of the first bookable day) as weeks
    of seven cells, Monday first; links to the neighbouring months only where they have
    bookable days. None when there is no bookable day at all."""
    if not days:
        return None
    bookable = set(days)
    first_month, last_month = first_of_month(days[0]), first_of_month(days[-1])
    month = first_of_month(month or chosen or days[0])
    month = min(max(month, first_month), last_month)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
        weeks.append(
            [
                DayCell(day, day in bookable, day == chosen)
                if day.month == month.month
                else DayCell(None)
                for day in week
            ]
        )
    previous = add_months(month, -1)
    following = add_months(month, 1)
    return MonthGrid(
        month=month,
        weeks=weeks,
        previous=previous if previous >= first_month else None,
        following=following if following <= last_month else None,
    )


def weekday_dates(month_grid_: MonthGrid) -> list[date]:
    """Seven dates Monday to Sunday, to name the grid's columns in the reader's language."""
    monday = month_grid_.month - timedelta(days=month_grid_.month.weekday())
    return [monday + timedelta(days=offset) for offset in range(7)]
