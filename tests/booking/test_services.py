"""The booking services: hold, book, confirm, cancel, move, limits, tokens."""

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.db import connection
from django.test import override_settings

from willkommen.booking import services, signals, tokens
from willkommen.booking.availability import find_slots
from willkommen.booking.errors import (
    ConsultationUnavailable,
    InvalidContact,
    InvalidManageToken,
    NotChangeable,
    OutsideBookingWindow,
    RateLimited,
    SlotUnavailable,
    TooManyOpenBookings,
    UnknownLanguage,
    UnknownService,
    UnknownTopic,
)
from willkommen.booking.models import (
    Appointment,
    AppointmentStatus,
    ConsultationBooking,
    ConsultationBookingStatus,
)
from willkommen.scheduling.models import ClosingDay

from .conftest import NOW, TUESDAY, local

pytestmark = pytest.mark.django_db

ARABIC_WORK = services.ConsultationRequest("ar", ("work",), False)


def starts(world, day=TUESDAY, now=NOW, **kwargs):
    return {slot.start for slot in find_slots(world.service, day, day, now=now, **kwargs)}


def book(world, start, email="client@example.org", consultation=None, **kwargs):
    return services.book(
        world.service,
        start,
        name="Client",
        email=email,
        consultation=consultation,
        language="ar",
        now=kwargs.pop("now", NOW),
        **kwargs,
    )


def test_book_with_consultation_in_arabic_places_it_around_the_appointment(world):
    result = book(world, local(TUESDAY, 9), consultation=ARABIC_WORK)
    appointment = result.appointment
    assert appointment.status == AppointmentStatus.BOOKED
    assert len(appointment.code) == 10
    consultation = appointment.consultation
    assert consultation.status == ConsultationBookingStatus.BOOKED
    assert consultation.counsellor == world.counsellors["amal"]
    assert consultation.language.code == "ar"
    assert list(consultation.topics.values_list("slug", flat=True)) == ["work"]
    assert consultation.position == "after"
    assert consultation.start == appointment.end + timedelta(minutes=5)
    assert consultation.end - consultation.start == timedelta(minutes=30)


def test_booked_slot_is_no_longer_offered_on_that_desk_and_cancel_frees_it_at_once(world):
    start = local(TUESDAY, 9)
    first = book(world, start, email="a@example.org").appointment
    second = book(world, start, email="b@example.org").appointment
    assert {first.desk_id, second.desk_id} == {desk.id for desk in world.desks}
    assert start not in starts(world)
    with pytest.raises(SlotUnavailable) as error:
        book(world, start, email="c@example.org")
    assert error.value.alternatives, "nearest alternatives are offered"
    assert error.value.alternatives[0].start != start
    services.cancel_booking(first, now=NOW)
    assert start in starts(world)
    assert Appointment.objects.get(pk=first.pk).status == AppointmentStatus.CANCELLED


def test_cancel_frees_the_counsellor_too(world):
    result = book(world, local(TUESDAY, 9), consultation=ARABIC_WORK)
    consultation = result.appointment.consultation
    services.cancel_booking(result.appointment, now=NOW)
    consultation.refresh_from_db()
    assert consultation.status == ConsultationBookingStatus.CANCELLED
    again = book(world, local(TUESDAY, 9), email="other@example.org", consultation=ARABIC_WORK)
    assert again.appointment.consultation.start == consultation.start


def test_counsellor_is_never_given_twice(world):
    # One Arabic counsellor: two office appointments at 9:00 on two desks are both given
    # the consultation the public answer offers (after, 9:25). Only one can have Amal;
    # the other keeps its time without a counsellor and is served with priority on the
    # day — the client is told the same either way (docs/security.md).
    first = book(world, local(TUESDAY, 9), email="a@example.org", consultation=ARABIC_WORK)
    second = book(world, local(TUESDAY, 9), email="b@example.org", consultation=ARABIC_WORK)
    a, b = first.appointment.consultation, second.appointment.consultation
    assert (a.start, a.position) == (b.start, b.position) == (local(TUESDAY, 9, 25), "after")
    assert a.counsellor == world.counsellors["amal"]
    assert b.counsellor is None
    assert list(ConsultationBooking.objects.unassigned()) == [b]


