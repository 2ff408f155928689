"""The .ics file, the reminders of the day before, the SMS backend."""

from datetime import time, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar

from willkommen.booking import notifications, services, sms
from willkommen.booking.models import Appointment, AppointmentStatus
from willkommen.booking.services import ConsultationRequest
from willkommen.booking.tasks import due_reminders, send_due_reminders, send_due_reminders_now
from willkommen.clock import LOCAL_ZONE, local_datetime

pytestmark = pytest.mark.django_db


def booked(office, consultation=True, hour=10):
    request = ConsultationRequest("ar", ("forms",)) if consultation else None
    return services.book(
        office.service,
        office.at(hour),
        name="Lina",
        email="lina@example.org",
        consultation=request,
        language="en",
    ).appointment


def events(ics_bytes):
    calendar = Calendar.from_ical(ics_bytes)
    return calendar, {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_ics_has_both_parts_with_stable_uids(office):
    appointment = booked(office)
    calendar, by_uid = events(notifications.build_ics(appointment))
    assert calendar["METHOD"] == "PUBLISH" and calendar["VERSION"] == "2.0"
    assert set(by_uid) == {
        f"{appointment.code}-office@willkommen",
        f"{appointment.code}-consultation@willkommen",
    }
    office_event = by_uid[f"{appointment.code}-office@willkommen"]
    assert office_event.decoded("DTSTART") == appointment.start
    assert office_event.decoded("DTEND") == appointment.end
    assert "Am Markt 1" in str(office_event["LOCATION"])
    assert "Biometric photo" in str(office_event["DESCRIPTION"])
    assert "DTSTAMP" in office_event
    consultation_event = by_uid[f"{appointment.code}-consultation@willkommen"]
    assert consultation_event.decoded("DTSTART") == appointment.consultation.start


def test_ics_without_consultation_has_one_event(office):
    _calendar, by_uid = events(notifications.build_ics(booked(office, consultation=False)))
    assert list(by_uid) == [f"{Appointment.objects.get().code}-office@willkommen"]


def test_ics_sequence_grows_after_a_move_and_cancel_is_announced(office):
    appointment = booked(office)
    _c, first = events(notifications.build_ics(appointment, now=appointment.created_at))
    uid = f"{appointment.code}-office@willkommen"
    assert first[uid]["SEQUENCE"] == 0
    # The same revision sent again (a second download) keeps its number, whenever.
    _c, again = events(notifications.build_ics(appointment, now=timezone.now()))
    assert again[uid]["SEQUENCE"] == 0
    services.move_booking(appointment, office.at(13))
    appointment.refresh_from_db()
    later = timezone.now() + timedelta(seconds=5)
    _c, moved = events(notifications.build_ics(appointment, now=later))
    assert moved[uid]["SEQUENCE"] == 1
    assert moved[uid].decoded("DTSTART") == office.at(13)
    services.cancel_booking(appointment)
    appointment.refresh_from_db()
    calendar, cancelled = events(notifications.build_ics(appointment, now=later + timedelta(1)))
    assert calendar["METHOD"] == "CANCEL"
    assert {str(event["STATUS"]) for event in cancelled.values()} == {"CANCELLED"}
    assert cancelled[uid]["SEQUENCE"] == 2


def tomorrow_at(hour):
    tomorrow = timezone.now().astimezone(LOCAL_ZONE).date() + timedelta(days=1)
    return local_datetime(tomorrow, time(hour))


def make_appointment(office, start, **extra):
    values = {
        "location": office.location,
        "service": office.service,
        "desk": office.desk,
        "start": start,
        "end": start + timedelta(minutes=20),
        "status": AppointmentStatus.BOOKED,
        "name": "Remi",
        "email": "remi@example.org",
        "language": "en",
    }
    values.update(extra)
    return Appointment.objects.create(**values)


def test_reminder_is_sent_exactly_once(office):
    due = make_appointment(office, tomorrow_at(9))
    make_appointment(office, tomorrow_at(9) + timedelta(days=1), email="later@example.org")
    make_appointment(
        office, tomorrow_at(10), email="gone@example.org", status=AppointmentStatus.CANCELLED
    )
    assert send_due_reminders_now() == 1
    assert send_due_reminders_now() == 0
    send_due_reminders.enqueue()
    [message] = mail.outbox
    assert message.to == ["remi@example.org"] and "Reminder" in message.subject
    assert message.attachments[0][0].endswith(".ics")
    due.refresh_from_db()
    assert due.reminder_sent_at is not None


def test_reminder_marked_by_another_worker_is_not_sent_again(office):
    """Each row is re-read (SELECT … FOR UPDATE SKIP LOCKED) and sent only if still due: a
    row another worker has already marked is skipped."""
    appointment = make_appointment(office, tomorrow_at(9))
    Appointment.objects.filter(pk=appointment.pk).update(reminder_sent_at=timezone.now())
    assert not due_reminders(timezone.now()).exists()
    assert send_due_reminders_now() == 0
    assert not mail.outbox


def test_send_reminders_command(office):
    make_appointment(office, tomorrow_at(11))
    call_command("send_reminders")
    call_command("send_reminders")
    assert len(mail.outbox) == 1


def test_sms_reminder_through_the_configured_backend(office, settings):
    settings.SMS_BACKEND = "willkommen.booking.sms.MemoryBackend"
    sms.MemoryBackend.outbox.clear()
    make_appointment(office, tomorrow_at(9), email="", phone="+4915123456789")
    assert send_due_reminders_now() == 1
    [(to, text)] = sms.MemoryBackend.outbox
    assert to == "+4915123456789" and "/book/manage/" in text
    assert not mail.outbox


def test_log_backend_writes_to_the_log(caplog):
    caplog.set_level("INFO", logger="willkommen.sms")
    sms.LogBackend().send("+4915100000012", "Hello")
    assert "SMS to +49*********12: Hello" in caplog.text


def test_email_is_in_the_clients_language(office):
    appointment = make_appointment(office, tomorrow_at(9), language="de")
    notifications.send_booking_message(appointment, "reminder")
    [message] = mail.outbox
    html = message.alternatives[0][0]
    assert 'lang="de"' in html
