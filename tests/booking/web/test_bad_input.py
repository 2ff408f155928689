"""Every bad input of the issue gets a clear message in the client's language and changes
nothing. Translations come from the catalogues; the English source text is asserted with
``?lang=en``, and one German check proves the message follows the client's language."""

from datetime import UTC, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from willkommen.booking.models import Appointment, AppointmentStatus, ConsultationBooking
from willkommen.booking.tokens import make_manage_token

from .conftest import CONSULTATION_ARABIC, book, hold, manage_link, submit_details

pytestmark = pytest.mark.django_db(transaction=True)


def nothing_booked():
    return (
        not Appointment.objects.exclude(status=AppointmentStatus.CANCELLED)
        .exclude(status=AppointmentStatus.EXPIRED)
        .exists()
    )


def service_url(office, query):
    return reverse("booking:service", kwargs={"service_id": office.service.pk}) + query


def test_day_in_the_past(client, office):
    past = office.day - timedelta(days=30)
    html = client.get(service_url(office, f"?lang=en&day={past.isoformat()}")).content.decode()
    assert "in the past or too far ahead" in html
    response = hold(client, office, office.at(9, day=past))
    assert response.status_code == 422
    assert "in the past or too far ahead" in response.content.decode()
    assert nothing_booked()


def test_day_outside_the_window(client, office):
    far = office.day + timedelta(days=120)
    while far.weekday() >= 5:
        far += timedelta(days=1)
    response = hold(client, office, office.at(9, day=far))
    assert response.status_code == 422
    assert "in the past or too far ahead" in response.content.decode()
    assert nothing_booked()


def test_closed_day(client, office):
    saturday = office.day + timedelta(days=(5 - office.day.weekday()) % 7)
    html = client.get(service_url(office, f"?lang=en&day={saturday.isoformat()}")).content.decode()
    assert "closed on this day" in html
    response = hold(client, office, office.at(9, day=saturday))
    assert "closed" in response.content.decode() or "not available" in response.content.decode()
    assert nothing_booked()


def test_malformed_day_and_time(client, office):
    html = client.get(service_url(office, "?lang=en&day=2025-13-45")).content.decode()
    assert "Please choose a day from the list" in html
    url = reverse("booking:choose", kwargs={"service_id": office.service.pk}) + "?lang=en"
    response = client.post(url, {"start": "tomorrow at nine"})
    assert response.status_code == 422 and "Please choose a time" in response.content.decode()
    assert nothing_booked()


def test_unknown_service(client, office):
    assert client.get(reverse("booking:service", kwargs={"service_id": 99999})).status_code == 404
    url = reverse("booking:choose", kwargs={"service_id": 99999})
    assert client.post(url, {"start": office.at(9).isoformat()}).status_code == 404
    assert nothing_booked()


def test_unknown_language(client, office):
    response = hold(client, office, office.at(9), {"consultation": "on", "language": "xx"})
    # An unknown language is not a consultation request at all: refused, not ignored.
    assert Appointment.objects.count() <= 1
    html = client.get(
        service_url(office, f"?lang=en&day={office.day.isoformat()}&consultation=on&language=xx")
    ).content.decode()
    assert "Select a valid choice" in html
    assert not ConsultationBooking.objects.exists()
    assert response.status_code in {302, 422}


@pytest.mark.parametrize(
    ("contact", "message"),
    [
        ({"email": "not-an-address"}, "valid e-mail address"),
        ({"email": "", "phone": "12"}, "valid mobile number"),
        ({"email": ""}, "e-mail address or a mobile number"),
        ({"email": "a@example.org", "phone": "12"}, "valid mobile number"),
        ({"name": ""}, "This field is required"),
    ],
)
def test_bad_contact(client, office, contact, message):
    hold(client, office, office.at(9))
    response = submit_details(client, **contact)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert nothing_booked()
    assert not mail.outbox


def test_privacy_notice_must_be_accepted(client, office):
    hold(client, office, office.at(9))
    response = submit_details(client, privacy="")
    assert response.status_code == 200
    assert nothing_booked()


def test_message_follows_the_clients_language(client, office):
    hold(client, office, office.at(9), lang="de")
    response = submit_details(client, lang="de", email="kaputt")
    assert 'lang="de"' in response.content.decode()
    assert nothing_booked()


