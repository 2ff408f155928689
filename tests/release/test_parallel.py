"""The draw runs exactly once, and one contact takes part once per round — also under truly
parallel transactions on PostgreSQL. The control tests remove each guard and show the same
race then allocates twice or counts a contact twice, so the guarded tests can fail."""

import re
from urllib.parse import unquote

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from tests.booking.test_parallel_booking import race, slowed, without_guard  # noqa: F401
from willkommen.booking.models import Appointment, AppointmentStatus
from willkommen.release import draw, requests
from willkommen.release.errors import AlreadyRequested
from willkommen.release.models import ReleaseRequest, RequestStatus

from .conftest import draw_time, make_round

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for truly parallel transactions")


def confirmed_round(office, count):
    now = timezone.now()
    release_round = make_round(office, now=now)
    for index in range(count):
        request, _token = requests.submit(
            release_round,
            service_id=office.service.pk,
            name=f"Person {index}",
            email=f"p{index}@example.org",
            now=now,
        )
        ReleaseRequest.objects.filter(pk=request.pk).update(
            status=RequestStatus.CONFIRMED, confirmed_at=now
        )
    return release_round


def booked():
    return Appointment.objects.filter(status=AppointmentStatus.BOOKED)


def test_two_workers_racing_draw_the_round_once(office, monkeypatch):
    release_round = confirmed_round(office, 12)
    monkeypatch.setattr(draw, "allocate", slowed(draw.allocate))
    results = race(2, lambda _index: draw.run_draw(release_round.pk, now=draw_time(release_round)))
    outcomes = [result for result in results if isinstance(result, draw.DrawOutcome)]
    assert len(outcomes) == 1 and results.count(None) == 1, results
    assert booked().count() == outcomes[0].allocated > 0
    assert (
        ReleaseRequest.objects.filter(appointment__isnull=False).count() == outcomes[0].allocated
    )


def test_control_without_the_draw_guard_two_workers_allocate_twice(
    office,
    monkeypatch,
    without_guard,  # noqa: F811
):
    release_round = confirmed_round(office, 12)
    monkeypatch.setattr(draw, "allocate", slowed(draw.allocate))
    monkeypatch.setitem(draw.draw_guard, "enabled", False)
    results = race(2, lambda _index: draw.run_draw(release_round.pk, now=draw_time(release_round)))
    outcomes = [result for result in results if isinstance(result, draw.DrawOutcome)]
    assert len(outcomes) == 2, results
    assert booked().count() == 2 * outcomes[0].allocated


def unconfirmed_variants(office, release_round, count):
    """``count`` requests of one mailbox, written in trivially different ways, with the
    tokens of their confirmation links."""
    now = timezone.now()
    tokens = []
    for index in range(count):
        mail.outbox.clear()
        request, _status = requests.submit(
            release_round,
            service_id=office.service.pk,
            name="Amal",
            email=f"Amal.Haddad+{index}@gmail.com",
            strict=False,  # with the captcha solved: the contact's daily limit is 6
            now=now,
        )
        token = unquote(re.search(r"confirm/\?token=([^&\s]+)", mail.outbox[-1].body).group(1))
        tokens.append((request.number, token))
    return tokens


def test_parallel_confirmations_of_one_contact_count_once(office, monkeypatch):
    release_round = make_round(office, now=timezone.now(), weight_for_unlucky=True)
    tokens = unconfirmed_variants(office, release_round, 5)
    monkeypatch.setattr(requests, "previous_not_drawn", slowed(requests.previous_not_drawn))
    results = race(len(tokens), lambda index: requests.confirm(*tokens[index]))
    assert sum(isinstance(result, ReleaseRequest) for result in results) == 1, results
    assert sum(isinstance(result, AlreadyRequested) for result in results) == len(tokens) - 1
    assert ReleaseRequest.objects.filter(status=RequestStatus.CONFIRMED).count() == 1


@pytest.fixture
def without_confirmation_guard(monkeypatch):
    constraint = next(
        c for c in ReleaseRequest._meta.constraints if c.name == "release_one_request_per_contact"
    )
    with connection.schema_editor() as editor:
        editor.remove_constraint(ReleaseRequest, constraint)
    monkeypatch.setitem(requests.confirmation_guard, "enabled", False)
    yield
    ReleaseRequest.objects.all().delete()
    with connection.schema_editor() as editor:
        editor.add_constraint(ReleaseRequest, constraint)


def test_control_without_the_guard_one_contact_takes_part_twice(
    office, monkeypatch, without_confirmation_guard
):
    release_round = make_round(office, now=timezone.now(), weight_for_unlucky=True)
    tokens = unconfirmed_variants(office, release_round, 5)
    monkeypatch.setattr(requests, "previous_not_drawn", slowed(requests.previous_not_drawn))
    race(len(tokens), lambda index: requests.confirm(*tokens[index]))
    assert ReleaseRequest.objects.filter(status=RequestStatus.CONFIRMED).count() > 1
