"""The fair release end to end in the services: the pool withheld from first come, requests
confirmed through their link, the draw exactly once, verify_draw, the waiting list, and the
name kept against resale."""

import hashlib
import io
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from willkommen.booking import services as booking
from willkommen.booking.availability import find_slots
from willkommen.booking.models import Appointment, AppointmentStatus
from willkommen.release import draw, outcomes, public, requests
from willkommen.release.errors import (
    AlreadyRequested,
    InvalidChoice,
    InvalidRequestLink,
    LinkAlreadyUsed,
    NameLocked,
    WindowClosed,
)
from willkommen.release.models import (
    DrawRecord,
    Leftover,
    ReleaseRequest,
    ReleaseRound,
    RequestStatus,
)
from willkommen.release.tasks import notify_outcomes
from willkommen.release.verify import public_order
from willkommen.release.waiting import accepts as waiting_accepts

from .conftest import (
    confirm_token_from_mail,
    draw_time,
    drawn_round,
    make_round,
    request_and_confirm,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_pool_is_not_bookable_first_come_until_the_draw(office):
    now = timezone.now()
    assert find_slots(office.service, office.day, office.day, now=now)
    release_round = make_round(office, now=now, leftover=Leftover.BOOKING)
    assert find_slots(office.service, office.day, office.day, now=now) == []
    with pytest.raises(booking.SlotUnavailable):
        booking.book(
            office.service, office.at(9), name="Fast Bot", email="bot@example.org", now=now
        )
    draw.run_draw(release_round.pk, now=draw_time(release_round))
    # What is left goes back to normal booking (the round's setting).
    assert find_slots(office.service, office.day, office.day, now=now)


def test_requests_count_once_confirmed_and_once_per_contact(office):
    now = timezone.now()
    release_round = make_round(office, now=now)
    first = request_and_confirm(release_round, "Amal", "amal.h@gmail.com", now)
    assert first.status == RequestStatus.CONFIRMED
    # A trivial variant of the same mailbox is the same contact.
    with pytest.raises(AlreadyRequested):
        request_and_confirm(release_round, "Amal", "Amal.H+2@gmail.com", now)
    assert ReleaseRequest.objects.filter(status=RequestStatus.CONFIRMED).count() == 1


def test_bad_links_and_closed_windows_change_nothing(office):
    now = timezone.now()
    release_round = make_round(office, now=now)
    request, _status = requests.submit(
        release_round, service_id=office.service.pk, name="Dana", email="dana@example.org", now=now
    )
    token = confirm_token_from_mail(mail.outbox[-1])
    with pytest.raises(InvalidRequestLink):
        requests.confirm(request.number, token[:-2] + "xx", now=now)
    with pytest.raises(WindowClosed):
        requests.confirm(request.number, token, now=release_round.closes_at)
    requests.confirm(request.number, token, now=now)
    with pytest.raises(LinkAlreadyUsed):
        requests.confirm(request.number, token, now=now)
    with pytest.raises(WindowClosed):
        requests.submit(
            release_round,
            service_id=office.service.pk,
            name="Late",
            email="l@example.org",
            now=release_round.closes_at,
        )
    with pytest.raises(InvalidChoice):
        requests.submit(
            release_round,
            service_id=office.service.pk,
            name="Odd",
            email="o@example.org",
            days=["2999-01-01"],
            now=now,
        )
    assert ReleaseRequest.objects.count() == 1


def test_draw_books_winners_once_and_verifies(office):
    now = timezone.now()
    release_round = make_round(office, now=now)
    pool_size = (
        len(find_slots(office.service, office.day, office.day, now=now - timedelta(days=1))) or 24
    )
    for index in range(30):
        request_and_confirm(release_round, f"Person {index}", f"p{index}@example.org", now)
    unconfirmed, _ = requests.submit(
        release_round, service_id=office.service.pk, name="Silent", email="s@example.org", now=now
    )
    mail.outbox.clear()
    outcome = draw.run_draw(release_round.pk, now=draw_time(release_round))
    assert outcome.requests == 30
    assert draw.run_draw(release_round.pk, now=draw_time(release_round)) is None
    appointments = Appointment.objects.filter(status=AppointmentStatus.BOOKED)
    assert appointments.count() == outcome.allocated == min(30, pool_size)
    starts = list(appointments.values_list("desk_id", "start"))
    assert len(starts) == len(set(starts))
    unconfirmed.refresh_from_db()
    assert unconfirmed.status == RequestStatus.LAPSED
    # Everybody was told: the winners by the booking's confirmation, the others not drawn.
    assert len(mail.outbox) == 30
    out = io.StringIO()
    call_command("verify_draw", str(release_round.pk), stdout=out)
    assert "verified" in out.getvalue()


def test_verify_draw_notices_a_changed_seed_or_allocation(office):
    now = timezone.now()
    release_round = drawn_round(office, 3, now=now)
    call_command("verify_draw", str(release_round.pk), stdout=io.StringIO())
    release_round.refresh_from_db()
    published = release_round.seed
    # Another seed than the one whose hash was published.
    ReleaseRound.objects.filter(pk=release_round.pk).update(seed="0" * 64)
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("verify_draw", str(release_round.pk), stdout=io.StringIO())
    # A recorded allocation that the seed does not give.
    data = DrawRecord.objects.get(round=release_round).data
    number, desk, start, end = data["allocations"][0]
    data["allocations"][0] = [number, desk, start + 3600, end + 3600]
    ReleaseRound.objects.filter(pk=release_round.pk).update(seed=published)
    DrawRecord.objects.filter(round=release_round).update(data=data)
    with pytest.raises(CommandError, match="allocation differs"):
        call_command("verify_draw", str(release_round.pk), stdout=io.StringIO())


def test_a_cancelled_slot_goes_to_the_next_in_draw_order(office):
    now = timezone.now()
    release_round = drawn_round(office, 40, now=now)
    winner = ReleaseRequest.objects.filter(status=RequestStatus.ALLOCATED).first()
    next_in_line = (
        ReleaseRequest.objects.filter(status=RequestStatus.NOT_DRAWN)
        .order_by("draw_position")
        .first()
    )
    slot = (winner.appointment.desk_id, winner.appointment.start)
    booking.cancel_booking(winner.appointment, now=draw_time(release_round))
    next_in_line.refresh_from_db()
    assert next_in_line.status == RequestStatus.ALLOCATED
    assert (next_in_line.appointment.desk_id, next_in_line.appointment.start) == slot
    assert next_in_line.appointment.name == next_in_line.name


def next_free_day_after(office, day):
    later = day + timedelta(days=1)
    while not find_slots(office.service, later, later, now=timezone.now()):
        later += timedelta(days=1)
    return later


def drawn_with_waiting_list(office, count=40):
    now = timezone.now()
    release_round = make_round(office, now=now)
    for index in range(count):
        request_and_confirm(release_round, f"Person {index}", f"p{index}@example.org", now)
    draw.run_draw(release_round.pk, now=draw_time(release_round))
    winner = ReleaseRequest.objects.filter(status=RequestStatus.ALLOCATED).first()
    waiting = ReleaseRequest.objects.filter(status=RequestStatus.NOT_DRAWN).order_by(
        "draw_position"
    )
    return release_round, winner, waiting


def test_a_moved_drawn_appointment_leaves_its_slot_to_the_next_in_draw_order(office):
    release_round, winner, waiting = drawn_with_waiting_list(office)
    next_in_line = waiting.first()
    left = (winner.appointment.desk_id, winner.appointment.start)
    elsewhere = next_free_day_after(office, office.day)
    (new_start, *_rest) = [
        slot.start for slot in find_slots(office.service, elsewhere, elsewhere, now=timezone.now())
    ]
    booking.move_booking(winner.appointment, new_start, now=draw_time(release_round))
    winner.refresh_from_db()
    assert winner.appointment.start == new_start and winner.status == RequestStatus.ALLOCATED
    next_in_line.refresh_from_db()
    assert next_in_line.status == RequestStatus.ALLOCATED
    assert (next_in_line.appointment.desk_id, next_in_line.appointment.start) == left
    # Nobody else moved up; the slot never stood free for first come.
    assert (
        waiting.count()
        == ReleaseRequest.objects.filter(
            round=release_round, status=RequestStatus.NOT_DRAWN
        ).count()
    )


def test_a_refused_move_gives_nothing_away(office):
    """Only a slot the appointment really left goes on: a move refused (the new time is
    another winner's) changes nobody's outcome."""
    release_round, winner, waiting = drawn_with_waiting_list(office)
    before = list(waiting.values_list("pk", flat=True))
    other = ReleaseRequest.objects.filter(status=RequestStatus.ALLOCATED).exclude(pk=winner.pk)
    with pytest.raises(booking.BookingError):
        booking.move_booking(
            winner.appointment, other.first().appointment.start, now=draw_time(release_round)
        )
    assert list(waiting.values_list("pk", flat=True)) == before


def test_waiting_list_accepts_by_the_draws_day_part_rule(office):
    """``waiting.accepts`` and the allocation share one rule: local 12:00 splits the day."""
    request = ReleaseRequest(
        number="X", service=office.service, days=[office.day.isoformat()], day_parts=["morning"]
    )
    assert waiting_accepts(request, office.service.pk, office.at(11, 59))
    assert not waiting_accepts(request, office.service.pk, office.at(12, 0))
    assert not waiting_accepts(request, office.service.pk + 1, office.at(9))
    later = office.at(9, day=office.day + timedelta(days=1))
    assert not waiting_accepts(request, office.service.pk, later)


def test_a_drawn_booking_keeps_its_name(office):
    now = timezone.now()
    release_round = make_round(office, now=now)
    request_and_confirm(release_round, "Amal Haddad", "amal@example.org", now)
    draw.run_draw(release_round.pk, now=draw_time(release_round))
    appointment = ReleaseRequest.objects.get().appointment
    appointment.name = "Reseller's Customer"
    with pytest.raises(NameLocked):
        appointment.save()
    assert Appointment.objects.get(pk=appointment.pk).name == "Amal Haddad"


def test_a_weekly_round_sets_up_its_successor_and_weighs_the_unlucky(office):
    now = timezone.now()
    release_round = drawn_round(office, 40, now=now, recurs_weekly=True, weight_for_unlucky=True)
    successor = release_round.next_round
    assert successor.first_day == release_round.first_day + timedelta(days=7)
    assert successor.draw_at == release_round.draw_at + timedelta(days=7)
    assert successor.seed != release_round.seed
    assert list(successor.desks.all()) == [office.desk]
    unlucky = ReleaseRequest.objects.filter(
        round=release_round, status=RequestStatus.NOT_DRAWN
    ).first()
    lucky = ReleaseRequest.objects.filter(
        round=release_round, status=RequestStatus.ALLOCATED
    ).first()
    in_window = successor.opens_at + timedelta(minutes=1)
    again = request_and_confirm(successor, unlucky.name, unlucky.email, in_window)
    winner_again = request_and_confirm(successor, lucky.name, lucky.email, in_window)
    assert (again.weight, winner_again.weight) == (2, 1)


def test_the_published_order_can_be_recomputed_from_the_page(office):
    now = timezone.now()
    release_round = drawn_round(office, 12, now=now)
    release_round.refresh_from_db()
    rows = [line.split(",") for line in public.order_csv(release_round).splitlines()[1:]]
    published = [(number, int(weight)) for _place, number, weight in rows]
    assert [int(place) for place, _number, _weight in rows] == list(range(1, 13))
    assert public_order(release_round.seed, published) == [number for number, _w in published]
    assert hashlib.sha256(release_round.seed.encode()).hexdigest() == release_round.seed_sha256


def test_everybody_is_told_once_even_when_the_timer_runs_again(office):
    now = timezone.now()
    release_round = make_round(office, now=now)
    for index in range(30):
        request_and_confirm(release_round, f"Person {index}", f"p{index}@example.org", now)
    mail.outbox.clear()
    outcomes = draw.run_due_draws(now=draw_time(release_round))
    assert [outcome.round_id for outcome in outcomes] == [release_round.pk]
    told = len(mail.outbox)
    assert told == 30
    assert draw.run_due_draws(now=draw_time(release_round)) == []
    assert notify_outcomes(release_round.pk) == 0
    assert len(mail.outbox) == told
    not_drawn = [
        m for m in mail.outbox if "Not drawn" in m.subject or "nicht" in m.subject.lower()
    ]
    assert not_drawn, [m.subject for m in mail.outbox]


def test_the_timer_draws_a_round_left_behind_by_a_dead_worker(office, monkeypatch):
    now = timezone.now()
    release_round = make_round(office, now=now)
    for index in range(5):
        request_and_confirm(release_round, f"Person {index}", f"p{index}@example.org", now)

    def dies(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(draw, "build_pool", dies)
    with pytest.raises(SystemExit):
        draw.run_draw(release_round.pk, now=draw_time(release_round))
    release_round.refresh_from_db()
    assert release_round.drawn_at is None
    assert not Appointment.objects.exists()
    monkeypatch.undo()
    out = io.StringIO()
    with time_machine.travel(draw_time(release_round), tick=True):
        call_command("run_draws", stdout=out)
    assert "1 round(s) drawn" in out.getvalue()
    assert Appointment.objects.filter(status=AppointmentStatus.BOOKED).count() == 5


def test_outcomes_written_in_chunks_match_the_seeds_order(office, monkeypatch):
    """On PostgreSQL the outcomes go in chunks (``outcomes.CHUNK``): with chunks of 7, every
    one of 40 requests still gets its place and outcome, as ``verify_draw`` recomputes."""
    monkeypatch.setattr(outcomes, "CHUNK", 7)
    now = timezone.now()
    release_round = drawn_round(office, 40, now=now)
    positions = sorted(
        ReleaseRequest.objects.filter(round=release_round).values_list("draw_position", flat=True)
    )
    assert positions == list(range(1, 41))
    out = io.StringIO()
    call_command("verify_draw", str(release_round.pk), stdout=out)
    assert "verified" in out.getvalue()
