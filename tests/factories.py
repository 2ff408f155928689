"""Factories for the objects of a test world: languages, topics, a location with its weekly
opening hours, office services, desks and counselling rooms, counsellors and their shifts.

When to use it: whenever a test or fixture needs such objects and none of the prepared
worlds fits. The prepared worlds are thin wrappers around these functions and keep their
names, shapes and data, so prefer them first:

- ``tests.booking.conftest.make_world`` (fixture ``world``): the welcome service of the
  booking tests, two desks, two rooms, Amal, Dariush and Olena;
- ``tests.booking.web.office.build_office`` (fixture ``office``): one desk, one room, one
  Arabic- and German-speaking counsellor;
- ``tests.walkins.conftest.make_waiting_area`` (fixture ``area``): the waiting area of the
  walk-in tests.

Each factory creates exactly what its name says and returns it; none looks anything up or
creates anything implicitly, so two calls create two objects (codes and slugs are unique:
create a language or topic once per test). Staff come from the ``make_staff`` fixture of
``tests/conftest.py``, passed in. Weekly things (opening hours, shifts) default to Monday
to Friday (``WEEKDAYS``).
"""

from collections.abc import Iterable
from datetime import time

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

WEEKDAYS = range(5)  # Monday to Friday


def languages(*rows, sort_from=None) -> dict:
    """Languages by code, from ``(code, english_name)`` or ``(code, english_name,
    native_name)`` rows (the native name defaults to the English one). With ``sort_from``
    the rows get consecutive sort orders from it; otherwise the model's default."""
    created = {}
    for index, (code, english_name, *native_name) in enumerate(rows):
        created[code] = Language.objects.create(
            code=code,
            english_name=english_name,
            native_name=native_name[0] if native_name else english_name,
            **({} if sort_from is None else {"sort_order": sort_from + index}),
        )
    return created


def topics(*slugs, names=None, ordered=False) -> dict:
    """Topics by slug, named ``slug.title()`` unless ``names`` says otherwise; with
    ``ordered`` their sort order follows the order given."""
    names = names or {}
    return {
        slug: Topic.objects.create(
            slug=slug,
            name=names.get(slug, slug.title()),
            **({"sort_order": index} if ordered else {}),
        )
        for index, slug in enumerate(slugs)
    }


def opening_hours(location: Location, hours, weekdays: Iterable[int] = WEEKDAYS) -> None:
    """The same ``(opens, closes)`` spans of ``location`` on each of ``weekdays``."""
    for weekday in weekdays:
        for opens, closes in hours:
            OpeningHours.objects.create(
                location=location, weekday=weekday, opens=opens, closes=closes
            )


def location_with_hours(
    office,
    name="Service Center",
    *,
    hours=((time(8), time(16)),),
    weekdays: Iterable[int] = WEEKDAYS,
    schedule=True,
    **address,
) -> Location:
    """A location of ``office`` in Hannover (``tests.conftest.make_location``; ``address``
    overrides its fields), open ``hours`` on ``weekdays``, with its booking rules
    (``location.schedule``, the defaults) unless ``schedule`` is false."""
    location = make_location(office, name, **address)
    if schedule:
        LocationSchedule.objects.create(location=location)
    opening_hours(location, hours, weekdays)
    return location


def office_service(office, slug, name, duration_minutes=20, **fields) -> OfficeService:
    """A service (Anliegen) of the immigration office ``office``."""
    return OfficeService.objects.create(
        office=office, slug=slug, name=name, duration_minutes=duration_minutes, **fields
    )


def desk(location: Location, name, services=()) -> Desk:
    """An office desk at ``location`` that handles ``services``."""
    created = Desk.objects.create(location=location, name=name, kind=DeskKind.OFFICE_DESK)
    created.services.set(services)
    return created


def room(location: Location, name) -> Desk:
    """A counselling room at ``location``."""
    return Desk.objects.create(location=location, name=name, kind=DeskKind.COUNSELLING_ROOM)


def shift(counsellor, location: Location, room: Desk | None, weekday, starts, ends) -> Shift:
    """One weekly shift of ``counsellor`` at ``location``, in ``room`` (or none)."""
    return Shift.objects.create(
        counsellor=counsellor,
        location=location,
        room=room,
        weekday=weekday,
        starts=starts,
        ends=ends,
    )


def counsellor(
    make_staff,
    username,
    languages=(),
    topics=(),
    *,
    location=None,
    room=None,
    hours=None,
    weekdays: Iterable[int] = WEEKDAYS,
):
    """A counsellor (of the ``make_staff`` default organisation) who speaks ``languages``
    and counsels on ``topics``; with ``hours`` (``(starts, ends)``) also on shift at
    ``location`` in ``room`` on each of ``weekdays``."""
    created = make_staff(Role.COUNSELLOR, username=username)
    created.languages.set(languages)
    created.topics.set(topics)
    if hours is not None:
        for weekday in weekdays:
            shift(created, location, room, weekday, *hours)
    return created
