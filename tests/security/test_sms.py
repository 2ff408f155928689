"""The SMS backend against abuse and leaks (willkommen/booking/sms.py): hourly caps per phone
number and for the installation, and a log that shows neither a full number nor a link's
token."""

import pytest
from django.test import override_settings

from willkommen.booking import sms

pytestmark = pytest.mark.django_db

MEMORY = override_settings(SMS_BACKEND="willkommen.booking.sms.MemoryBackend")


@pytest.fixture(autouse=True)
def _empty_outbox():
    sms.MemoryBackend.outbox.clear()
    yield
    sms.MemoryBackend.outbox.clear()


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("+4915123456789", "+49*********89"),
        ("+15551234567", "+1********67"),
        ("+971501234567", "+971*******67"),
        ("015123456789", "**********89"),
    ],
)
def test_phone_numbers_are_masked_to_country_code_and_last_two_digits(number, masked):
    assert sms.mask_phone(number) == masked


def test_the_log_backend_shows_neither_the_number_nor_the_token(caplog):
    caplog.set_level("INFO", logger="willkommen.sms")
    link = "https://example.org/book/manage/ABCDEFGHJK/?token=eyJjIjoiQUJDIn0:1x:sig&lang=de"
    sms.LogBackend().send("+4915123456789", f"Your appointment {link}")
    assert "+4915123456789" not in caplog.text and "eyJjIjoiQUJDIn0" not in caplog.text
    assert "+49*********89" in caplog.text
    assert "/book/manage/ABCDEFGHJK/?token=[hidden]&lang=de" in caplog.text


@MEMORY
@override_settings(SMS_MAX_PER_PHONE_PER_HOUR=2)
def test_sms_per_phone_are_capped(caplog):
    sent = [sms.send_sms("+4915123456789", f"message {n}") for n in range(3)]
    assert sent == [True, True, False]
    assert len(sms.MemoryBackend.outbox) == 2
    assert "+49*********89" in caplog.text and "+4915123456789" not in caplog.text
    # Another number is not affected.
    assert sms.send_sms("+4915123456700", "message") is True


@MEMORY
@override_settings(SMS_MAX_PER_HOUR=3)
def test_sms_of_the_installation_are_capped():
    sent = [sms.send_sms(f"+491512345670{n}", "message") for n in range(5)]
    assert sent == [True, True, True, False, False]
    assert len(sms.MemoryBackend.outbox) == 3


@MEMORY
@override_settings(SMS_MAX_PER_PHONE_PER_HOUR=2, SMS_MAX_PER_HOUR=3, RATELIMIT_ENABLE=False)
def test_control_without_limits_every_sms_goes_out():
    for n in range(5):
        sms.send_sms(f"+491512345670{n % 2}", "message")
    assert len(sms.MemoryBackend.outbox) == 5


@MEMORY
@override_settings(SMS_MAX_PER_PHONE_PER_HOUR=1, BOOKING_MAX_OPEN_PER_CONTACT=9)
def test_a_booking_over_the_cap_stands_without_its_sms(
    booking, django_capture_on_commit_callbacks
):
    """The cap drops the SMS, not the booking: the client still has the confirmation page
    and the manage link."""
    with django_capture_on_commit_callbacks(execute=True):
        first, _token = booking(9, email=None, phone="+4915123456789")
    with django_capture_on_commit_callbacks(execute=True):
        second, _token = booking(10, email=None, phone="+4915123456789")
    assert first.status == second.status == "booked"
    assert [to for to, _text in sms.MemoryBackend.outbox] == ["+4915123456789"]
