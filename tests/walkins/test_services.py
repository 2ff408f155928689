"""The queue rules: numbering, matching, holds, stale requests, estimated wait, signals."""

from datetime import timedelta

import pytest

from willkommen.walkins import services
from willkommen.walkins.models import Ticket, TicketStatus
from willkommen.walkins.services import WalkInError
from willkommen.walkins.signals import walk_in_consultation_finished, walk_in_consultation_started

from .conftest import DAY, NOW, at

pytestmark = pytest.mark.django_db


def register(area, code="fa", topics=(), appointment=None, now=NOW):
    return services.register_walk_in(
        area.location,
        area.languages[code],
        [area.topics[slug] for slug in topics],
        appointment,
        area.outreach,
        now=now,
    )


def test_ticket_numbers_count_per_location_and_day(area):
    first = register(area)
    second = register(area, "ar", now=NOW + timedelta(minutes=1))
    tomorrow = register(area, now=NOW + timedelta(days=1))
    assert (first.number, second.number, tomorrow.number) == ("A-001", "A-002", "A-001")
    assert first.service_day == DAY
    assert first.status == TicketStatus.WAITING
    assert len(first.public_token) >= 32 and first.public_token != second.public_token


def test_a_ticket_has_no_field_for_personal_data():
    names = {field.name for field in Ticket._meta.get_fields()}
    assert not names & {"name", "first_name", "last_name", "email", "phone", "birth_date"}


def test_call_next_gives_the_oldest_ticket_in_a_language_the_counsellor_speaks(area):
    counsellor = area.make_counsellor("farsi", ["fa"], room=1)
    register(area, "ar", now=at(9, 0))
    older = register(area, "fa", now=at(9, 5))
    register(area, "fa", now=at(9, 10))
    result = services.call_next(counsellor, area.location, now=NOW)
    assert result.ticket.pk == older.pk
    older.refresh_from_db()
    assert older.status == TicketStatus.CALLED
    assert older.called_at == NOW and older.called_by == counsellor
    assert older.room == area.rooms[1]
    assert older.waiting_time == timedelta(minutes=55)


def test_call_next_gives_nothing_when_no_ticket_fits(area):
    counsellor = area.make_counsellor("turkish", ["tr"])
    register(area, "fa")
    result = services.call_next(counsellor, area.location, now=NOW)
    assert result.is_empty
    assert Ticket.objects.get().status == TicketStatus.WAITING


def test_topic_match_comes_first_but_long_waiters_are_not_starved(area):
    counsellor = area.make_counsellor("housing", ["fa"], ["housing"])
    register(area, "fa", ["work"], now=at(9, 50))
    matching = register(area, "fa", ["housing"], now=at(9, 55))
    assert services.call_next(counsellor, area.location, now=NOW).ticket.pk == matching.pk
    # A work ticket waiting 25 minutes now outranks a fresh housing ticket.
    long_waiter = register(area, "fa", ["work"], now=at(9, 35))
    register(area, "fa", ["housing"], now=at(9, 58))
    assert services.call_next(counsellor, area.location, now=NOW).ticket.pk == long_waiter.pk


def test_a_counsellor_off_shift_cannot_call_and_nothing_changes(area):
    off = area.make_counsellor("off", ["fa"], on_shift=False)
    ticket = register(area, "fa")
    with pytest.raises(WalkInError) as error:
        services.call_next(off, area.location, now=NOW)
    assert error.value.code == "not_on_duty"
    with pytest.raises(WalkInError):
        services.call_ticket(ticket, off, now=NOW)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING and ticket.called_at is None


def test_after_the_shift_ends_calling_is_refused(area):
    counsellor = area.make_counsellor("farsi", ["fa"])
    register(area, "fa", now=at(15, 0))
    with pytest.raises(WalkInError):
        services.call_next(counsellor, area.location, now=at(16, 30))


def test_a_ticket_called_twice_from_a_stale_tab_is_refused(area):
    first = area.make_counsellor("first", ["fa"])
    second = area.make_counsellor("second", ["fa"], room=1)
    ticket = register(area, "fa")
    stale_copy = Ticket.objects.get(pk=ticket.pk)
    services.call_ticket(ticket, first, now=NOW)
    with pytest.raises(WalkInError) as error:
        services.call_ticket(stale_copy, second, now=NOW + timedelta(seconds=5))
    assert error.value.code == "stale"
    ticket.refresh_from_db()
    assert ticket.called_by == first and ticket.called_at == NOW and ticket.call_count == 1


