"""Demo scheduling data: booking rules, a week of counsellor shifts, one closing day.

Called by ``manage.py seed_demo`` after the organisations, locations and staff exist.
Idempotent: a second run finds what the first created and adds nothing.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from willkommen.accounts.models import Role, StaffMember
from willkommen.organisations.models import DeskKind, Location

from .models import ClosingDay, LocationSchedule, Shift
from .public_holidays import public_holidays
from .shifts import LOCAL_ZONE

# The languages most asked for: each should be spoken by someone on duty most weekdays.
KEY_LANGUAGES = ("ar", "fa", "tr", "ru", "uk")
WORKDAYS = 5
DAYS_PER_COUNSELLOR = 3
DEMO_CLOSING_REASON = "Team day (demo)"


def seed(stdout=None):
    with transaction.atomic():
        for location in Location.objects.filter(is_active=True):
            _seed_location(location, stdout)


def _say(stdout, text):
    if stdout is not None:
        stdout.write(text)


def _seed_location(location, stdout):
    _schedule, created = LocationSchedule.objects.get_or_create(location=location)
    if created:
        _say(stdout, f"  booking rules for {location}")
    shifts = _seed_shifts(location)
    if shifts:
        _say(stdout, f"  {shifts} weekly shifts at {location}")
    if _seed_closing_day(location):
        _say(stdout, f"  a closing day at {location}")


def _weekday_hours(location):
    """Per weekday, the span from the first opening to the last closing."""
    spans = {}
    for hours in location.opening_hours.all():
        opens, closes = spans.get(hours.weekday, (hours.opens, hours.closes))
        spans[hours.weekday] = (min(opens, hours.opens), max(closes, hours.closes))
    return spans


def _seed_shifts(location):
    spans = _weekday_hours(location)
    rooms = list(location.desks.filter(kind=DeskKind.COUNSELLING_ROOM, is_active=True))
    if not spans:
        return 0
    counsellors = (
        StaffMember.objects.filter(
            role__in=[Role.COUNSELLOR, Role.ORGANISATION_LEAD], is_active=True
        )
        .prefetch_related("languages")
        .order_by("username")
    )
    per_language = {}
    created = 0
    for index, counsellor in enumerate(counsellors):
        spoken = {language.code for language in counsellor.languages.all()}
        primary = next((code for code in KEY_LANGUAGES if code in spoken), None)
        # Speakers of the same key language start on different weekdays, two days apart,
        # so two of them cover the whole week.
        offset = per_language.get(primary, 0) if primary else index
        per_language[primary] = offset + 1
        if Shift.objects.filter(counsellor=counsellor, location=location).exists():
            continue
        room = rooms[index % len(rooms)] if rooms else None
        for step in range(DAYS_PER_COUNSELLOR):
            weekday = (offset + 2 * step) % WORKDAYS
            if weekday not in spans:
                continue
            starts, ends = spans[weekday]
            Shift.objects.create(
                counsellor=counsellor,
                location=location,
                room=room,
                weekday=weekday,
                starts=starts,
                ends=ends,
            )
            created += 1
    return created


def _seed_closing_day(location):
    today = timezone.now().astimezone(LOCAL_ZONE).date()
    if location.closing_days.filter(reason=DEMO_CLOSING_REASON, date__gte=today).exists():
        return False
    day = today + timedelta(days=17)
    holidays = {holiday for holiday, _name in public_holidays(location, day, day + timedelta(30))}
    while day.weekday() >= WORKDAYS or day in holidays:
        day += timedelta(days=1)
    _closing, created = ClosingDay.objects.get_or_create(
        location=location, date=day, defaults={"reason": DEMO_CLOSING_REASON}
    )
    return created
