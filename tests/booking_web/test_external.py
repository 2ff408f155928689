"""A consultation around an office appointment booked in another system (web form)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from willkommen.booking.models import Appointment, ConsultationBooking

pytestmark = pytest.mark.django_db


def form_data(client, office, **overrides):
    page = client.get(reverse("booking:external") + "?lang=en").content.decode()
    token = page.split('name="form_token" value="', 1)[1].split('"', 1)[0]
    data = {
        "location": office.location.pk,
        "date": office.day.isoformat(),
        "time": "09:00",
        "duration": "60",
        "reference": "ZMS-4712",
        "language": "ar",
        "name": "Omar",
        "email": "omar@example.org",
        "privacy": "on",
        "form_token": token,
    }
    data.update(overrides)
    return data


def test_the_given_length_places_the_consultation_after_the_other_appointment(client, office):
    page = client.get(reverse("booking:external") + "?lang=en").content.decode()
    assert "Length of your office appointment" in page
    assert "60 minutes" in page
    response = client.post(reverse("booking:external") + "?lang=en", form_data(client, office))
    assert response.status_code == 302, response.content.decode()[:2000]
    appointment = Appointment.objects.get(is_external=True)
    assert appointment.end - appointment.start == timedelta(minutes=60)
    consultation = appointment.consultation
    if consultation.position == "after":
        assert consultation.start >= appointment.end
    else:
        assert consultation.end <= appointment.start


@pytest.mark.parametrize("duration", ["7", "sixty", "100000"])
def test_an_unknown_length_is_refused_and_changes_nothing(client, office, duration):
    response = client.post(
        reverse("booking:external") + "?lang=en", form_data(client, office, duration=duration)
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Appointment.objects.exists()
    assert not ConsultationBooking.objects.exists()


def test_without_a_length_thirty_minutes_are_assumed(client, office):
    data = form_data(client, office)
    del data["duration"]
    assert client.post(reverse("booking:external") + "?lang=en", data).status_code == 302
    appointment = Appointment.objects.get(is_external=True)
    assert appointment.end - appointment.start == timedelta(minutes=30)