def test_full_lifecycle_and_a_finished_ticket_cannot_be_reopened(area):
    counsellor = area.make_counsellor("farsi", ["fa"])
    ticket = register(area, "fa", now=at(9, 30))
    services.call_next(counsellor, area.location, now=NOW)
    services.start_consultation(ticket, counsellor, now=at(10, 2))
    services.finish(ticket, counsellor, now=at(10, 30))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DONE
    assert ticket.consultation_length == timedelta(minutes=28)
    for action in (
        lambda: services.start_consultation(ticket, counsellor, now=at(10, 40)),
        lambda: services.finish(ticket, counsellor, now=at(10, 40)),
        lambda: services.call_ticket(ticket, counsellor, now=at(10, 40)),
        lambda: services.resume(ticket, counsellor, now=at(10, 40)),
        lambda: services.mark_left(ticket, counsellor, now=at(10, 40)),
    ):
        with pytest.raises(WalkInError):
            action()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DONE and ticket.finished_at == at(10, 30)


def test_only_the_calling_counsellor_starts_the_consultation(area):
    first = area.make_counsellor("first", ["fa"])
    other = area.make_counsellor("other", ["fa"], room=1)
    ticket = register(area, "fa")
    services.call_ticket(ticket, first, now=NOW)
    with pytest.raises(WalkInError) as error:
        services.start_consultation(ticket, other, now=NOW)
    assert error.value.code == "not_yours"


def test_the_office_appointment_wins_and_the_place_is_kept(area):
    counsellor = area.make_counsellor("farsi", ["fa"])
    first = register(area, "fa", appointment=at(10, 30), now=at(9, 0))
    second = register(area, "fa", now=at(9, 10))
    # Five minutes before the appointment the ticket goes on hold by itself.
    queue = services.queue_for(area.location, now=at(10, 26))
    assert [t.status for t in queue] == [TicketStatus.ON_HOLD, TicketStatus.WAITING]
    first.refresh_from_db()
    assert first.held_at == at(10, 26)
    assert services.estimated_wait(second, now=at(10, 26)).place == 1
    # Back from the appointment: first in line again, before the later ticket.
    services.resume(first, area.outreach, now=at(10, 50))
    assert services.estimated_wait(first, now=at(10, 50)).place == 1
    assert services.estimated_wait(second, now=at(10, 50)).place == 2
    # It is not put on hold again for the same appointment.
    services.queue_for(area.location, now=at(10, 51))
    first.refresh_from_db()
    assert first.status == TicketStatus.WAITING
    assert services.call_next(counsellor, area.location, now=at(10, 52)).ticket.pk == first.pk


def test_a_held_ticket_is_not_called_by_call_next(area):
    counsellor = area.make_counsellor("farsi", ["fa"])
    register(area, "fa", appointment=at(10, 0), now=at(9, 0))
    assert services.call_next(counsellor, area.location, now=NOW).is_empty


def test_a_long_hold_resumes_by_itself(area):
    ticket = register(area, "fa", appointment=at(10, 0), now=at(9, 0))
    services.apply_holds(area.location, now=at(9, 56))
    held, resumed = services.apply_holds(area.location, now=at(9, 56) + services.AUTO_RESUME_AFTER)
    ticket.refresh_from_db()
    assert (held, resumed) == (0, 1)
    assert ticket.status == TicketStatus.WAITING and ticket.resumed_at is not None


def test_estimated_wait_uses_the_median_for_the_language_and_speakers_on_duty(area):
    area.make_counsellor("farsi1", ["fa"])
    # Without history the default of 30 minutes applies.
    tickets = [register(area, "fa", now=at(9, minute)) for minute in (0, 1, 2)]
    estimate = services.estimated_wait(tickets[2], now=NOW)
    assert (estimate.place, estimate.counsellors, estimate.median_minutes) == (3, 1, 30)
    assert estimate.minutes == 60
    # Finished consultations of the last weeks: median 20 minutes.
    for days, length in [(1, 10), (2, 20), (3, 40)]:
        done = register(area, "fa", now=NOW - timedelta(days=days))
        Ticket.objects.filter(pk=done.pk).update(
            status=TicketStatus.DONE,
            started_at=done.created_at,
            finished_at=done.created_at + timedelta(minutes=length),
        )
    area.make_counsellor("farsi2", ["fa"], room=1)
    estimate = services.estimated_wait(tickets[2], now=NOW)
    assert (estimate.counsellors, estimate.median_minutes, estimate.minutes) == (2, 20, 20)
    assert services.estimated_wait(tickets[0], now=NOW).minutes == 0


def test_no_estimate_without_a_speaker_on_duty(area):
    ticket = register(area, "uk")
    assert services.estimated_wait(ticket, now=NOW).minutes is None


