"""Keeping in step: the periodic task asks ZMS again about every office appointment that
carries a consultation. A move moves the consultation (or cancels it and tells the client
the alternatives), a cancellation cancels it and tells the client, every change shows in
the counsellor's day — and an outage never cancels anything."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from tests.consultations.factories import login_verified
from willkommen.booking import services
from willkommen.booking.models import AppointmentStatus, ConsultationBookingStatus
from willkommen.officesystems import sync
from willkommen.officesystems.base import OfficeSystemError
from willkommen.officesystems.models import ChangeKind, ChangeOutcome, OfficeChange, OfficeLink
from willkommen.officesystems.tasks import sync_office_appointments

from .conftest import PERSIAN, PROCESS_ID, book_through_zms

pytestmark = pytest.mark.django_db


def due_now():
    """Makes every link due (as if the sync interval had passed)."""
    OfficeLink.objects.update(next_check_at=timezone.now() - timedelta(seconds=1))


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """One sync run with every link due; the messages it queues are sent (the tasks run
    after the commit, which the test's transaction otherwise never reaches)."""

    def run_once():
        due_now()
        with django_capture_on_commit_callbacks(execute=True):
            return sync.run()

    return run_once


def refreshed(result):
    appointment = result.appointment
    appointment.refresh_from_db()
    consultation = appointment.consultation
    consultation.refresh_from_db()
    return appointment, consultation


def test_an_unchanged_appointment_changes_nothing(zms_office, zms, run):
    result = book_through_zms(zms_office, zms)
    mail.outbox.clear()
    report = run()
    assert (report.checked, report.unchanged, report.failed) == (1, 1, 0)
    appointment, consultation = refreshed(result)
    assert consultation.status == ConsultationBookingStatus.BOOKED
    assert not mail.outbox and not OfficeChange.objects.exists()


def test_a_moved_appointment_moves_the_consultation_and_tells_the_client(
    client, zms_office, zms, run
):
    result = book_through_zms(zms_office, zms, hour=10)
    counsellor = result.consultation.counsellor
    mail.outbox.clear()
    zms.processes[PROCESS_ID].start = zms_office.at(14)
    report = run()
    assert report.moved == 1
    appointment, consultation = refreshed(result)
    assert (appointment.start, appointment.end) == (zms_office.at(14), zms_office.at(14, 20))
    offered = services.offered_consultation_or_none(
        zms_office.location,
        appointment.start,
        appointment.end,
        services.consultation_request_of(consultation),
    )
    assert (consultation.start, consultation.status) == (offered.start, "booked")
    assert [message.to for message in mail.outbox] == [["dana@example.org"]]
    assert "moved your appointment" in mail.outbox[0].subject
    change = OfficeChange.objects.get()
    assert (change.kind, change.outcome) == (ChangeKind.MOVED, ChangeOutcome.CONSULTATION_MOVED)
    assert change.old_start == zms_office.at(10) and change.new_start == zms_office.at(14)
    # The counsellor who holds it now sees it in their day.
    holder = consultation.counsellor or counsellor
    login_verified(client, holder)
    day = client.get(reverse("consultations_staff:day") + "?lang=en").content.decode()
    assert "Changes from the office&#x27;s appointment system" in day or "office" in day
    assert "moved by the office" in day and "consultation moved with it" in day


def test_a_move_without_a_consultation_offered_cancels_it_and_tells_the_alternatives(
    zms_office, zms, run
):
    """Dariush alone speaks Persian, until 12:00: around 14:00 no Persian consultation is
    offered. With an interpreter one is — that is the alternative the client is told."""
    result = book_through_zms(zms_office, zms, hour=10, request=PERSIAN)
    mail.outbox.clear()
    zms.processes[PROCESS_ID].start = zms_office.at(14)
    run()
    appointment, consultation = refreshed(result)
    assert appointment.status == AppointmentStatus.CANCELLED
    assert consultation.status == ConsultationBookingStatus.CANCELLED
    (message,) = mail.outbox
    assert "consultation was cancelled" in message.subject
    assert "with an interpreter" in message.body
    assert reverse("booking:office_appointment") in message.body
    assert f"reference={PROCESS_ID}" in message.body and "42a3" not in message.body
    change = OfficeChange.objects.get()
    assert change.outcome == ChangeOutcome.NO_CONSULTATION_OFFERED
    link = OfficeLink.objects.get()
    assert not link.is_active and link.sealed_secret == ""


@pytest.mark.parametrize("how", ["gone", "deleted"])
def test_a_cancelled_appointment_cancels_the_consultation_and_tells_the_client(
    zms_office, zms, how, run
):
    result = book_through_zms(zms_office, zms)
    mail.outbox.clear()
    if how == "gone":
        zms.processes[PROCESS_ID].gone = True  # 404 appointmentNotFound
    else:
        zms.processes[PROCESS_ID].status = "deleted"
    report = run()
    assert report.cancelled == 1
    appointment, consultation = refreshed(result)
    assert appointment.status == AppointmentStatus.CANCELLED
    assert consultation.status == ConsultationBookingStatus.CANCELLED
    (message,) = mail.outbox
    assert "cancelled your appointment" in message.subject
    change = OfficeChange.objects.get()
    assert (change.kind, change.outcome) == (
        ChangeKind.CANCELLED,
        ChangeOutcome.CONSULTATION_CANCELLED,
    )
    # Nothing is asked again.
    asked = len(zms.requests)
    run()
    assert len(zms.requests) == asked


OUTAGES = ["503", "500", "429", "hang", "malformed", "html404", "redirect", "unknown_status"]


@pytest.mark.parametrize("mode", OUTAGES)
def test_an_outage_never_cancels_and_is_retried_with_backoff(zms_office, zms, settings, mode, run):
    settings.OFFICE_SYSTEMS = {
        str(zms_office.location.pk): {
            "adapter": "zms",
            "base_url": zms.url,
            "timeout_seconds": 0.3,
        }  # fmt: skip
    }
    result = book_through_zms(zms_office, zms)
    mail.outbox.clear()
    zms.mode, zms.hang_seconds = mode, 1
    waits = []
    for _attempt in range(3):
        before = timezone.now()
        report = run()
        assert report.failed == 1 and report.cancelled == 0
        waits.append(OfficeLink.objects.get().next_check_at - before)
    assert waits[0] < waits[1] < waits[2]  # 2, 4, 8 minutes
    assert waits[2] <= timedelta(minutes=9)
    appointment, consultation = refreshed(result)
    assert appointment.status == AppointmentStatus.BOOKED
    assert consultation.status == ConsultationBookingStatus.BOOKED
    assert not mail.outbox and not OfficeChange.objects.exists()
    link = OfficeLink.objects.get()
    assert link.is_active and link.failures == 3 and link.sealed_secret
    # Back again: the next run follows a move that happened meanwhile.
    zms.mode = None
    zms.processes[PROCESS_ID].start = zms_office.at(14)
    assert run().moved == 1
    assert OfficeLink.objects.get().failures == 0


def test_control_taking_errors_for_answers_would_cancel_during_an_outage(
    zms_office, zms, monkeypatch, run
):
    """What the guard prevents: if every failure counted as "not found", a 503 would
    cancel the client's consultation."""
    real_ask = sync._ask

    def careless_ask(link):
        try:
            return real_ask(link)
        except OfficeSystemError:
            return None

    monkeypatch.setattr(sync, "_ask", careless_ask)
    result = book_through_zms(zms_office, zms)
    zms.mode = "503"
    run()
    _appointment, consultation = refreshed(result)
    assert consultation.status == ConsultationBookingStatus.CANCELLED


def test_an_unreachable_system_is_not_hammered_within_one_run(zms_office, zms, run):
    for number in range(3):
        book_through_zms(
            zms_office,
            zms,
            hour=9 + number,
            process_id=PROCESS_ID + number,
            email=f"client{number}@example.org",
        )
    asked = len(zms.requests)
    zms.mode = "503"
    report = run()
    assert report.failed == 3
    assert len(zms.requests) == asked + 1  # the first failed; the others wait


def test_a_consultation_the_client_cancelled_is_no_longer_asked_about(zms_office, zms, run):
    result = book_through_zms(zms_office, zms)
    services.cancel_consultation(result.appointment)
    asked = len(zms.requests)
    report = run()
    assert report.released == 1 and len(zms.requests) == asked
    link = OfficeLink.objects.get()
    assert not link.is_active and link.sealed_secret == ""


def test_only_the_next_days_are_checked(zms_office, zms, settings, run):
    settings.OFFICE_SYSTEMS_SYNC_DAYS = 1
    book_through_zms(zms_office, zms)
    OfficeLink.objects.update(
        start=timezone.now() + timedelta(days=3), end=timezone.now() + timedelta(days=3, hours=1)
    )
    asked = len(zms.requests)
    assert run().checked == 0 and len(zms.requests) == asked


def test_the_periodic_task_and_the_command_run_the_sync(zms_office, zms):
    book_through_zms(zms_office, zms)
    due_now()
    result = sync_office_appointments.enqueue()
    assert result.return_value["checked"] == 1
    due_now()
    out = StringIO()
    call_command("sync_office_systems", stdout=out)
    assert "1 checked" in out.getvalue()


def test_the_client_is_told_in_their_language(zms_office, zms, run):
    book_through_zms(zms_office, zms, language="ar")
    mail.outbox.clear()
    zms.processes[PROCESS_ID].gone = True
    run()
    (message,) = mail.outbox
    with translation.override("ar"):
        subject = translation.gettext("The office cancelled your appointment: %(code)s")
    assert subject != "The office cancelled your appointment: %(code)s"
    assert message.subject.startswith(subject.split("%")[0].strip())
    assert 'dir="rtl"' in message.alternatives[0][0]


def test_a_move_reaches_the_client_within_one_sync_period(
    zms_office, zms, django_capture_on_commit_callbacks
):
    """Booked now, the appointment is asked about again one period later — also by a
    timer run that starts half a minute early."""
    book_through_zms(zms_office, zms)
    mail.outbox.clear()
    zms.processes[PROCESS_ID].start = zms_office.at(14)
    early = timezone.now() + sync.interval() - timedelta(seconds=30)
    with (
        time_machine.travel(early, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert sync.run().moved == 1
    assert len(mail.outbox) == 1
