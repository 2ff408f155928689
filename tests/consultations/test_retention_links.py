"""Retention leaves nothing behind that links a person to counselling: the office's
reference of an external booking, the appointment with its consultation booking (and the
fact naming it), the walk-in's office appointment time, a consultation's exact time and its
links to a follow-up or ticket, idempotency records, finished task results and expired
sessions. Each control switches one rule off and shows the link surviving."""

from datetime import date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from willkommen.accounts.models import Role
from willkommen.booking import idempotency as booking_idempotency
from willkommen.booking.models import Appointment, ConsultationBooking, IdempotencyRecord
from willkommen.consultations import retention
from willkommen.consultations.models import Consultation
from willkommen.statistics import facts
from willkommen.statistics.models import AppointmentFact, ConsultationFact
from willkommen.walkins.models import Ticket

from .factories import booked_consultation, caritas_consultation, language, location

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
DAY_ZERO = datetime(2026, 3, 2, 10, 35, tzinfo=BERLIN)
REFERENCE = "ABH-2026-004711"


@pytest.fixture(autouse=True)
def _periods(settings):
    settings.RETENTION_CONTACT_DAYS = 30
    settings.RETENTION_NOTE_DAYS = 183


def run(days, *args):
    out = StringIO()
    with time_machine.travel(DAY_ZERO + timedelta(days=days), tick=False):
        call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def without_rule(monkeypatch, label):
    rules = tuple(rule for rule in retention.RULES if rule.label != label)
    assert len(rules) == len(retention.RULES) - 1
    monkeypatch.setattr(retention, "RULES", rules)


@pytest.fixture
def external(staff):
    """An appointment booked in the office's own system, with its consultation."""
    with time_machine.travel(DAY_ZERO, tick=False):
        booking = booked_consultation(staff, start=DAY_ZERO)
    Appointment.objects.filter(pk=booking.appointment_id).update(external_reference=REFERENCE)
    return booking


def test_the_offices_reference_goes_with_the_contact_data(external):
    run(29)
    assert Appointment.objects.get(pk=external.appointment_id).external_reference == REFERENCE
    run(31)
    appointment = Appointment.objects.get(pk=external.appointment_id)
    assert (appointment.external_reference, appointment.name, appointment.email) == ("", "", "")


def test_control_without_the_rule_the_reference_stays_beside_the_consultation(
    external, monkeypatch
):
    without_rule(monkeypatch, "office appointment contact data")
    run(31)
    appointment = Appointment.objects.get(pk=external.appointment_id)
    assert appointment.external_reference == REFERENCE
    assert ConsultationBooking.objects.filter(appointment=appointment).exists()


def test_past_appointments_go_with_their_consultation_and_the_fact_forgets_them(external, staff):
    with time_machine.travel(DAY_ZERO, tick=False):
        plain = Appointment.objects.create(
            location=location(staff[Role.OFFICE_CLERK].organisation),
            start=DAY_ZERO + timedelta(hours=2),
            end=DAY_ZERO + timedelta(hours=2, minutes=20),
            status="booked",
        )
        record = caritas_consultation(staff, when=DAY_ZERO)
    Consultation.objects.filter(pk=record.pk).update(booking=external)
    for appointment in (external.appointment_id, plain.pk):
        Appointment.objects.filter(pk=appointment).update(status="completed")
        facts.refresh_appointment(appointment)
    fact = AppointmentFact.objects.get(source_id=external.appointment_id)
    assert fact.consultation_status == "booked"
    run(182)
    assert Appointment.objects.filter(pk=external.appointment_id).exists()
    run(184)
    # Every past appointment alike: which one carried a consultation must not show.
    assert not Appointment.objects.filter(pk__in=[external.appointment_id, plain.pk]).exists()
    assert not ConsultationBooking.objects.filter(pk=external.pk).exists()
    assert Consultation.objects.get(pk=record.pk).booking_id is None
    fact.refresh_from_db()
    assert fact.source_id is None and fact.consultation_status == "booked"
    assert AppointmentFact.objects.count() == 2


def test_control_without_the_rule_the_appointment_still_names_its_consultation(
    external, monkeypatch
):
    without_rule(monkeypatch, "past office appointments and their consultation bookings")
    run(400)
    assert ConsultationBooking.objects.get(pk=external.pk).appointment.start is not None