def test_an_unassigned_consultation_gets_the_time_a_cancellation_frees(
    world, django_capture_on_commit_callbacks
):
    first = book(world, local(TUESDAY, 9), email="a@example.org", consultation=ARABIC_WORK)
    second = book(world, local(TUESDAY, 9), email="b@example.org", consultation=ARABIC_WORK)
    assert second.appointment.consultation.counsellor is None
    # The task that gives the freed time away runs later, at the real clock's time.
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.cancel_consultation(first.appointment, now=NOW)
    second.appointment.consultation.refresh_from_db()
    assert second.appointment.consultation.counsellor == world.counsellors["amal"]


def test_choosing_a_time_writes_nothing(world):
    slot = services.check_choice(
        world.service, local(TUESDAY, 10), consultation=ARABIC_WORK, now=NOW
    )
    assert slot.consultation is not None
    assert not Appointment.objects.exists() and not ConsultationBooking.objects.exists()
    book(world, local(TUESDAY, 10), email="a@example.org")
    book(world, local(TUESDAY, 10), email="b@example.org")
    with pytest.raises(SlotUnavailable) as error:
        services.check_choice(world.service, local(TUESDAY, 10), now=NOW)
    assert error.value.alternatives


def _pending(world, start, service=None, email="a@example.org"):
    """A booking waiting for its confirmation link (double opt-in)."""
    world.schedule.double_opt_in = True
    world.schedule.save()
    result = services.book(service or world.service, start, name="Client", email=email, now=NOW)
    assert result.appointment.status == AppointmentStatus.PENDING_CONFIRMATION
    return result.appointment


def test_an_unconfirmed_booking_frees_its_slot_when_the_time_to_confirm_runs_out(world):
    start = local(TUESDAY, 10)
    for index, _desk in enumerate(world.desks):
        _pending(world, start, email=f"{index}@example.org")
    assert start not in starts(world)
    later = NOW + timedelta(minutes=world.schedule.confirmation_minutes + 1)
    assert start in starts(world, now=later)
    # …and it can be booked again (the booking expires the stale one on its desk)…
    book(world, start, now=later)
    # …and the background clean-up expires the other one.
    assert services.release_expired_holds(now=later) == 1
    assert Appointment.objects.filter(status=AppointmentStatus.EXPIRED).count() == 2


def test_an_unconfirmed_booking_overlapping_at_another_start_gives_way(world):
    # Long unconfirmed bookings 9:30-10:15 on every desk run out; a short booking at 9:40
    # starts inside them. On PostgreSQL the exclusion constraint trips over the stale row,
    # which the booking then marks expired and tries again; elsewhere the re-check
    # ignores it.
    for index, _desk in enumerate(world.desks):
        _pending(world, local(TUESDAY, 9, 30), world.long_service, f"{index}@example.org")
    later = NOW + timedelta(minutes=world.schedule.confirmation_minutes + 1)
    assert local(TUESDAY, 9, 40) in starts(world, now=later)
    result = book(world, local(TUESDAY, 9, 40), now=later)
    assert result.appointment.status == AppointmentStatus.PENDING_CONFIRMATION
    assert Appointment.objects.occupying(later).count() == 1
    if connection.vendor == "postgresql":
        # The constraint did trip: the booking itself marked the stale one on its desk.
        stale = Appointment.objects.get(desk=result.appointment.desk, service=world.long_service)
        assert stale.status == AppointmentStatus.EXPIRED


def test_double_opt_in(world, django_capture_on_commit_callbacks):
    world.schedule.double_opt_in = True
    world.schedule.save()
    received = []

    def receiver(sender, appointment, confirm_token, **kwargs):
        received.append(confirm_token)

    signals.booking_pending_confirmation.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            result = book(world, local(TUESDAY, 11), consultation=ARABIC_WORK)
    finally:
        signals.booking_pending_confirmation.disconnect(receiver)
    appointment = result.appointment
    assert appointment.status == AppointmentStatus.PENDING_CONFIRMATION
    assert received == [result.confirm_token]
    # The slot is taken while waiting for confirmation.
    assert appointment.desk_id not in next(
        slot.desk_ids
        for slot in find_slots(world.service, TUESDAY, TUESDAY, now=NOW)
        if slot.start == appointment.start
    )
    confirmed = tokens.appointment_for_confirm_token(
        appointment.code, result.confirm_token, now=NOW
    )
    services.confirm_booking(confirmed, now=NOW + timedelta(minutes=5))
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.consultation.status == ConsultationBookingStatus.BOOKED
    # The confirm token is not a manage token and vice versa.
    with pytest.raises(InvalidManageToken):
        tokens.appointment_for_token(appointment.code, result.confirm_token)


