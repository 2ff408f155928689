"""Both an e-mail address and a mobile number may be given, and each carries what it suits
(``willkommen.booking.channels``): the confirmation with its calendar file by e-mail, the
reminder by SMS, and what must not be missed by both. Issue 18, item 4."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from willkommen.booking import channels, notifications, services, sms
from willkommen.booking.channels import EMAIL, SMS, channels_for
from willkommen.booking.models import Appointment
from willkommen.booking.tasks import send_due_reminders_now

from .conftest import book, hold, manage_link, submit_details

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL_ADDRESS = "amal@example.org"
PHONE = "+4915123456789"


@pytest.fixture(autouse=True)
def sms_in_memory(settings):
    settings.SMS_BACKEND = "willkommen.booking.sms.MemoryBackend"
    sms.MemoryBackend.outbox.clear()
    yield sms.MemoryBackend.outbox
    sms.MemoryBackend.outbox.clear()


def booked(office, *, email=EMAIL_ADDRESS, phone=PHONE, hour=10, strict=False):
    return services.book(
        office.service,
        office.at(hour),
        name="Amal",
        email=email,
        phone=phone,
        language="en",
        strict=strict,
    ).appointment


# The rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("confirmation", (EMAIL,)),
        ("reminder", (SMS,)),
        ("confirm_request", (EMAIL, SMS)),
        ("office_cancelled", (EMAIL, SMS)),
        ("consultation_cancelled", (EMAIL,)),
        ("something_new", (EMAIL, SMS)),
    ],
)
def test_with_both_each_message_goes_where_it_suits(kind, expected):
    assert channels_for(kind, EMAIL_ADDRESS, PHONE) == expected


@pytest.mark.parametrize("kind", sorted(notifications.SUBJECTS))
def test_with_one_contact_everything_goes_there(kind):
    assert channels_for(kind, EMAIL_ADDRESS, "") == (EMAIL,)
    assert channels_for(kind, "", PHONE) == (SMS,)
    assert channels_for(kind, "", "") == ()


def test_every_message_kind_has_a_rule_for_both():
    assert set(notifications.SUBJECTS) <= set(channels.WITH_BOTH)


# The form and the booking --------------------------------------------------------------


def test_the_form_accepts_both(client, office):
    response = book(client, office, office.at(9), email=EMAIL_ADDRESS, phone="0151 23456789")
    code, _token = manage_link(response)
    appointment = Appointment.objects.get(code=code)
    assert appointment.email == EMAIL_ADDRESS and appointment.phone == PHONE


def test_the_form_says_both_are_welcome(client, office):
    hold(client, office, office.at(9))
    html = client.get(reverse("booking:details") + "?lang=en").content.decode()
    assert "a mobile number or both" in html
    assert "only one" not in html


def test_a_bad_number_beside_a_good_address_is_named(client, office):
    hold(client, office, office.at(9))
    response = submit_details(client, email=EMAIL_ADDRESS, phone="12")
    assert response.status_code == 200
    assert "valid mobile number" in response.content.decode()
    assert not Appointment.objects.exists()


def test_the_api_accepts_both(client, office):
    appointment = booked(office)
    assert appointment.email and appointment.phone


def test_both_contacts_count_for_the_open_bookings_limit(office, settings):
    settings.BOOKING_MAX_OPEN_PER_CONTACT = 1
    booked(office, hour=9)
    with pytest.raises(services.TooManyOpenBookings):
        booked(office, email="other@example.org", hour=11)


# What is sent where --------------------------------------------------------------------


def test_confirmation_by_mail_with_calendar_only(office, sms_in_memory):
    booked(office)
    [message] = mail.outbox
    assert message.to == [EMAIL_ADDRESS]
    assert any(name.endswith(".ics") for name, _content, _type in message.attachments)
    assert sms_in_memory == []


def test_reminder_by_sms_only(office, sms_in_memory):
    appointment = booked(office)
    mail.outbox.clear()
    send_due_reminders_now(now=appointment.start - timedelta(days=1))
    assert mail.outbox == []
    [(to, text)] = sms_in_memory
    assert to == PHONE and appointment.code in text


def test_confirm_link_by_both(office, sms_in_memory):
    booked(office, strict=True)
    [message] = mail.outbox
    assert "confirm" in message.subject.lower()
    [(to, _text)] = sms_in_memory
    assert to == PHONE


def test_mail_only_client_gets_the_reminder_by_mail(office, sms_in_memory):
    appointment = booked(office, phone="")
    mail.outbox.clear()
    send_due_reminders_now(now=appointment.start - timedelta(days=1))
    [message] = mail.outbox
    assert "Reminder" in message.subject and sms_in_memory == []


def test_phone_only_client_gets_the_confirmation_by_sms(office, sms_in_memory):
    booked(office, email="")
    assert mail.outbox == []
    [(to, _text)] = sms_in_memory
    assert to == PHONE


# The confirmation page -----------------------------------------------------------------


def test_confirmation_page_says_where_it_was_sent(client, office):
    response = book(client, office, office.at(9), email=EMAIL_ADDRESS, phone=PHONE)
    html = client.get(response["Location"] + "?lang=en").content.decode()
    assert "kern-alert--success" in html and "Your booking is confirmed" in html
    assert "We sent this to" in html and EMAIL_ADDRESS in html
    assert "We will remind you by SMS to" in html
    assert "We sent this by SMS" not in html


def test_confirmation_page_for_a_phone_only_booking(client, office):
    response = book(client, office, office.at(9), email="", phone=PHONE)
    html = client.get(response["Location"] + "?lang=en").content.decode()
    assert "We sent this by SMS to" in html and "We sent this to" not in html


def test_pending_booking_names_both_ways_of_the_link(client, office):
    response = book(
        client, office, office.at(9), email=EMAIL_ADDRESS, phone=PHONE, with_captcha=False
    )
    html = client.get(response["Location"] + "?lang=en").content.decode()
    assert "Almost done" in html
    assert "We sent this to" in html and "We sent this by SMS to" in html


def test_sent_to_is_isolated_in_arabic(client, office):
    response = book(client, office, office.at(9), email=EMAIL_ADDRESS, phone=PHONE)
    html = client.get(response["Location"] + "?lang=ar").content.decode()
    assert f"<bdi>{EMAIL_ADDRESS}</bdi>" in html or f'dir="ltr">{EMAIL_ADDRESS}' in html


def test_now_is_not_needed_for_channels():
    # channels is plain data: no clock, no database.
    assert channels.confirmation_channels(
        Appointment(email=EMAIL_ADDRESS, phone=PHONE, start=timezone.now())
    ) == {"confirmation": (EMAIL,), "confirm_request": (EMAIL, SMS), "reminder": (SMS,)}
