"""Demo scheduling data: booking rules, a week of counsellor shifts, one closing day, and
counsellors on duty now, whatever the hour.

Called by ``manage.py seed_demo`` after the organisations, locations and staff exist.
Idempotent: a second run finds what the first created and adds nothing, except that a
later run on the same day widens today's demo duty to cover its own moment.

The weekly shifts follow the opening hours, so at 3 a.m., in the evening or at the weekend
nobody would be on duty and the demo's counsellor could call nobody. So the demo account
``counsellor`` and one speaker of each key language get an extra shift today (docs/demo.md)
that spans the day's opening hours and the hours around now.
"""

from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from willkommen import clock
from willkommen.accounts import policy
from willkommen.accounts.models import StaffMember
from willkommen.clock import LOCAL_ZONE, local_datetime
from willkommen.organisations.models import DeskKind, Location

from .models import ClosingDay, LocationSchedule, Shift, ShiftException, ShiftExceptionKind
from .public_holidays import public_holidays
from .shifts import counsellors_on_duty

# The languages most asked for: each should be spoken by someone on duty most weekdays.
KEY_LANGUAGES = ("ar", "fa", "tr", "ru", "uk")
WORKDAYS = 5
DAYS_PER_COUNSELLOR = 3
DEMO_CLOSING_REASON = "Team day (demo)"
# The demo accounts that are on duty whenever the demo is started.
ON_DUTY_ACCOUNTS = ("counsellor",)
DEMO_DUTY_NOTE = "Demo: on duty now"
DUTY_BEFORE_NOW = timedelta(hours=1)
DUTY_AFTER_NOW = timedelta(hours=3)


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
    on_duty = _seed_on_duty_now(location)
    if on_duty:
        _say(stdout, f"  on duty now at {location}: {', '.join(on_duty)}")


def office_hours(location, day):
    """The opening intervals ``(opens, closes)`` the demo lays ``day`` out in: the day's
    own, or on a day without any (a weekend) those of the first weekday that has some, so
    that the demo's day is never empty. Empty only for a location without opening hours."""
    by_weekday = {}
    for hours in location.opening_hours.all():
        by_weekday.setdefault(hours.weekday, []).append((hours.opens, hours.closes))
    if not by_weekday:
        return []
    weekday = day.weekday() if day.weekday() in by_weekday else min(by_weekday)
    return sorted(by_weekday[weekday])


def _duty_window(location, now):
    """Today's span from the first opening (or an hour before now, if earlier) to the last
    closing (or three hours after now, if later), inside today."""
    today = clock.local_day(now)
    hours = office_hours(location, today)
    start = now - DUTY_BEFORE_NOW
    end = now + DUTY_AFTER_NOW
    if hours:
        start = min(start, local_datetime(today, hours[0][0]))
        end = max(end, local_datetime(today, hours[-1][1]))
    start = max(start, local_datetime(today, time(0)))
    end = min(end, local_datetime(today, time(23, 59)))
    return today, start.astimezone(LOCAL_ZONE).time(), end.astimezone(LOCAL_ZONE).time()


def _on_duty_candidates(location, now):
    """The demo accounts, and for each key language nobody speaking it is on duty in,
    its first speaker."""
    staff = StaffMember.objects.filter(
        role__in=policy.COUNSELLING_ROLES, is_active=True
    ).order_by("username")
    on_duty = counsellors_on_duty(location, now)
    chosen = list(staff.filter(username__in=ON_DUTY_ACCOUNTS))
    covered = set(on_duty) | {user.pk for user in chosen}
    for code in KEY_LANGUAGES:
        speakers = list(staff.filter(languages__code=code))
        if speakers and not any(user.pk in covered for user in speakers):
            chosen.append(speakers[0])
            covered.add(speakers[0].pk)
    return [user for user in chosen if user.pk not in on_duty]


def _seed_on_duty_now(location, now=None):
    """Extra shifts today for whoever ``_on_duty_candidates`` names; returns their user
    names. An earlier demo shift of today is widened rather than doubled."""
    now = now or timezone.now()
    day, starts, ends = _duty_window(location, now)
    if starts >= ends:
        return []
    names = []
    for counsellor in _on_duty_candidates(location, now):
        existing = ShiftException.objects.filter(
            counsellor=counsellor, location=location, date=day, note=DEMO_DUTY_NOTE
        ).first()
        if existing is None:
            weekly = Shift.objects.filter(counsellor=counsellor, location=location).first()
            ShiftException.objects.create(
                counsellor=counsellor,
                location=location,
                room=weekly.room if weekly else None,
                kind=ShiftExceptionKind.EXTRA,
                date=day,
                starts=starts,
                ends=ends,
                note=DEMO_DUTY_NOTE,
            )
        else:
            existing.starts = min(existing.starts, starts)
            existing.ends = max(existing.ends, ends)
            existing.save(update_fields=["starts", "ends"])
        names.append(counsellor.username)
    return names


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
            role__in=policy.COUNSELLING_ROLES, is_active=True
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
    today = clock.today()
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