def test_tampered_and_foreign_tokens(client, office):
    response = book(client, office, office.at(9))
    code, token = manage_link(response)
    other = book(client, office, office.at(11), email="other@example.org")
    other_code, other_token = manage_link(other)
    stranger = Client()  # a browser that has not opened the real link
    for bad in (token[:-3] + "abc", other_token, ""):
        page = stranger.get(
            reverse("booking:manage", kwargs={"code": code}) + f"?token={bad}&lang=en"
        )
        assert page.status_code == 404
        html = page.content.decode()
        assert "This link is invalid or has expired" in html
        # No data of the booking (the code appears only in the URL the visitor typed).
        assert "Amal" not in html and "Residence permit" not in html and "Am Markt" not in html
    cancel = client.post(reverse("booking:cancel", kwargs={"code": code}), {"token": "x"})
    assert cancel.status_code == 404
    assert Appointment.objects.get(code=code).status == AppointmentStatus.BOOKED


def test_expired_token(client, office):
    response = book(client, office, office.at(9))
    code, _token = manage_link(response)
    appointment = Appointment.objects.get(code=code)
    Appointment.objects.filter(pk=appointment.pk).update(
        start=appointment.start - timedelta(days=30), end=appointment.end - timedelta(days=30)
    )
    token = make_manage_token(appointment)
    page = client.get(reverse("booking:manage", kwargs={"code": code}) + f"?token={token}&lang=en")
    assert page.status_code == 404
    assert "no longer works" in page.content.decode()


def test_slot_taken_meanwhile_shows_the_nearest_alternatives(client, office, django_user_model):
    from django.test import Client

    rival = Client()
    book(rival, office, office.at(9), email="rival@example.org")
    response = hold(client, office, office.at(9))
    assert response.status_code == 409
    html = response.content.decode()
    assert "just been taken" in html
    assert "The nearest free times" in html
    offered = [part.split('"', 1)[0] for part in html.split('name="start" value="')[1:]]
    assert offered, "no alternatives offered"
    taken = office.at(9).astimezone(UTC).isoformat()
    assert taken not in offered
    assert Appointment.objects.count() == 1


def test_time_taken_while_typing_shows_the_nearest_alternatives(client, office):
    from django.test import Client

    assert hold(client, office, office.at(9)).status_code == 302
    assert not Appointment.objects.exists(), "choosing a time holds nothing"
    book(Client(), office, office.at(9), email="rival@example.org")
    response = submit_details(client, email="late@example.org")
    assert response.status_code == 409
    html = response.content.decode()
    assert "just been taken" in html
    assert "The nearest free times" in html
    booked = Appointment.objects.filter(status=AppointmentStatus.BOOKED)
    assert booked.count() == 1 and booked.get().email == "rival@example.org"


def test_cancelling_twice_is_refused_with_a_message(client, office):
    response = book(client, office, office.at(9), CONSULTATION_ARABIC)
    code, token = manage_link(response)
    from urllib.parse import unquote

    url = reverse("booking:cancel", kwargs={"code": code})
    client.post(url, {"token": unquote(token), "part": "all", "confirmed": "1"})
    second = client.post(
        url + "?lang=en", {"token": unquote(token), "part": "all", "confirmed": "1"}, follow=True
    )
    assert "can no longer be changed" in second.content.decode()


def test_alternatives_keep_the_requested_consultation(client, office):
    from django.test import Client

    book(Client(), office, office.at(10), CONSULTATION_ARABIC, email="rival@example.org")
    response = hold(client, office, office.at(10), CONSULTATION_ARABIC)
    assert response.status_code == 409
    html = response.content.decode()
    alternatives = html.split('id="alternatives-heading"', 1)[1].split("</form>", 1)[0]
    assert 'name="consultation" value="on"' in alternatives
    assert 'name="language" value="ar"' in alternatives
    chosen = alternatives.split('name="start" value="', 1)[1].split('"', 1)[0]
    data = {"start": chosen, **CONSULTATION_ARABIC}
    url = reverse("booking:choose", kwargs={"service_id": office.service.pk})
    assert client.post(url, data).status_code == 302
    assert ConsultationBooking.objects.count() == 1, "choosing a time holds nothing"
    submit_details(client, email="second@example.org")
    assert ConsultationBooking.objects.filter(status="booked").count() == 2
