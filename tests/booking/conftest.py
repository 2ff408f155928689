"""A small welcome service to book at: one location in Lower Saxony, two office desks,
two counselling rooms, three counsellors with different languages and topics."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from django.core.cache import cache

from tests import factories
from willkommen.clock import LOCAL_ZONE
from willkommen.organisations.models import Location, OfficeService
from willkommen.scheduling.models import LocationSchedule

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
    location = factories.location_with_hours(
        office,
        "Service Center",
        hours=opening or [(time(8), time(12)), (time(13), time(16))],
        street="Hamburger Allee 25",
        postal_code="30161",
    )
    service = factories.office_service(
        office, "residence", "Residence permit", 20, documents_to_bring="Passport\nBiometric photo"
    )
    long_service = factories.office_service(office, "settlement", "Settlement permit", 45)
    desks = [
        factories.desk(location, f"Desk {number + 1}", [service, long_service])
        for number in range(desk_count)
    ]
    rooms = [factories.room(location, f"Room {number + 1}") for number in range(2)]
    languages = factories.languages(
        ("de", "German"),
        ("ar", "Arabic"),
        ("fa", "Persian"),
        ("uk", "Ukrainian"),
        ("en", "English"),
    )
    topics = factories.topics(*TOPIC_SLUGS, ordered=True)
    counsellors = {
        username: factories.counsellor(
            make_staff,
            username,
            [languages[code] for code in codes],
            [topics[slug] for slug in topic_slugs],
            location=location,
            room=room,
            hours=hours,
        )
        for username, codes, topic_slugs, room, hours in [
            ("amal", ["de", "ar"], ["work", "housing"], rooms[0], (time(8), time(16))),
            ("dariush", ["de", "fa"], ["family"], rooms[1], (time(8), time(12))),
            ("olena", ["de", "uk", "en"], ["health"], rooms[1], (time(12), time(16))),
        ]
    }
    schedule = location.schedule
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