def test_unconfirmed_booking_expires_and_frees_the_slot(world):
    world.schedule.double_opt_in = True
    world.schedule.save()
    result = book(world, local(TUESDAY, 11))
    too_late = NOW + timedelta(minutes=world.schedule.confirmation_minutes + 1)
    with pytest.raises(NotChangeable):
        services.confirm_booking(result.appointment, now=too_late)
    assert local(TUESDAY, 11) in starts(world, now=too_late)


def test_move_moves_the_consultation_with_it(world, django_capture_on_commit_callbacks):
    result = book(world, local(TUESDAY, 9), consultation=ARABIC_WORK)
    moved = []

    def receiver(sender, appointment, **kwargs):
        moved.append(appointment)

    signals.booking_moved.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.move_booking(result.appointment, local(TUESDAY, 14), now=NOW)
    finally:
        signals.booking_moved.disconnect(receiver)
    appointment = Appointment.objects.get(pk=result.appointment.pk)
    assert appointment.start == local(TUESDAY, 14)
    consultation = appointment.consultation
    assert consultation.start == appointment.end + timedelta(minutes=5)
    assert consultation.language.code == "ar"
    assert moved
    # The old time is free again, and the manage token still works after the move.
    assert local(TUESDAY, 9) in starts(world)
    assert tokens.appointment_for_token(appointment.code, result.manage_token, now=NOW)


def test_move_to_a_taken_time_changes_nothing(world):
    result = book(world, local(TUESDAY, 9))
    book(world, local(TUESDAY, 14), email="a@example.org")
    book(world, local(TUESDAY, 14), email="b@example.org")
    with pytest.raises(SlotUnavailable):
        services.move_booking(result.appointment, local(TUESDAY, 14), now=NOW)
    assert Appointment.objects.get(pk=result.appointment.pk).start == local(TUESDAY, 9)


def test_move_to_a_time_without_counsellor_keeps_the_booking(world):
    # Only one Persian counsellor, on duty 8–12; a 15:00 slot has no Persian consultation.
    request = services.ConsultationRequest("fa", (), False)
    result = book(world, local(TUESDAY, 9), consultation=request)
    with pytest.raises(ConsultationUnavailable):
        services.move_booking(result.appointment, local(TUESDAY, 15), now=NOW)
    appointment = Appointment.objects.get(pk=result.appointment.pk)
    assert appointment.start == local(TUESDAY, 9)
    # Dropping the consultation makes the move possible.
    services.move_booking(appointment, local(TUESDAY, 15), keep_consultation=False, now=NOW)
    appointment.refresh_from_db()
    assert appointment.start == local(TUESDAY, 15)
    assert appointment.consultation.status == ConsultationBookingStatus.CANCELLED


def test_move_consultation_to_the_other_side_and_cancel_it(world):
    result = book(world, local(TUESDAY, 10), consultation=ARABIC_WORK)
    appointment = result.appointment
    before = appointment.start - timedelta(minutes=35)
    services.move_consultation(appointment, before, now=NOW)
    consultation = ConsultationBooking.objects.get(appointment=appointment)
    assert (consultation.position, consultation.start) == ("before", before)
    with pytest.raises(ConsultationUnavailable):
        services.move_consultation(appointment, before + timedelta(minutes=7), now=NOW)
    services.cancel_consultation(appointment, now=NOW)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.consultation.status == ConsultationBookingStatus.CANCELLED


def test_consultation_around_an_external_appointment(world):
    result = services.add_consultation_to_external(
        world.location,
        local(TUESDAY, 12, 30),
        local(TUESDAY, 12, 50),
        "ZMS-4711",
        services.ConsultationRequest("uk", ("health",), False),
        "Olha",
        "",
        "0151 23456789",
        "uk",
        now=NOW,
    )
    appointment = result.appointment
    assert appointment.is_external and appointment.desk is None
    assert appointment.phone == "+4915123456789"
    assert appointment.consultation.counsellor == world.counsellors["olena"]
    assert appointment.consultation.start == local(TUESDAY, 12, 55)
    # The office calendar never shows it: it exists only because of a consultation.
    assert not Appointment.objects.for_office_calendar().filter(pk=appointment.pk).exists()
    # Cancelling the consultation cancels the whole external booking.
    services.cancel_consultation(appointment, now=NOW)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED


@pytest.mark.parametrize(
    ("start", "error"),
    [
        (local(TUESDAY, 9) - timedelta(days=2), OutsideBookingWindow),  # in the past
        (NOW + timedelta(minutes=30), OutsideBookingWindow),  # today: window starts tomorrow
        (local(TUESDAY, 9) + timedelta(days=70), OutsideBookingWindow),  # too far ahead
        (local(TUESDAY, 9, 7), SlotUnavailable),  # not on the grid
        (local(TUESDAY, 7), SlotUnavailable),  # before opening
        (local(TUESDAY, 12, 10), SlotUnavailable),  # lunch break
    ],
)
def test_bad_times_change_nothing(world, start, error):
    with pytest.raises(error):
        book(world, start)
    assert not Appointment.objects.exists()


def test_closed_day_and_public_holiday(world):
    ClosingDay.objects.create(location=world.location, date=TUESDAY, reason="Staff meeting")
    with pytest.raises(services.DayClosed):
        book(world, local(TUESDAY, 9))
    good_friday = local(TUESDAY.replace(month=4, day=3), 9)
    with pytest.raises(services.DayClosed):
        book(world, good_friday)
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": "", "email": "a@example.org"}, "name"),
        ({"name": "A", "email": "", "phone": ""}, "contact"),
        ({"name": "A", "email": "not-an-address"}, "email"),
        ({"name": "A", "phone": "12"}, "phone"),
        ({"name": "A", "phone": "call me maybe"}, "phone"),
    ],
)
def test_invalid_contact_changes_nothing(world, kwargs, field):
    with pytest.raises(InvalidContact) as error:
        services.book(world.service, local(TUESDAY, 9), now=NOW, **kwargs)
    assert error.value.field == field
    assert not Appointment.objects.exists()


def test_unknown_service_language_and_topic(world):
    world.long_service.bookable_online = False
    world.long_service.save()
    with pytest.raises(UnknownService):
        services.book(world.long_service, local(TUESDAY, 9), name="A", email="a@x.org", now=NOW)
    with pytest.raises(UnknownService):
        services.book(999999, local(TUESDAY, 9), name="A", email="a@x.org", now=NOW)
    with pytest.raises(UnknownLanguage):
        book(world, local(TUESDAY, 9), consultation=services.ConsultationRequest("xx"))
    with pytest.raises(UnknownTopic):
        book(world, local(TUESDAY, 9), consultation=services.ConsultationRequest("ar", ("x",)))
    assert not Appointment.objects.exists()


def test_interpreter_allows_any_counsellor(world):
    # Nobody speaks Tigrinya; with an interpreter any counsellor will do.
    from willkommen.organisations.models import Language

    Language.objects.create(code="ti", english_name="Tigrinya", native_name="ትግርኛ")
    without = services.ConsultationRequest("ti", (), False)
    with pytest.raises(ConsultationUnavailable):
        book(world, local(TUESDAY, 9), consultation=without)
    with_interpreter = services.ConsultationRequest("ti", ("family",), True)
    result = book(world, local(TUESDAY, 9), consultation=with_interpreter)
    consultation = result.appointment.consultation
    assert consultation.interpreter
    assert consultation.counsellor == world.counsellors["dariush"]  # topic match preferred


@override_settings(BOOKING_MAX_OPEN_PER_CONTACT=2)
def test_open_bookings_per_contact_are_limited(world):
    book(world, local(TUESDAY, 9), email="same@example.org")
    book(world, local(TUESDAY, 10), email="SAME@example.org")
    with pytest.raises(TooManyOpenBookings):
        book(world, local(TUESDAY, 11), email="same@example.org")
    assert Appointment.objects.count() == 2


@override_settings(BOOKING_RATE_LIMIT_PER_IP=(3, 3600))
def test_rate_limit_per_ip(world):
    for hour in (9, 10, 11):
        book(world, local(TUESDAY, hour), email=f"{hour}@example.org", client_ip="192.0.2.1")
    with pytest.raises(RateLimited):
        book(world, local(TUESDAY, 14), email="14@example.org", client_ip="192.0.2.1")
    book(world, local(TUESDAY, 14), email="15@example.org", client_ip="192.0.2.2")


