"""A small waiting area: one location, two counselling rooms, languages, topics and
counsellors on shift on a fixed Wednesday morning."""

from dataclasses import dataclass
from datetime import date, datetime, time

import pytest

from tests.conftest import make_location
from willkommen.accounts.models import Role
from willkommen.organisations.models import Desk, DeskKind, Language, Location, Topic
from willkommen.scheduling.models import Shift
from willkommen.scheduling.shifts import LOCAL_ZONE

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
    rooms = [
        Desk.objects.create(location=location, name=f"Room {n}", kind=DeskKind.COUNSELLING_ROOM)
        for n in (1, 2)
    ]
    languages = {
        code: Language.objects.create(code=code, english_name=name, native_name=name, sort_order=i)
        for i, (code, name) in enumerate(
            [("fa", "Persian"), ("ar", "Arabic"), ("tr", "Turkish"), ("uk", "Ukrainian")]
        )
    }
    topics = {
        slug: Topic.objects.create(slug=slug, name=slug.title())
        for slug in ["forms", "housing", "work", "health"]
    }
    outreach = make_staff(Role.OUTREACH)

    def make_counsellor(username, codes, topic_slugs=(), on_shift=True, room=0, weekday=2):
        counsellor = make_staff(Role.COUNSELLOR, username=username)
        counsellor.languages.set([languages[code] for code in codes])
        counsellor.topics.set([topics[slug] for slug in topic_slugs])
        if on_shift:
            Shift.objects.create(
                counsellor=counsellor,
                location=location,
                room=rooms[room] if room is not None else None,
                weekday=weekday,
                starts=time(8),
                ends=time(16),
            )
        return counsellor

    return Waiting(location, rooms, languages, topics, outreach, make_counsellor)


@pytest.fixture
def area(organisations, make_staff):
    return make_waiting_area(organisations, make_staff)
