"""The booking calendar of a location, from its configuration: booking rules, the booking
window, public holidays and closing days, opening hours per weekday, the desks that handle
a service, and which days can be booked at all.

Read through the configuration memo (``config_cache``): the availability engine
(``booking.availability``) asks these for every request, so they must cost no query once
warm. Treat what they return as read-only.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone

from willkommen import clock
from willkommen.organisations.models import Desk, DeskKind, Location, OfficeService, OpeningHours

from . import config_cache
from .models import ClosingDay, LocationSchedule


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
            day for day in closing_days_of_year(location.pk, year) if first_day <= day <= last_day
        )
    return days


def closing_days_of_year(location_id: int, year: int) -> frozenset[date]:
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
    today = clock.local_day(now)
    return BookingWindow(
        first_day=today + timedelta(days=schedule.first_bookable_day_offset),
        last_day=today + timedelta(days=schedule.booking_window_days),
        earliest_start=(now + timedelta(minutes=schedule.minimum_notice_minutes)).astimezone(UTC),
    )


def opening_by_weekday(location):
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
    return config_cache.memoised(
        ("location", location_id), lambda: Location.objects.get(pk=location_id)
    )


def service_by_id(service_id: int):
    """The office service (memoised, read-only); OfficeService.DoesNotExist if unknown."""
    return config_cache.memoised(
        ("service", service_id), lambda: OfficeService.objects.get(pk=service_id)
    )


def desks_by_location(service, location=None):
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


def each_day(first_day: date, last_day: date):
    day = first_day
    while day <= last_day:
        yield day
        day += timedelta(days=1)


def bookable_days(location, date_from: date, date_to: date, now=None) -> list[date]:
    """Days from ``date_from`` to ``date_to`` that lie in the booking window, are not closed
    and have opening hours. Says nothing about free slots (see ``find_slots``)."""
    now = now or timezone.now()
    window = booking_window(schedule_for(location), now)
    first, last = max(date_from, window.first_day), min(date_to, window.last_day)
    if first > last:
        return []
    closed = closed_days(location, first, last)
    opening = opening_by_weekday(location)
    return [day for day in each_day(first, last) if day not in closed and opening[day.weekday()]]
