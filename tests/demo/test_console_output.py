"""The demo's outbox is the console: e-mails and SMS readable as the client reads them,
with whole manage links (willkommen/console_backends.py)."""

import io
import logging
import re
from datetime import datetime
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from willkommen.booking import tasks
from willkommen.booking.errors import InvalidManageToken
from willkommen.booking.models import Appointment
from willkommen.booking.tokens import appointment_for_token
from willkommen.console_backends import EmailBackend, QuietTaskProgress

pytestmark = pytest.mark.django_db

CONSOLE_EMAIL = "willkommen.console_backends.EmailBackend"
CONSOLE_SMS = "willkommen.console_backends.SmsBackend"
PUBLIC_URL = "http://127.0.0.1:8123"


@pytest.fixture
def demo(settings):
    """The demo on a Wednesday morning, so that its clients' links are still valid (they
    expire an hour after the appointment), whatever the clock of the test run."""
    morning = datetime(2027, 5, 12, 7, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    with time_machine.travel(morning, tick=True):
        call_command("seed_demo", "--quiet", "--no-activity", stdout=io.StringIO())
        settings.WILLKOMMEN_PUBLIC_URL = PUBLIC_URL
        yield


def manage_links(text, appointment):
    """The manage links of ``appointment`` in ``text`` that open it (whole, with a valid
    token, on the demo's port)."""
    pattern = re.escape(f"{PUBLIC_URL}/book/manage/{appointment.code}/?token=") + r"([^&\s]+)"
    opened = []
    for token in re.findall(pattern, text):
        try:
            opened.append(appointment_for_token(appointment.code, unquote(token)))
        except InvalidManageToken:
            continue
    return opened


def confirmation_of(name):
    appointment = Appointment.objects.get(name=name)
    tasks.send_booking_confirmation.enqueue(appointment.pk)
    return appointment


def test_an_arabic_booking_mail_is_printed_as_the_client_reads_it(demo, settings, capsys):
    confirmation_of("Amina Haddad")  # the locmem backend of the tests keeps the message
    sent = mail.outbox[-1]
    settings.EMAIL_BACKEND = CONSOLE_EMAIL
    appointment = confirmation_of("Amina Haddad")
    printed = capsys.readouterr().out
    assert "To:      amina.haddad@example.org" in printed
    assert f"Subject: {sent.subject}" in printed
    for line in sent.body.splitlines():
        assert "token=" in line or line in printed  # a token is signed anew for each mail
    assert manage_links(printed, appointment)
    assert f"booking-{appointment.code}.ics" in printed
    assert "<html" not in printed and "BEGIN:VCALENDAR" not in printed


def test_control_djangos_console_backend_prints_the_raw_message(demo, settings, capsys):
    """The subject as an encoded word, the text followed by the HTML part and the calendar
    file's source."""
    confirmation_of("Amina Haddad")
    sent = mail.outbox[-1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    confirmation_of("Amina Haddad")
    printed = capsys.readouterr().out
    assert sent.subject not in printed
    assert "Subject: =?utf-8?" in printed
    assert "<html" in printed and "BEGIN:VCALENDAR" in printed


def test_an_sms_is_printed_with_the_number_and_the_link(demo, settings, capsys):
    settings.SMS_BACKEND = CONSOLE_SMS
    appointment = confirmation_of("Olena Kovalenko")
    printed = capsys.readouterr().out
    assert "SMS to +4915100000001" in printed
    assert manage_links(printed, appointment)


def test_control_the_log_backend_hides_number_and_token(demo, settings, caplog):
    settings.SMS_BACKEND = "willkommen.booking.sms.LogBackend"
    with caplog.at_level(logging.INFO, logger="willkommen.sms"):
        appointment = confirmation_of("Olena Kovalenko")
    logged = caplog.text
    assert "SMS to" in logged
    assert "+4915100000001" not in logged
    assert not manage_links(logged, appointment)


def test_a_console_without_unicode_gets_escapes_not_a_crash():
    class AsciiConsole(io.StringIO):
        encoding = "ascii"

        def write(self, text):
            text.encode("ascii")  # raises like a real ASCII console
            return super().write(text)

    console = AsciiConsole()
    message = mail.EmailMessage("Termin bestätigt", "مرحبا", "a@example.org", ["b@example.org"])
    assert EmailBackend(stream=console).send_messages([message]) == 1
    assert "Termin best\\xe4tigt" in console.getvalue()


def test_the_demo_console_drops_task_progress_but_not_failures():
    quiet = QuietTaskProgress()

    def record(name, level):
        return logging.LogRecord(name, level, __file__, 1, "Task id=1 state=RUNNING", (), None)

    assert not quiet.filter(record("django_tasks", logging.INFO))
    assert not quiet.filter(record("django_tasks_db", logging.INFO))
    assert quiet.filter(record("django_tasks", logging.ERROR))
    assert quiet.filter(record("willkommen.sms", logging.INFO))
