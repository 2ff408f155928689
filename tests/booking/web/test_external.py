"""A consultation around an office appointment booked in another system (web form)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from willkommen.booking.models import Appointment, ConsultationBooking

from .conftest import external_form_data

pytestmark = pytest.mark.django_db


def form_data(client, office, **overrides):
    """The shared valid form, at 9:00 for 60 minutes and with an e-mail instead of a phone."""
    fields = {
        "time": "09:00",
        "duration": "60",
        "reference": "ZMS-4712",
        "phone": None,
        "email": "omar@example.org",
    }
    return external_form_data(client, office, **{**fields, **overrides})


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
