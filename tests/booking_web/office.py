"""A small office for booking tests: one desk for one service, one Arabic- and
German-speaking counsellor on duty every weekday. Shared by the web and browser tests."""

from dataclasses import dataclass
from datetime import date, time, timedelta

import holidays
from django.utils import timezone

from tests.conftest import make_location
from willkommen.accounts.models import Role
from willkommen.organisations.models import (
    Desk,
    DeskKind,
    Language,
    Location,
    OfficeService,
    OpeningHours,
    Topic,
)
from willkommen.scheduling.models import LocationSchedule, Shift
from willkommen.scheduling.shifts import LOCAL_ZONE, local_datetime


def next_open_weekday(after_days=2):
    today = timezone.now().astimezone(LOCAL_ZONE).date()
    day = today + timedelta(days=after_days)
    closed = holidays.country_holidays("DE", subdiv="NI", years=[day.year, day.year + 1])
    while day.weekday() >= 5 or day in closed:
        day += timedelta(days=1)
    return day


@dataclass
class Office:
    location: Location
    service: OfficeService
    desk: Desk
    room: Desk
    counsellor: object
    day: date

    def at(self, hour, minute=0, day=None):
        return local_datetime(day or self.day, time(hour, minute))


def build_office(organisations, make_staff):
    """The office of these tests, built from the shared ``organisations`` and ``make_staff``."""
    Language.objects.create(code="de", english_name="German", native_name="Deutsch", sort_order=1)
    arabic = Language.objects.create(
        code="ar", english_name="Arabic", native_name="العربية", sort_order=2
    )
    Language.objects.create(code="fa", english_name="Persian", native_name="فارسی", sort_order=3)
    forms_topic = Topic.objects.create(slug="forms", name="Applications and forms")
    Topic.objects.create(slug="housing", name="Housing")
    location = make_location(
        organisations["office"],
        "Service Center",
        directions="Entrance B, second floor.",
    )
    LocationSchedule.objects.create(location=location)
    for weekday in range(5):
        OpeningHours.objects.create(
            location=location, weekday=weekday, opens=time(8), closes=time(16)
        )
    service = OfficeService.objects.create(
        office=organisations["office"],
        slug="permit",
        name="Residence permit",
        documents_to_bring="Passport\nBiometric photo",
        duration_minutes=20,
    )
    desk = Desk.objects.create(location=location, name="Desk 1", kind=DeskKind.OFFICE_DESK)
    desk.services.add(service)
    room = Desk.objects.create(location=location, name="Room 7", kind=DeskKind.COUNSELLING_ROOM)
    counsellor = make_staff(Role.COUNSELLOR, username="arabic-counsellor")
    counsellor.languages.add(arabic, Language.objects.get(code="de"))
    counsellor.topics.add(forms_topic)
    for weekday in range(5):
        Shift.objects.create(
            counsellor=counsellor,
            location=location,
            room=room,
            weekday=weekday,
            starts=time(8),
            ends=time(16),
        )
    return Office(location, service, desk, room, counsellor, next_open_weekday())
