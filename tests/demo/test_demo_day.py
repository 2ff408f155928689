"""The demo's day at any hour: ``seed_demo`` lays today out around the opening hours and
puts counsellors on duty now, so that every role has something to do at 3 a.m., at noon,
at ten to midnight, at the weekend, on a DST day and again after midnight."""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.consultations.factories import login_verified
from willkommen.accounts.models import StaffMember
from willkommen.booking import office_calendar
from willkommen.booking.demo import DEMO_CLIENTS
from willkommen.booking.models import ConsultationBooking
from willkommen.organisations.models import Location
from willkommen.scheduling.demo import DEMO_DUTY_NOTE, KEY_LANGUAGES
from willkommen.scheduling.models import ShiftException
from willkommen.scheduling.shifts import counsellors_on_duty
from willkommen.walkins import services as walkins
from willkommen.walkins.services import WalkInError

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
# A Wednesday (open 08:00-12:00 only) before opening, at closing time and before midnight;
# a Saturday; the Sunday the clocks go forward.
MOMENTS = [
    "2027-05-12T03:00",
    "2027-05-12T12:00",
    "2027-05-12T23:50",
    "2027-05-15T10:00",
    "2027-03-28T03:00",
]


def moment(text):
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


def seed_at(when):
    with time_machine.travel(when, tick=False):
        call_command("seed_demo", "--quiet", "--no-activity", stdout=io.StringIO())


def user(name):
    return StaffMember.objects.get(username=name)


def assert_every_role_has_something_to_do(when):
    """At ``when``: the clerk has today's calendar, the counsellors booked clients and
    walk-ins to call, the outreach worker a queue, the coordinator a speaker of every key
    language on duty."""
    location = Location.objects.get()
    today = when.date()
    with time_machine.travel(when, tick=False):
        appointments = [
            appointment
            for desk in office_calendar.office_day(location, today)
            for appointment in desk.appointments
        ]
        assert len(appointments) == len(DEMO_CLIENTS), when
        assert all(a.status == "booked" for a in appointments)

        counsellor = user("counsellor")
        booked = ConsultationBooking.objects.filter(
            counsellor=counsellor, start__date=today, status="booked"
        )
        assert booked.count() >= 3, when
        on_duty = counsellors_on_duty(location, timezone.now())
        assert counsellor.pk in on_duty, when
        for code in KEY_LANGUAGES:
            assert StaffMember.objects.filter(pk__in=on_duty, languages__code=code).exists(), (
                when,
                code,
            )
        assert len(walkins.queue_for(location)) >= 3, when
        # "Call next" gives the counsellor a due booked client or a waiting walk-in.
        assert not walkins.call_next(counsellor, location).is_empty, when

        pages = {
            "clerk": reverse("booking_staff:calendar"),
            "counsellor": reverse("consultations_staff:day"),
            "lead": reverse("consultations_staff:day"),
            "outreach": reverse("walkins_staff:queue"),
        }
        for username, url in pages.items():
            client = Client(HTTP_ACCEPT_LANGUAGE="en")
            login_verified(client, user(username))
            page = client.get(url).content.decode()
            assert "Mehmet Demir" in page or username != "clerk", when
            if username in ("counsellor", "lead"):
                booking = booked.first()
                start_url = reverse("consultations_staff:booking_start", args=[booking.pk])
                assert start_url in page, (when, username)


@pytest.mark.parametrize("when", MOMENTS)
def test_every_role_has_something_to_do_at_any_hour(when):
    seed_at(moment(when))
    assert_every_role_has_something_to_do(moment(when))


def test_across_midnight_the_new_day_is_seeded_and_the_old_one_stays():
    evening, night = moment("2027-05-12T23:50"), moment("2027-05-13T00:10")
    seed_at(evening)
    seed_at(night)
    assert_every_role_has_something_to_do(night)
    location = Location.objects.get()
    for day in (evening.date(), night.date()):
        assert office_calendar.office_appointments(location, day).count() == len(DEMO_CLIENTS)
    extra = ShiftException.objects.filter(note=DEMO_DUTY_NOTE, counsellor__username="counsellor")
    assert sorted(extra.values_list("date", flat=True)) == [evening.date(), night.date()]
    # A third run in the same night adds nothing.
    counts = (ConsultationBooking.objects.count(), ShiftException.objects.count())
    seed_at(night + timedelta(minutes=10))
    assert (ConsultationBooking.objects.count(), ShiftException.objects.count()) == counts


def test_a_later_start_on_the_same_day_widens_todays_duty():
    seed_at(moment("2027-05-12T03:00"))
    seed_at(moment("2027-05-12T20:00"))
    assert_every_role_has_something_to_do(moment("2027-05-12T20:00"))
    assert (
        ShiftException.objects.filter(
            note=DEMO_DUTY_NOTE, counsellor__username="counsellor", date=date(2027, 5, 12)
        ).count()
        == 1
    )


def test_control_without_the_demo_day_nobody_is_on_duty_at_3_am(monkeypatch):
    """What the demo looked like before: weekly shifts in the opening hours only, and no
    bookings for today."""
    monkeypatch.setattr("willkommen.booking.demo.seed", lambda stdout=None: None)
    monkeypatch.setattr(
        "willkommen.scheduling.demo._seed_on_duty_now", lambda location, now=None: []
    )
    when = moment("2027-05-12T03:00")
    seed_at(when)
    location = Location.objects.get()
    with time_machine.travel(when, tick=False):
        assert counsellors_on_duty(location, timezone.now()) == set()
        assert not office_calendar.office_appointments(location, when.date()).exists()
        with pytest.raises(WalkInError):
            walkins.call_next(user("counsellor"), location)
