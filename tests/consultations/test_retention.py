"""Retention with a frozen clock: what is due goes, the figures stay."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from willkommen.accounts.models import Role
from willkommen.booking.models import Appointment
from willkommen.consultations.models import ClientRecord, Consultation
from willkommen.consultations.tasks import apply_retention_task

from .factories import SECRET_NOTE, booked_consultation, caritas_consultation

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
DAY_ZERO = datetime(2026, 3, 2, 10, 0, tzinfo=BERLIN)


@pytest.fixture
def history(staff, settings):
    settings.RETENTION_CONTACT_DAYS = 30
    settings.RETENTION_NOTE_DAYS = 183
    with time_machine.travel(DAY_ZERO, tick=False):
        consultation = caritas_consultation(staff, when=DAY_ZERO)
        booking = booked_consultation(staff, start=DAY_ZERO + timedelta(hours=1))
    return consultation, booking


def run(*args):
    out = StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def test_nothing_is_due_before_the_periods_end(history):
    consultation, booking = history
    with time_machine.travel(DAY_ZERO + timedelta(days=29), tick=False):
        run()
    consultation.refresh_from_db()
    consultation.client.refresh_from_db()
    assert consultation.client.name == "Amina Testperson"
    assert consultation.note == SECRET_NOTE
    assert Appointment.objects.get(pk=booking.appointment_id).email == "booked@example.org"


def test_dry_run_shows_what_would_go_and_changes_nothing(history):
    consultation, _booking = history
    with time_machine.travel(DAY_ZERO + timedelta(days=200), tick=False):
        output = run("--dry-run")
    assert "Would delete" in output
    assert "client contact data: 1" in output
    assert "consultation notes and client links: 1" in output
    assert "office appointment contact data: 1" in output
    assert "client records: 1" in output
    consultation.refresh_from_db()
    assert consultation.note == SECRET_NOTE and consultation.client.name == "Amina Testperson"


def test_contact_data_goes_after_30_days_notes_after_six_months(history):
    consultation, booking = history
    with time_machine.travel(DAY_ZERO + timedelta(days=31), tick=False):
        output = run()
    assert "client contact data: 1" in output
    consultation.refresh_from_db()
    client = ClientRecord.objects.get(pk=consultation.client_id)
    assert client.name == "" and client.contact == ""
    assert consultation.note == SECRET_NOTE  # the note is not due yet
    appointment = Appointment.objects.get(pk=booking.appointment_id)
    assert (appointment.name, appointment.email, appointment.phone) == ("", "", "")

    with time_machine.travel(DAY_ZERO + timedelta(days=184), tick=False):
        run()
    consultation.refresh_from_db()
    assert consultation.note == "" and consultation.note_deleted_at is not None
    assert consultation.client is None
    assert not ClientRecord.objects.filter(pk=client.pk).exists()
    # The figures survive: the row with its non-personal fields.
    assert Consultation.objects.filter(pk=consultation.pk).exists()
    assert {t.slug for t in consultation.topics.all()} == {"housing", "health"}
    assert consultation.language.code == "ar" and consultation.duration_minutes == 30
    assert consultation.outcome_information and consultation.organisation.short_name == "Caritas"


def test_a_recent_consultation_keeps_its_client(history, staff):
    consultation, _booking = history
    later = DAY_ZERO + timedelta(days=170)
    with time_machine.travel(later, tick=False):
        recent = caritas_consultation(staff, when=later)
    with time_machine.travel(DAY_ZERO + timedelta(days=184), tick=False):
        run()
    recent.refresh_from_db()
    assert recent.note == SECRET_NOTE and recent.client is not None
    assert recent.client.name == "Amina Testperson"


def test_the_daily_task_runs_the_same_rules(history):
    consultation, _booking = history
    with time_machine.travel(DAY_ZERO + timedelta(days=184), tick=False):
        result = apply_retention_task.enqueue()
    assert result.return_value["consultation notes and client links"] == 1
    consultation.refresh_from_db()
    assert consultation.note == ""


def test_the_counsellors_own_data_is_not_touched(history, staff):
    with time_machine.travel(DAY_ZERO + timedelta(days=400), tick=False):
        run()
    counsellor = staff[Role.COUNSELLOR]
    counsellor.refresh_from_db()
    assert counsellor.is_active
