"""A small welcome service to book at: one location in Lower Saxony, two office desks,
two counselling rooms, three counsellors with different languages and topics."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from django.core.cache import cache

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
from willkommen.scheduling.shifts import LOCAL_ZONE

TOPIC_SLUGS = ["forms", "education", "family", "housing", "leisure", "work", "health"]


@dataclass
class World:
    location: Location
    service: OfficeService
    long_service: OfficeService
    desks: list
    rooms: list
    counsellors: dict
    languages: dict
    topics: dict
    schedule: LocationSchedule


def make_world(organisations, make_staff, desk_count=2, opening=None):
    office = organisations["office"]
    location = make_location(
        office,
        "Service Center",
        street="Hamburger Allee 25",
        postal_code="30161",
    )
    schedule = LocationSchedule.objects.create(location=location)
    service = OfficeService.objects.create(
        office=office,
        slug="residence",
        name="Residence permit",
        duration_minutes=20,
        documents_to_bring="Passport\nBiometric photo",
    )
    long_service = OfficeService.objects.create(
        office=office, slug="settlement", name="Settlement permit", duration_minutes=45
    )
    desks = []
    for number in range(desk_count):
        desk = Desk.objects.create(
            location=location, name=f"Desk {number + 1}", kind=DeskKind.OFFICE_DESK
        )
        desk.services.set([service, long_service])
        desks.append(desk)
    rooms = [
        Desk.objects.create(
            location=location, name=f"Room {number + 1}", kind=DeskKind.COUNSELLING_ROOM
        )
        for number in range(2)
    ]
    for weekday in range(5):
        for opens, closes in opening or [(time(8), time(12)), (time(13), time(16))]:
            OpeningHours.objects.create(
                location=location, weekday=weekday, opens=opens, closes=closes
            )
    languages = {
        code: Language.objects.create(code=code, english_name=name, native_name=name)
        for code, name in [
            ("de", "German"),
            ("ar", "Arabic"),
            ("fa", "Persian"),
            ("uk", "Ukrainian"),
            ("en", "English"),
        ]
    }
    topics = {
        slug: Topic.objects.create(slug=slug, name=slug.title(), sort_order=index)
        for index, slug in enumerate(TOPIC_SLUGS)
    }
    counsellors = {}
    for username, codes, topic_slugs, room, hours in [
        ("amal", ["de", "ar"], ["work", "housing"], rooms[0], (time(8), time(16))),
        ("dariush", ["de", "fa"], ["family"], rooms[1], (time(8), time(12))),
        ("olena", ["de", "uk", "en"], ["health"], rooms[1], (time(12), time(16))),
    ]:
        counsellor = make_staff(Role.COUNSELLOR, username=username)
        counsellor.languages.set([languages[code] for code in codes])
        counsellor.topics.set([topics[slug] for slug in topic_slugs])
        for weekday in range(5):
            Shift.objects.create(
                counsellor=counsellor,
                location=location,
                room=room,
                weekday=weekday,
                starts=hours[0],
                ends=hours[1],
            )
        counsellors[username] = counsellor
    return World(
        location, service, long_service, desks, rooms, counsellors, languages, topics, schedule
    )


@pytest.fixture
def world(organisations, make_staff):
    return make_world(organisations, make_staff)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def next_weekday(start: date, weekday: int) -> date:
    return start + timedelta(days=(weekday - start.weekday()) % 7)


# A fixed "now" for service tests: Monday 2026-03-02, 10:00 in Hannover (no holidays near).
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=LOCAL_ZONE)
# Tuesday after NOW: bookable (window starts tomorrow).
TUESDAY = date(2026, 3, 3)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_ZONE)
