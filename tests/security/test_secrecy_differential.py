"""The office never learns who sought counselling — also not from what it can watch change.

Two worlds differ only in whether one booking carries a consultation (in a rare language,
Persian with one counsellor; in common ones). Everything the anonymous public and the
office clerk can read — the availability in every language and with an interpreter, the
booking pages, the office calendar and its CSV, the waiting-room display, /metrics — is
recorded in both, after the booking, after a move, and after cancelling only the
consultation. The recordings must be identical (docs/security.md, "Public consultation
answers").

The control test puts back what the public answer used to be — a consultation is offered
only while a counsellor who speaks the language is free — and shows that the recordings
then differ: the test can fail.
"""

import json

import pytest

from willkommen.booking import availability, services
from willkommen.booking.models import ConsultationBooking
from willkommen.booking.services import ConsultationRequest
from willkommen.scheduling import duty
from willkommen.scheduling.duty import DutyIndex, duty_candidates
from willkommen.scheduling.intervals import from_epoch

from .secrecy_worlds import METRICS_TOKEN, build, differences, record, world_state

pytestmark = pytest.mark.django_db

CLIENT = {"name": "Dana Example", "email": "dana@example.org"}


@pytest.fixture
def secrecy_world(organisations, make_staff, settings):
    settings.METRICS_TOKEN = METRICS_TOKEN
    return build(organisations, make_staff)


def run(secrecy_world, language, action, hour=9):
    """Books at ``hour`` (with a consultation in ``language``, or none), does ``action``,
    and returns what the public and the clerk can read then."""
    with world_state():
        world = secrecy_world.world
        consultation = ConsultationRequest(language, ("family",)) if language else None
        result = services.book(
            world.service, secrecy_world.at(hour), consultation=consultation, **CLIENT
        )
        appointment = result.appointment
        assert (language is None) == (consultation_of(appointment) is None)
        if action == "move":
            appointment = services.move_booking(appointment, secrecy_world.at(hour + 1, 20))
        elif action == "cancel consultation" and language:
            services.cancel_consultation(appointment)
        return record(secrecy_world, [(appointment.code, appointment.pk)])


def consultation_of(appointment):
    return ConsultationBooking.objects.filter(appointment=appointment).first()


@pytest.mark.parametrize("action", ["book", "move", "cancel consultation"])
@pytest.mark.parametrize("language", ["fa", "de", "ar"])
def test_public_and_office_see_the_same_with_and_without_a_consultation(
    secrecy_world, language, action
):
    with_consultation = run(secrecy_world, language, action)
    without_consultation = run(secrecy_world, None, action)
    assert with_consultation, "nothing recorded"
    assert not differences(with_consultation, without_consultation)


def test_a_booked_consultation_does_not_even_change_the_answer_for_its_own_counsellor(
    secrecy_world,
):
    """The strongest case: Dariush, the only Persian speaker, is booked for 9:25–9:55.
    Slots whose consultation would fall into that time still offer one in Persian (the
    client of such a booking keeps that time and is served with priority; docs)."""
    with_consultation = run(secrecy_world, "fa", "book")
    consultation_times = [
        slot["consultation"]["start"]
        for slot in _availability(with_consultation, "fa")
        if slot["consultation"]
    ]
    assert any("09:25" in start for start in consultation_times), consultation_times


def _availability(recording, language):
    key = next(
        name for name in recording if name.startswith("api ") and f" {language} false" in name
    )
    return json.loads(recording[key].split("\n", 1)[1])["slots"]


class _TodaysDesign(DutyIndex):
    """What the public answer used to be: a consultation is offered only while a
    counsellor who may hold it is on duty *and not booked* then."""

    def __init__(self, location, first_day, last_day, closed, language, interpreter):
        super().__init__(location, first_day, last_day, closed, language, interpreter)
        self.location = location

    def covers(self, day, start, end):
        if not super().covers(day, start, end):
            return False
        start_at, end_at = from_epoch(start), from_epoch(end)
        candidates = {
            candidate.counsellor_id
            for candidate in duty_candidates(
                self.location,
                start_at,
                end_at,
                language=self.language,
                interpreter=self.interpreter,
            )
        }
        busy = set(
            ConsultationBooking.objects.occupying()
            .filter(counsellor_id__in=candidates, start__lt=end_at, end__gt=start_at)
            .values_list("counsellor_id", flat=True)
        )
        return bool(candidates - busy)


def test_control_todays_design_tells_the_office_who_booked_a_consultation(
    secrecy_world, monkeypatch
):
    # The engine's two places that ask for the public answer.
    monkeypatch.setattr(availability, "DutyIndex", _TodaysDesign)
    monkeypatch.setattr(duty, "DutyIndex", _TodaysDesign)
    with_consultation = run(secrecy_world, "fa", "book")
    without_consultation = run(secrecy_world, None, "book")
    found = differences(with_consultation, without_consultation)
    assert found, "the control should show the old side channel"
    assert any(name.startswith(("api ", "page ")) for name in found), found