def test_a_consultation_becomes_a_figure_of_its_day(staff):
    with time_machine.travel(DAY_ZERO, tick=False):
        first = caritas_consultation(staff, when=DAY_ZERO)
        ticket = Ticket.objects.create(
            location=first.location,
            service_day=DAY_ZERO.date(),
            sequence=1,
            number="A001",
            language=language(),
            status="done",
            queue_position_key=DAY_ZERO,
            created_at=DAY_ZERO,
        )
        Consultation.objects.filter(pk=first.pk).update(ticket=ticket)
        later = caritas_consultation(staff, when=DAY_ZERO + timedelta(days=7))
        Consultation.objects.filter(pk=later.pk).update(follow_up_of=first)
    facts.refresh_consultation(first.pk)
    before = ConsultationFact.objects.values("day", "duration_minutes", "topic_mask").get(
        source_id=first.pk
    )
    run(184)
    first.refresh_from_db()
    midnight = datetime.combine(date(2026, 3, 2), time(0, 0), tzinfo=BERLIN)
    assert first.started_at == midnight and first.planned_start == midnight
    assert first.created_at == midnight and first.updated_at == midnight
    assert first.duration_minutes == 30 and first.ended_at == midnight + timedelta(minutes=30)
    assert (first.note, first.client_id, first.ticket_id) == ("", None, None)
    assert first.retained_at is not None
    # The later consultation (not yet due) no longer points at the earlier one.
    assert Consultation.objects.get(pk=later.pk).follow_up_of_id is None
    # Recomputing the figures from the reduced row gives the same fact.
    facts.refresh_consultation(first.pk)
    after = ConsultationFact.objects.values("day", "duration_minutes", "topic_mask").get(
        source_id=first.pk
    )
    assert after == before


def test_control_without_the_rule_the_exact_time_and_the_links_stay(staff, monkeypatch):
    with time_machine.travel(DAY_ZERO, tick=False):
        first = caritas_consultation(staff, when=DAY_ZERO)
    without_rule(monkeypatch, "consultation notes and client links")
    run(184)
    first.refresh_from_db()
    assert first.started_at == DAY_ZERO and first.client_id is not None


def walk_in(staff, day, appointment_at):
    return Ticket.objects.create(
        location=location(staff[Role.OFFICE_CLERK].organisation),
        service_day=day,
        sequence=Ticket.objects.count() + 1,
        number=f"A{Ticket.objects.count() + 1:03d}",
        language=language(),
        office_appointment_at=appointment_at,
        queue_position_key=timezone.now(),
        created_at=timezone.now(),
    )


def test_a_walk_ins_office_appointment_time_goes_after_its_day(staff):
    yesterday = walk_in(staff, DAY_ZERO.date(), DAY_ZERO + timedelta(hours=1))
    today = walk_in(staff, DAY_ZERO.date() + timedelta(days=1), DAY_ZERO + timedelta(days=1))
    run(1)
    yesterday.refresh_from_db()
    today.refresh_from_db()
    assert yesterday.office_appointment_at is None
    assert today.office_appointment_at is not None


def test_control_without_the_rule_the_office_appointment_time_stays(staff, monkeypatch):
    ticket = walk_in(staff, DAY_ZERO.date(), DAY_ZERO + timedelta(hours=1))
    without_rule(monkeypatch, "walk-in office appointment times")
    run(400)
    ticket.refresh_from_db()
    assert ticket.office_appointment_at is not None


def idempotency_record(created_at):
    return IdempotencyRecord.objects.create(
        key=f"key-{created_at.timestamp()}",
        scope="203.0.113.7",
        request_hash="0" * 64,
        status_code=201,
        response={"code": "BCDFGHJKMN", "manage_token": "token", "consultation": "fa"},
        created_at=created_at,
    )


def test_idempotency_records_go_after_their_replay_window(db):
    assert retention.IDEMPOTENCY_WINDOW == timedelta(hours=booking_idempotency.IDEMPOTENCY_HOURS)
    now = DAY_ZERO + timedelta(days=1)
    old = idempotency_record(now - timedelta(hours=25))
    fresh = idempotency_record(now - timedelta(hours=23))
    run(1)
    assert not IdempotencyRecord.objects.filter(pk=old.pk).exists()
    assert IdempotencyRecord.objects.filter(pk=fresh.pk).exists()


def test_control_without_the_rule_idempotency_records_stay_for_ever(db, monkeypatch):
    old = idempotency_record(DAY_ZERO)
    without_rule(monkeypatch, "API idempotency records")
    run(400)
    assert IdempotencyRecord.objects.filter(pk=old.pk).exists()


def task_result(status, finished_at):
    return DBTaskResult.objects.create(
        status=status,
        finished_at=finished_at,
        args_kwargs={"args": [41, "confirm-token"], "kwargs": {}},
        task_path="willkommen.booking.tasks.send_confirmation_request",
        backend_name="default",
        run_after=DAY_ZERO,
    )


