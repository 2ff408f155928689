"""Booked consultations without a counsellor: everybody who could hold one was busy when
it was booked (the client was still given the public answer's time, docs/security.md).
They show on the counsellors' day without topics or name, a counsellor who speaks the
language takes one over, and "call next" gives a due one before any walk-in."""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from willkommen.accounts.models import Role
from willkommen.booking import assignment
from willkommen.booking.models import ConsultationBooking
from willkommen.clock import LOCAL_ZONE, local_datetime
from willkommen.consultations.models import AuditEvent
from willkommen.scheduling.models import Shift
from willkommen.walkins import services as walkins

from .factories import booked_consultation, language, login_verified

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"consultations_staff:{name}", args=args)


@pytest.fixture
def waiting(staff):
    """A Persian consultation due in two minutes that has no counsellor — or, late in the
    evening, at 23:00: it must end today within ``on_duty``'s shift (until 23:59), else
    nobody on duty could take it (this failed between 23:28 and midnight)."""
    booking = booked_consultation(staff)
    start = timezone.now() + timedelta(minutes=2)
    if start + timedelta(minutes=30) > local_datetime(timezone.localdate(), time(23, 59)):
        start = local_datetime(timezone.localdate(), time(23, 0))
    ConsultationBooking.objects.filter(pk=booking.pk).update(
        counsellor=None, start=start, end=start + timedelta(minutes=30)
    )
    booking.refresh_from_db()
    return booking


def on_duty(counsellor, location):
    today = timezone.localdate()
    Shift.objects.create(
        counsellor=counsellor,
        location=location,
        weekday=today.weekday(),
        starts=time(0, 0),
        ends=time(23, 59),
    )


def test_the_day_shows_it_without_topics_or_name_and_a_speaker_takes_it_over(
    client, staff, waiting
):
    counsellor = staff[Role.COUNSELLOR]
    counsellor.languages.add(language("fa"))
    login_verified(client, counsellor)
    page = client.get(url("day")).content.decode()
    assert "Booked consultations without a counsellor" in page
    assert url("booking_take_over", waiting.pk) in page
    section = page.split('id="unassigned-heading"', 1)[1].split("</section>", 1)[0]
    assert "Booked Person" not in section and "family" not in section.lower()
    response = client.post(url("booking_take_over", waiting.pk))
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.counsellor == counsellor
    assert AuditEvent.objects.filter(object_type="booking", detail="taken over").exists()
    # Now it is theirs: in their own list, and gone from the unassigned ones.
    page = client.get(url("day")).content.decode()
    assert url("booking_take_over", waiting.pk) not in page
    assert url("booking_start", waiting.pk) in page


def test_a_counsellor_without_the_language_cannot_take_it_over(client, staff, waiting):
    counsellor = staff[Role.COUNSELLOR]
    login_verified(client, counsellor)
    response = client.post(url("booking_take_over", waiting.pk), follow=True)
    assert "You cannot take over this consultation" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.counsellor is None


def test_taking_over_a_consultation_that_has_a_counsellor_is_refused(client, staff):
    booking = booked_consultation(staff)  # the Caritas counsellor has it
    other = staff[Role.ORGANISATION_LEAD]
    other.languages.add(language("fa"))
    with pytest.raises(assignment.TakeOverRefused):
        assignment.take_over(other, booking.pk)
    booking.refresh_from_db()
    assert booking.counsellor == staff[Role.COUNSELLOR]


def test_roles_without_counselling_cannot_take_over(client, staff, waiting):
    for role in (Role.OFFICE_CLERK, Role.COORDINATOR, Role.OUTREACH):
        client.force_login(staff[role])
        assert client.post(url("booking_take_over", waiting.pk)).status_code == 403
    waiting.refresh_from_db()
    assert waiting.counsellor is None


def test_call_next_gives_a_due_unassigned_consultation_before_any_walk_in(staff, waiting):
    counsellor = staff[Role.COUNSELLOR]
    location = waiting.appointment.location
    on_duty(counsellor, location)
    # Without the language it is not theirs to take.
    assert walkins.call_next(counsellor, location).booking is None
    counsellor.languages.add(language("fa"))
    result = walkins.call_next(counsellor, location)
    assert result.claimed and result.booking.pk == waiting.pk
    waiting.refresh_from_db()
    assert waiting.counsellor == counsellor
    # Given once: a second "call next" finds it theirs (their own due booking).
    again = walkins.call_next(counsellor, location)
    assert not again.claimed and again.booking.pk == waiting.pk


def test_assign_waiting_gives_freed_time_and_runs_idempotently(staff, waiting):
    counsellor = staff[Role.COUNSELLOR]
    counsellor.languages.add(language("fa"))
    on_duty(counsellor, waiting.appointment.location)
    day = waiting.start.astimezone(LOCAL_ZONE).date()
    now = waiting.start - timedelta(minutes=1)
    assert assignment.assign_waiting(waiting.appointment.location_id, day, now=now) == 1
    assert assignment.assign_waiting(waiting.appointment.location_id, day, now=now) == 0
    waiting.refresh_from_db()
    assert waiting.counsellor == counsellor
