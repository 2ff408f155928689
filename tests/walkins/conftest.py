"""A small waiting area: one location, two counselling rooms, languages, topics and
counsellors on shift on a fixed Wednesday morning."""

from dataclasses import dataclass
from datetime import date, datetime, time

import pytest

from tests import factories
from tests.conftest import make_location
from willkommen.accounts.models import Role
from willkommen.clock import LOCAL_ZONE
from willkommen.organisations.models import Location

DAY = date(2026, 11, 25)  # a Wednesday
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=LOCAL_ZONE)


def at(hour, minute=0, day=DAY):
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_ZONE)


@dataclass
class Waiting:
    location: Location
    rooms: list
    languages: dict
    topics: dict
    outreach: object
    make_counsellor: object


def make_waiting_area(organisations, make_staff):
    location = make_location(
        organisations["office"],
        "Service Center",
        street="Hamburger Allee 25",
        postal_code="30161",
    )
    rooms = [factories.room(location, f"Room {n}") for n in (1, 2)]
    languages = factories.languages(
        ("fa", "Persian"), ("ar", "Arabic"), ("tr", "Turkish"), ("uk", "Ukrainian"), sort_from=0
    )
    topics = factories.topics("forms", "housing", "work", "health")
    outreach = make_staff(Role.OUTREACH)

    def make_counsellor(username, codes, topic_slugs=(), on_shift=True, room=0, weekday=2):
        counsellor = factories.counsellor(
            make_staff,
            username,
            [languages[code] for code in codes],
            [topics[slug] for slug in topic_slugs],
        )
        if on_shift:
            room = rooms[room] if room is not None else None
            factories.shift(counsellor, location, room, weekday, time(8), time(16))
        return counsellor

    return Waiting(location, rooms, languages, topics, outreach, make_counsellor)


@pytest.fixture
def area(organisations, make_staff):
    return make_waiting_area(organisations, make_staff)