def test_finished_task_results_go_after_the_contact_retention(db):
    done = task_result("SUCCESSFUL", DAY_ZERO)
    failed = task_result("FAILED", DAY_ZERO)
    recent = task_result("SUCCESSFUL", DAY_ZERO + timedelta(days=20))
    waiting = task_result("READY", None)
    run(31)
    left = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert left == {recent.pk, waiting.pk} and done.pk not in left and failed.pk not in left


def test_control_without_the_rule_task_arguments_stay(db, monkeypatch):
    done = task_result("SUCCESSFUL", DAY_ZERO)
    without_rule(monkeypatch, "finished background task results")
    run(400)
    assert DBTaskResult.objects.filter(pk=done.pk).exists()


def test_expired_sessions_go(db):
    with time_machine.travel(DAY_ZERO, tick=False):
        expired = SessionStore()
        expired["booking_step"] = {"name": "Amina", "language": "fa"}
        expired.create()
    with time_machine.travel(DAY_ZERO + timedelta(days=30), tick=False):
        current = SessionStore()
        current.create()
    run(30)
    assert not Session.objects.filter(session_key=expired.session_key).exists()
    assert Session.objects.filter(session_key=current.session_key).exists()


def test_the_dry_run_lists_every_table_with_its_count_and_changes_nothing(external, staff):
    walk_in(staff, DAY_ZERO.date(), DAY_ZERO)
    idempotency_record(DAY_ZERO)
    task_result("SUCCESSFUL", DAY_ZERO)
    with time_machine.travel(DAY_ZERO, tick=False):
        SessionStore().create()
        caritas_consultation(staff, when=DAY_ZERO)
    output = run(200, "--dry-run")
    for line in (
        "consultations_clientrecord: client contact data: 1",
        "booking_appointment: office appointment contact data: 1",
        "walkins_ticket: walk-in office appointment times: 1",
        "consultations_consultation: consultation notes and client links: 1",
        "booking_appointment: past office appointments and their consultation bookings: 1",
        "consultations_clientrecord: client records: 1",
        "booking_idempotencyrecord: API idempotency records: 1",
        "django_tasks_database_dbtaskresult: finished background task results: 1",
        "django_session: expired sessions: 1",
    ):
        assert line in output, output
    assert len(output.strip().splitlines()) == len(retention.RULES) + 1
    appointment = Appointment.objects.get(pk=external.appointment_id)
    assert appointment.external_reference == REFERENCE
    assert Session.objects.count() == 1 and DBTaskResult.objects.count() == 1


# --- Office systems ----------------------------------------------------------------------


@pytest.fixture
def office_records(staff):
    """What the office-system integration keeps about an appointment a consultation was
    placed around, and an appointment a partner system pushed."""
    from willkommen.officesystems.models import HeldAppointment, OfficeChange, OfficeLink

    place = location(staff[Role.OFFICE_CLERK].organisation)
    with time_machine.travel(DAY_ZERO, tick=False):
        link = OfficeLink.objects.create(
            appointment_id=987654,
            location=place,
            adapter="zms",
            reference="4711",
            sealed_secret="sealed",
            start=DAY_ZERO,
            end=DAY_ZERO + timedelta(minutes=20),
            next_check_at=DAY_ZERO,
        )
        OfficeChange.objects.create(
            link=link,
            appointment_id=987654,
            kind="moved",
            outcome="followed",
            old_start=DAY_ZERO,
            old_end=DAY_ZERO + timedelta(minutes=20),
            detected_at=DAY_ZERO,
        )
        HeldAppointment.objects.create(
            partner_id=1,
            location=place,
            reference=REFERENCE,
            start=DAY_ZERO,
            end=DAY_ZERO + timedelta(minutes=20),
        )
    return link


def test_office_system_links_and_held_appointments_go_after_the_contact_retention(
    office_records,
):
    from willkommen.officesystems.models import HeldAppointment, OfficeChange, OfficeLink

    run(20)
    assert OfficeLink.objects.exists() and HeldAppointment.objects.exists()
    run(31)
    assert not OfficeLink.objects.exists()
    assert not OfficeChange.objects.exists()
    assert not HeldAppointment.objects.exists()


def test_control_without_the_rule_the_office_reference_stays(office_records, monkeypatch):
    from willkommen.officesystems.models import OfficeLink

    without_rule(monkeypatch, "office-system links of past appointments")
    run(31)
    assert OfficeLink.objects.filter(reference="4711").exists()
