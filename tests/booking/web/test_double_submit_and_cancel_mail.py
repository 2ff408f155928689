"""A details form sent twice shows the booking made, not a blank form
(``willkommen.booking.form_submits``); and changing only the consultation tells the client
exactly that, never "your appointment was moved". Issue 18, item 4."""

import threading
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from willkommen.booking import form_submits, services
from willkommen.booking.models import Appointment, AppointmentStatus, ConsultationBookingStatus
from willkommen.booking.services import ConsultationRequest
from willkommen.scheduling.duty import consultation_options

from .conftest import (
    CONSULTATION_ARABIC,
    book,
    details_form_token,
    hold,
    manage_link,
    solved_captcha,
)

pytestmark = pytest.mark.django_db(transaction=True)


def details_data(token):
    return {
        "name": "Amal Haddad",
        "email": "amal@example.org",
        "phone": "",
        "privacy": "on",
        "form_token": token,
    }


def scope(client):
    return form_submits.scope_of(client.session.session_key)


# Double submit -------------------------------------------------------------------------


def test_the_losing_submit_shows_the_booking_made(client, office):
    """The race as the loser sees it: the session still holds the form's token (its copy
    was read before the winner saved), and the winner's booking is recorded."""
    hold(client, office, office.at(9))
    token = details_form_token(client)
    winner = services.book(office.service, office.at(9), name="Amal", email="amal@example.org")
    assert form_submits.claim(scope(client), token)
    form_submits.finish(scope(client), token, winner.appointment.code)
    response = client.post(reverse("booking:details") + "?lang=en", details_data(token))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "booking:done", kwargs={"code": winner.appointment.code}
    )
    page = client.get(response["Location"] + "?lang=en").content.decode()
    assert "already sent this form" in page and winner.appointment.code in page
    assert "Book now" not in page
    assert Appointment.objects.count() == 1


def test_a_submit_still_running_is_waited_for_then_the_form_returns(client, office, monkeypatch):
    hold(client, office, office.at(9))
    token = details_form_token(client)
    assert form_submits.claim(scope(client), token)  # the other request books nothing
    monkeypatch.setattr(form_submits, "WAIT_SECONDS", 0.3)
    response = client.post(reverse("booking:details") + "?lang=en", details_data(token))
    assert response.status_code == 200
    assert "This form was already sent" in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_made_up_token_writes_nothing(client, office):
    hold(client, office, office.at(9))
    details_form_token(client)
    response = client.post(reverse("booking:details") + "?lang=en", details_data("made-up"))
    assert response.status_code == 200
    assert "This form was already sent" in response.content.decode()
    assert not form_submits.IdempotencyRecord.objects.exists()
    assert not Appointment.objects.exists()


def test_the_claim_is_per_session_and_released_after_a_failure(office):
    assert form_submits.claim("form:one", "token")
    assert not form_submits.claim("form:one", "token")
    assert form_submits.claim("form:two", "token")
    form_submits.release("form:one", "token")
    assert form_submits.booking_code("form:one", "token", wait=0) is None
    assert form_submits.claim("form:one", "token")


def test_a_normal_booking_records_its_code_for_a_second_submit(client, office):
    response = book(client, office, office.at(9))
    code, _token = manage_link(response)
    [record] = form_submits.IdempotencyRecord.objects.filter(scope=scope(client))
    assert record.response == {"code": code}
    assert form_submits.booking_code(scope(client), record.key, wait=0) == code


# The right message ---------------------------------------------------------------------


def test_cancelling_only_the_consultation_says_so(client, office):
    response = book(client, office, office.at(10), CONSULTATION_ARABIC)
    code, token = manage_link(response)
    mail.outbox.clear()
    client.post(
        reverse("booking:cancel", kwargs={"code": code}),
        {"token": unquote(token), "part": "consultation", "confirmed": "1"},
    )
    [message] = mail.outbox
    assert "consultation was cancelled" in message.subject
    assert "moved" not in message.subject and "new times" not in message.body
    assert "stays as it is" in message.body


def test_moving_only_the_consultation_does_not_say_the_appointment_moved(office):
    result = services.book(
        office.service,
        office.at(10),
        name="Amal",
        email="amal@example.org",
        consultation=ConsultationRequest("ar", ("forms",)),
        language="en",
    )
    appointment = result.appointment
    current = appointment.consultation.start
    other = next(
        option.start
        for option in consultation_options(
            office.location, appointment.start, appointment.end, language="ar"
        )
        if option.start != current
    )
    mail.outbox.clear()
    services.move_consultation(appointment, other)
    [message] = mail.outbox
    assert "Your consultation was moved" in message.subject
    assert "appointment was moved" not in message.subject
    assert "stays as it is" in message.body


def test_a_move_that_lets_the_consultation_go_says_so(office):
    result = services.book(
        office.service,
        office.at(10),
        name="Amal",
        email="amal@example.org",
        consultation=ConsultationRequest("ar", ("forms",)),
        language="en",
    )
    mail.outbox.clear()
    services.move_booking(result.appointment, office.at(11), keep_consultation=False)
    [message] = mail.outbox
    assert "your consultation was cancelled" in message.subject
    appointment = Appointment.objects.get(pk=result.appointment.pk)
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.consultation.status == ConsultationBookingStatus.CANCELLED


def test_a_plain_move_still_says_moved(office):
    result = services.book(
        office.service, office.at(10), name="Amal", email="amal@example.org", language="en"
    )
    mail.outbox.clear()
    services.move_booking(result.appointment, office.at(11))
    [message] = mail.outbox
    assert "Your appointment was moved" in message.subject


# The real race (PostgreSQL: truly parallel transactions) ------------------------------


def test_two_submits_at_once_book_once_and_both_show_the_booking(client, office):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for truly parallel transactions")
    hold(client, office, office.at(9))
    token = details_form_token(client)
    captchas = [solved_captcha(client), solved_captcha(client)]
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    barrier = threading.Barrier(2)
    responses = [None, None]

    def submit(index):
        twin = Client()
        twin.cookies[settings.SESSION_COOKIE_NAME] = session_cookie
        try:
            barrier.wait(timeout=30)
            responses[index] = twin.post(
                reverse("booking:details") + "?lang=en",
                {**details_data(token), "altcha": captchas[index]},
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    [appointment] = Appointment.objects.all()
    done = reverse("booking:done", kwargs={"code": appointment.code})
    assert [response.status_code for response in responses] == [302, 302]
    assert {response["Location"] for response in responses} == {done}
