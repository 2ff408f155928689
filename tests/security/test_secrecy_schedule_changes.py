"""A schedule change that touches bookings tells the office nothing about consultations.

Two worlds differ only in whether one booking carries a consultation. In each, somebody of
the immigration office who may change the schedule (a coordinator of the office: the
policy never lets the office see booked consultations) adds a closing day, shortens the
opening hours, deactivates a desk or enters a counsellor's absence, and chooses what
becomes of the bookings. Everything they see (the preview, the answer to saving, the page
after it), and afterwards everything the public and the clerk can read (the calendar, its
CSV, the availability; ``secrecy_worlds.record``) must be identical in both worlds, and
the office appointment must end up at the same time.

The control test does the same as a coordinator of the city, who may see booked
consultations: then the preview differs, so the comparison can fail.
"""

import re
from datetime import time

import pytest
from django.test import Client
from django.urls import reverse

from willkommen.accounts.models import Role
from willkommen.booking import schedule_changes as booking_changes
from willkommen.booking import services
from willkommen.booking.models import Appointment, ConsultationBooking
from willkommen.booking.services import ConsultationRequest
from willkommen.organisations.models import OpeningHours
from willkommen.scheduling.models import ScheduleChange

from .secrecy_worlds import METRICS_TOKEN, _normalise, build, differences, record, world_state

pytestmark = pytest.mark.django_db

CLIENT = {"name": "Dana Example", "email": "dana@example.org", "language": "en"}


@pytest.fixture
def secrecy_world(organisations, make_staff, settings):
    settings.METRICS_TOKEN = METRICS_TOKEN
    return build(organisations, make_staff)


@pytest.fixture
def office_coordinator(make_staff, organisations):
    return make_staff(Role.COORDINATOR, organisations["office"], username="abh-coordinator")


@pytest.fixture
def city_coordinator(make_staff, organisations):
    return make_staff(Role.COORDINATOR, organisations["city"], username="city-coordinator")


def _change(secrecy_world, kind, appointment):
    """(url, form data) of a change of ``kind`` that touches the 9:00 ``appointment``."""
    world, day = secrecy_world.world, secrecy_world.day
    location = world.location.pk
    if kind == "closing day":
        url = reverse("scheduling_staff:closing_day_add", kwargs={"location_id": location})
        return url, {"date": day.isoformat(), "reason": "Strike"}
    if kind == "opening hours":
        hours = OpeningHours.objects.get(
            location=world.location, weekday=day.weekday(), opens=time(8)
        )
        url = reverse(
            "scheduling_staff:opening_hours_edit", kwargs={"location_id": location, "pk": hours.pk}
        )
        return url, {"weekday": day.weekday(), "opens": "10:00", "closes": "12:00"}
    if kind == "desk":
        # The appointment's desk is switched off (its box unticked).
        desk = appointment.desk
        url = reverse(
            "scheduling_staff:desk_edit", kwargs={"location_id": location, "pk": desk.pk}
        )
        return url, {"name": desk.name, "kind": desk.kind, "services": [world.service.pk]}
    if kind == "absence":
        dariush = world.counsellors["dariush"]
        url = reverse("scheduling_staff:exception_add", kwargs={"counsellor_id": dariush.pk})
        return url, {"kind": "absence", "location": location, "date": day.isoformat()}
    raise ValueError(kind)


def _ids_of_new_rows(text):
    """The id the new closing day or absence got: PostgreSQL's sequences are not rolled
    back with the first world, so the second world's rows get the next numbers."""
    return re.sub(r"/(closing-days|exceptions)/\d+/", r"/\1/NEW-ID/", text)


def run(secrecy_world, staff_member, language, kind, decision):
    """Books at 9:00 (with a consultation in ``language``, or none), makes the change as
    ``staff_member`` the way the pages lead them, lets the background work run, and
    returns everything recorded."""
    with world_state():
        world = secrecy_world.world
        consultation = ConsultationRequest(language) if language else None
        appointment = services.book(
            world.service, secrecy_world.at(9), consultation=consultation, **CLIENT
        ).appointment
        assert ConsultationBooking.objects.filter(appointment=appointment).exists() == bool(
            language
        )
        own = [(appointment.code, appointment.pk)]
        pages = {}
        coordinator = Client(HTTP_ACCEPT_LANGUAGE="en")
        coordinator.force_login(staff_member)
        url, data = _change(secrecy_world, kind, appointment)
        first = coordinator.post(url, data)
        pages["first answer"] = (
            f"{first.status_code} {first.get('Location', '')}\n{first.content.decode()}"
        )
        if first.status_code == 200:
            second = coordinator.post(url, data | {"affected_bookings": decision})
            pages["second answer"] = f"{second.status_code} {second.get('Location', '')}"
            target = second.get("Location")
        else:
            target = first.get("Location")
        if target:
            pages["page after saving"] = coordinator.get(target).content.decode()
        for change_id in ScheduleChange.objects.values_list("pk", flat=True):
            booking_changes.process_change(change_id)
        appointment = Appointment.objects.get(pk=appointment.pk)
        pages["office appointment"] = f"{appointment.status} {appointment.start.isoformat()}"
        pages = {name: _ids_of_new_rows(_normalise(text, own)) for name, text in pages.items()}
        pages.update(record(secrecy_world, own))
        return pages


@pytest.mark.parametrize(
    ("kind", "decision"),
    [
        ("closing day", "move"),
        ("closing day", "cancel"),
        ("opening hours", "move"),
        ("desk", "move"),
        ("absence", "move"),
    ],
)
@pytest.mark.parametrize("language", ["fa", "de"])
def test_the_office_sees_the_same_change_with_and_without_a_consultation(
    secrecy_world, office_coordinator, language, kind, decision
):
    with_consultation = run(secrecy_world, office_coordinator, language, kind, decision)
    without_consultation = run(secrecy_world, office_coordinator, None, kind, decision)
    # The office sees the bookings of the office (a preview) but never the consultation.
    assert with_consultation["first answer"].startswith("302" if kind == "absence" else "200")
    assert not differences(with_consultation, without_consultation)


def test_control_a_coordinator_of_the_city_is_shown_the_consultation(
    secrecy_world, city_coordinator
):
    """The comparison can fail: whoever may see booked consultations sees one here."""
    with_consultation = run(secrecy_world, city_coordinator, "fa", "closing day", "move")
    without_consultation = run(secrecy_world, city_coordinator, None, "closing day", "move")
    found = differences(with_consultation, without_consultation)
    assert any(line.startswith("first answer") for line in found)


def test_the_office_coordinator_is_not_shown_an_absence_that_touches_only_a_consultation(
    secrecy_world, office_coordinator
):
    pages = run(secrecy_world, office_coordinator, "fa", "absence", "move")
    assert pages["first answer"].startswith("302")