def test_signals_are_sent_after_commit(area, django_capture_on_commit_callbacks):
    counsellor = area.make_counsellor("farsi", ["fa"])
    ticket = register(area, "fa")
    services.call_ticket(ticket, counsellor, now=NOW)
    received = []

    def started(sender, ticket, counsellor, **kwargs):
        received.append(("started", ticket.pk, counsellor.pk))

    def finished(sender, ticket, counsellor, **kwargs):
        received.append(("finished", ticket.pk, counsellor.pk))

    walk_in_consultation_started.connect(started)
    walk_in_consultation_finished.connect(finished)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.start_consultation(ticket, counsellor, now=NOW)
        assert received == []  # nothing before the commit
        for callback in callbacks:
            callback()
        with django_capture_on_commit_callbacks(execute=True):
            services.finish(ticket, counsellor, now=NOW + timedelta(minutes=20))
    finally:
        walk_in_consultation_started.disconnect(started)
        walk_in_consultation_finished.disconnect(finished)
    assert received == [
        ("started", ticket.pk, counsellor.pk),
        ("finished", ticket.pk, counsellor.pk),
    ]


def test_a_due_booked_consultation_comes_before_walk_ins(area):
    from willkommen.booking.models import (
        Appointment,
        AppointmentStatus,
        ConsultationBooking,
        ConsultationBookingStatus,
    )

    counsellor = area.make_counsellor("farsi", ["fa"])
    ticket = register(area, "fa", now=at(9, 0))
    appointment = Appointment.objects.create(
        location=area.location,
        start=at(10, 30),
        end=at(10, 50),
        status=AppointmentStatus.BOOKED,
        is_external=True,
    )
    booking = ConsultationBooking.objects.create(
        appointment=appointment,
        counsellor=counsellor,
        start=at(10, 3),
        end=at(10, 28),
        position="before",
        language=area.languages["fa"],
        status=ConsultationBookingStatus.BOOKED,
    )
    # Ten minutes before the booking, the walk-in is called.
    far = services.call_next(counsellor, area.location, now=at(9, 50))
    assert far.ticket.pk == ticket.pk and far.booking is None
    services.mark_left(ticket, counsellor, now=at(9, 55))
    register(area, "fa", now=at(9, 56))
    # Within five minutes of it (and when overdue) the booking comes first.
    for moment in (at(9, 59), at(10, 10)):
        result = services.call_next(counsellor, area.location, now=moment)
        assert result.booking.pk == booking.pk and result.ticket is None
    assert Ticket.objects.filter(status=TicketStatus.WAITING).count() == 1


def test_walk_ins_can_be_marked_left_and_stale_days_are_closed(area):
    ticket = register(area, "fa", now=at(9, 0))
    services.mark_left(ticket, area.outreach, now=at(9, 30))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.LEFT and ticket.left_at == at(9, 30)
    yesterday = register(area, "ar", now=NOW - timedelta(days=1))
    assert services.close_stale_tickets(now=NOW) == 1
    yesterday.refresh_from_db()
    assert yesterday.status == TicketStatus.LEFT


def test_languages_are_offered_by_recent_usage_then_sort_order(area):
    for _ in range(3):
        register(area, "uk")
    register(area, "tr")
    codes = [language.code for language in services.languages_by_usage(area.location, NOW)]
    assert codes == ["uk", "tr", "fa", "ar"]


def test_a_recalled_ticket_moves_to_the_top_of_the_display(area):
    counsellor = area.make_counsellor("farsi", ["fa"])
    first = register(area, "fa", now=at(9, 0))
    second = register(area, "fa", now=at(9, 1))
    services.call_ticket(first, counsellor, now=at(9, 30))
    services.call_ticket(second, counsellor, now=at(9, 31))
    board = services.recently_called(area.location, now=at(9, 32))
    assert [t.number for t in board] == [second.number, first.number]
    services.recall(first, counsellor, now=at(9, 33))
    board = services.recently_called(area.location, now=at(9, 34))
    assert [t.number for t in board] == [first.number, second.number]
    first.refresh_from_db()
    # The waiting time still counts from the first call.
    assert first.called_at == at(9, 30) and first.call_count == 2
    # Half an hour later the screen is clear again.
    assert services.recently_called(area.location, now=at(10, 10)) == []


def test_figures_for_the_statistics(area):
    from willkommen.walkins.figures import walk_in_figures

    counsellor = area.make_counsellor("farsi", ["fa", "ar"])
    done = register(area, "fa", now=at(9, 0))
    services.call_ticket(done, counsellor, now=at(9, 20))
    services.start_consultation(done, counsellor, now=at(9, 21))
    services.finish(done, counsellor, now=at(9, 51))
    gone = register(area, "ar", now=at(9, 5))
    services.mark_left(gone, area.outreach, now=at(9, 40))
    register(area, "fa", now=at(9, 10))
    figures = walk_in_figures(DAY, DAY, area.location)
    assert (figures.registered, figures.consulted, figures.left_without_consultation) == (3, 1, 1)
    assert figures.median_waiting_minutes == 20.0
    assert figures.median_consultation_minutes == 30.0
    assert figures.by_language == {"fa": 2, "ar": 1}
