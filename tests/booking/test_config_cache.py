"""The scheduling configuration memo: fewer queries, and a change is never missed for
longer than the documented window."""

from datetime import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_location
from willkommen.booking import services
from willkommen.booking.availability import find_slots
from willkommen.booking.models import Appointment
from willkommen.organisations.models import OpeningHours
from willkommen.scheduling import config_cache
from willkommen.scheduling.calendar import opening_by_weekday
from willkommen.scheduling.models import ClosingDay, ShiftException, ShiftExceptionKind

from .conftest import NOW, TUESDAY, local

pytestmark = pytest.mark.django_db


def starts(world, **kwargs):
    return {slot.start for slot in find_slots(world.service, TUESDAY, TUESDAY, now=NOW, **kwargs)}


def test_second_query_reads_only_the_office_appointments(world):
    starts(world, language="ar")
    with CaptureQueriesContext(connection) as queries:
        starts(world, language="ar")
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    # Appointments are never memoised: they decide double booking. Booked consultations
    # are not read at all: the public answer comes from duty alone (docs/security.md).
    assert len(queries.captured_queries) == 1
    assert "booking_appointment" in tables
    assert "booking_consultationbooking" not in tables


def test_a_saved_closing_day_takes_effect_at_once(world):
    assert starts(world)
    ClosingDay.objects.create(location=world.location, date=TUESDAY, reason="Staff meeting")
    assert starts(world) == set()
    with pytest.raises(services.DayClosed):
        services.book(world.service, local(TUESDAY, 9), name="A", email="a@x.org", now=NOW)
    assert not Appointment.objects.exists()


def test_changed_opening_hours_and_an_absence_take_effect_at_once(world):
    starts(world, language="ar")
    OpeningHours.objects.filter(
        location=world.location, weekday=TUESDAY.weekday()
    ).first().delete()
    assert local(TUESDAY, 9) not in starts(world)
    amal = world.counsellors["amal"]
    with_arabic = [
        slot
        for slot in find_slots(world.service, TUESDAY, TUESDAY, now=NOW, language="ar")
        if slot.consultation
    ]
    assert with_arabic
    ShiftException.objects.create(
        counsellor=amal,
        location=world.location,
        date=TUESDAY,
        kind=ShiftExceptionKind.ABSENCE,
    )
    after = find_slots(world.service, TUESDAY, TUESDAY, now=NOW, language="ar")
    assert all(
        slot.consultation is None or slot.consultation.counsellor_id != amal.pk for slot in after
    )


def test_a_change_made_by_another_process_is_seen_when_it_bumps_the_shared_generation(
    world, monkeypatch
):
    assert local(TUESDAY, 9) in starts(world)
    # bulk_create sends no signal: like a change made by another server process.
    ClosingDay.objects.bulk_create(
        [ClosingDay(location=world.location, date=TUESDAY, reason="Elsewhere")]
    )
    # Control: until then this process answers from its memo (the window the docs name)…
    assert local(TUESDAY, 9) in starts(world)
    # …and the other process's bump of the shared generation ends it at once.
    if not cache.add(config_cache.GENERATION_KEY, 1, None):
        cache.incr(config_cache.GENERATION_KEY)
    # This process re-reads the shared generation at most once a second.
    later = config_cache.time.monotonic() + config_cache.GENERATION_READ_SECONDS
    monkeypatch.setattr(config_cache.time, "monotonic", lambda: later)
    assert starts(world) == set()


@override_settings(SCHEDULING_CONFIG_CACHE_SECONDS=10)
def test_without_a_shared_cache_a_change_is_seen_after_the_ttl(world, monkeypatch):
    assert starts(world)
    ClosingDay.objects.bulk_create(
        [ClosingDay(location=world.location, date=TUESDAY, reason="Elsewhere")]
    )
    assert starts(world)  # within the TTL: still the memo
    later = config_cache.time.monotonic() + 11
    monkeypatch.setattr(config_cache.time, "monotonic", lambda: later)
    assert starts(world) == set()


@override_settings(SCHEDULING_CONFIG_CACHE_SECONDS=0)
def test_ttl_zero_switches_the_memo_off(world):
    starts(world)
    with CaptureQueriesContext(connection) as queries:
        starts(world)
    assert len(queries.captured_queries) > 2


def test_one_statistics_refresh_per_booking(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        services.book(
            world.service,
            local(TUESDAY, 9),
            name="Layla",
            email="layla@example.org",
            consultation=services.ConsultationRequest("ar", ("work",), False),
            now=NOW,
        )
    refreshes = [getattr(callback, "outbox_key", None) for callback in callbacks]
    appointment = Appointment.objects.get()
    # The appointment, its consultation and its topics each saved: one refresh, not three.
    assert refreshes.count(("fact", "appointment", appointment.pk)) == 1


def test_opening_hours_memo_is_per_location(world, organisations):

    other = make_location(
        organisations["office"],
        "Elsewhere",
        street="x",
        postal_code="1",
        city="y",
    )
    OpeningHours.objects.create(location=other, weekday=0, opens=time(7), closes=time(8))
    starts(world)

    assert opening_by_weekday(other)[0] == [(time(7), time(8))]
    assert opening_by_weekday(world.location)[0] != [(time(7), time(8))]


def generation():
    return cache.get(config_cache.GENERATION_KEY, 0)


def test_a_staff_login_keeps_the_memo(world, client):
    counsellor = world.counsellors["amal"]
    before = generation()
    client.force_login(counsellor)  # sends user_logged_in: Django saves last_login
    counsellor.refresh_from_db()
    assert counsellor.last_login is not None
    assert generation() == before


def test_a_changed_staff_member_still_empties_the_memo(world):
    """Control for the test above: a save of a field the engine reads bumps the generation."""
    counsellor = world.counsellors["amal"]
    before = generation()
    counsellor.is_active = False
    counsellor.save(update_fields=["is_active"])
    assert generation() > before