@override_settings(BOOKING_RATE_LIMIT_PER_CONTACT=(2, 86400), BOOKING_MAX_OPEN_PER_CONTACT=10)
def test_rate_limit_per_contact(world):
    first = book(world, local(TUESDAY, 9), email="busy@example.org").appointment
    services.cancel_booking(first, now=NOW)
    book(world, local(TUESDAY, 10), email="busy@example.org")
    with pytest.raises(RateLimited):
        book(world, local(TUESDAY, 11), email="busy@example.org")


def test_cancel_twice_and_after_the_appointment_is_refused(world):
    result = book(world, local(TUESDAY, 9))
    services.cancel_booking(result.appointment, now=NOW)
    with pytest.raises(NotChangeable):
        services.cancel_booking(result.appointment, now=NOW)
    other = book(world, local(TUESDAY, 10), email="b@example.org")
    with pytest.raises(NotChangeable):
        services.cancel_booking(other.appointment, now=local(TUESDAY, 11))


def test_manage_token_tampered_foreign_and_expired(world):
    first = book(world, local(TUESDAY, 9), email="a@example.org")
    second = book(world, local(TUESDAY, 10), email="b@example.org")
    code = first.appointment.code
    assert (
        tokens.appointment_for_token(code, first.manage_token, now=NOW).pk == first.appointment.pk
    )
    with pytest.raises(InvalidManageToken):
        tokens.appointment_for_token(code, first.manage_token[:-2] + "xx", now=NOW)
    with pytest.raises(InvalidManageToken):
        tokens.appointment_for_token(code, second.manage_token, now=NOW)
    with pytest.raises(InvalidManageToken):
        tokens.appointment_for_token(code, "", now=NOW)
    forged = signing.dumps({"c": code}, salt="another.salt", compress=True)
    with pytest.raises(InvalidManageToken):
        tokens.appointment_for_token(code, forged, now=NOW)
    with pytest.raises(InvalidManageToken) as error:
        tokens.appointment_for_token(code, first.manage_token, now=local(TUESDAY, 12))
    assert error.value.expired


def test_find_slots_uses_a_handful_of_queries_whatever_the_range(
    world, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        find_slots(world.service, TUESDAY, TUESDAY, language="ar", topics=["work"], now=NOW)
    with django_assert_max_num_queries(12):
        slots = find_slots(
            world.service, TUESDAY, TUESDAY + timedelta(days=55), language="ar", now=NOW
        )
    assert len(slots) > 500
    assert connection.vendor in {"sqlite", "postgresql"}


@pytest.mark.parametrize(
    ("given", "mailbox"),
    [
        ("Layla@Example.org", "layla@example.org"),
        ("layla+1@example.org", "layla@example.org"),
        ("layla+bot-42@example.org", "layla@example.org"),
        ("l.a.y.l.a@gmail.com", "layla@gmail.com"),
        ("Layla+x@GoogleMail.com", "layla@gmail.com"),
        # Elsewhere dots make a different mailbox: not merged.
        ("l.ayla@example.org", "l.ayla@example.org"),
        ("+only@example.org", "+only@example.org"),
    ],
)
def test_email_identity_counts_variants_of_one_mailbox_once(given, mailbox):
    assert services.email_identity(given) == mailbox


@override_settings(BOOKING_MAX_OPEN_PER_CONTACT=2)
def test_variants_of_one_mailbox_share_the_open_bookings_limit(world):
    book(world, local(TUESDAY, 9), email="layla.h@gmail.com")
    book(world, local(TUESDAY, 10), email="laylah+2@gmail.com")
    with pytest.raises(TooManyOpenBookings):
        book(world, local(TUESDAY, 11), email="L.a.y.l.a.h+3@googlemail.com")
    assert Appointment.objects.count() == 2
    # Mail still goes to the address exactly as given.
    assert set(Appointment.objects.values_list("email", flat=True)) == {
        "layla.h@gmail.com",
        "laylah+2@gmail.com",
    }


@override_settings(BOOKING_RATE_LIMIT_PER_CONTACT=(2, 86400), BOOKING_MAX_OPEN_PER_CONTACT=9)
def test_variants_of_one_mailbox_share_the_rate_limit(world):
    book(world, local(TUESDAY, 9), email="layla+1@example.org")
    book(world, local(TUESDAY, 10), email="LAYLA+2@example.org")
    with pytest.raises(RateLimited):
        book(world, local(TUESDAY, 11), email="layla+3@example.org")
