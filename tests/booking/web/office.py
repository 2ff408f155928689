"""A small office for booking tests: one desk for one service, one Arabic- and
German-speaking counsellor on duty every weekday. Shared by the web and browser tests."""

from dataclasses import dataclass
from datetime import date, time, timedelta

import holidays
from django.utils import timezone

from tests import factories
from willkommen.clock import LOCAL_ZONE, local_datetime
from willkommen.organisations.models import Desk, Location, OfficeService


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
    office = organisations["office"]
    languages = factories.languages(
        ("de", "German", "Deutsch"),
        ("ar", "Arabic", "العربية"),
        ("fa", "Persian", "فارسی"),
        sort_from=1,
    )
    topics = factories.topics("forms", "housing", names={"forms": "Applications and forms"})
    location = factories.location_with_hours(
        office,
        "Service Center",
        hours=[(time(8), time(16))],
        directions="Entrance B, second floor.",
    )
    service = factories.office_service(
        office, "permit", "Residence permit", 20, documents_to_bring="Passport\nBiometric photo"
    )
    desk = factories.desk(location, "Desk 1", [service])
    room = factories.room(location, "Room 7")
    counsellor = factories.counsellor(
        make_staff,
        "arabic-counsellor",
        [languages["ar"], languages["de"]],
        [topics["forms"]],
        location=location,
        room=room,
        hours=(time(8), time(16)),
    )
    return Office(location, service, desk, room, counsellor, next_open_weekday())
