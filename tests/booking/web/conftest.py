"""Fixtures and helpers that walk the client's flow with the Django test client."""

import json

import pytest
from django.urls import reverse

from willkommen.booking import captcha, link_session
from willkommen.booking.models import Appointment
from willkommen.clock import LOCAL_ZONE

from .office import build_office


@pytest.fixture
def office(organisations, make_staff):
    return build_office(organisations, make_staff)


CONSULTATION_ARABIC = {"consultation": "on", "language": "ar", "topics": ["forms"]}


def hold(client, office, start, consultation=None, lang="en"):
    data = {"start": start.isoformat(), **(consultation or {})}
    url = reverse("booking:choose", kwargs={"service_id": office.service.pk})
    return client.post(f"{url}?lang={lang}", data)


def details_form_token(client, lang="en"):
    page = client.get(reverse("booking:details") + f"?lang={lang}")
    html = page.content.decode()
    marker = 'name="form_token" value="'
    return html.split(marker, 1)[1].split('"', 1)[0]


def solved_captcha(client):
    """What the ALTCHA widget puts into the form when JavaScript runs."""
    return captcha.solve(client.get("/api/v1/captcha").json())


def submit_details(
    client,
    *,
    name="Amal Haddad",
    email="amal@example.org",
    phone="",
    lang="en",
    with_captcha=True,
    **extra,
):
    """Sends the details form as a browser with JavaScript does (the captcha solved in the
    background); ``with_captcha=False`` as one without."""
    data = {
        "name": name,
        "email": email,
        "phone": phone,
        "privacy": "on",
        "form_token": details_form_token(client, lang),
        **extra,
    }
    if with_captcha and "altcha" not in extra:
        data["altcha"] = solved_captcha(client)
    return client.post(reverse("booking:details") + f"?lang={lang}", data)


def book(client, office, start, consultation=None, lang="en", **details):
    response = hold(client, office, start, consultation, lang)
    assert response.status_code == 302, response.content.decode()[:2000]
    response = submit_details(client, lang=lang, **details)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def manage_link(response):
    """(code, token) from the redirect to the confirmation page: the address names the
    code, the session keeps the token (``willkommen.booking.link_session``)."""
    location = response["Location"]
    code = location.split("/done/", 1)[1].split("/", 1)[0]
    token = link_session.remembered(response.client, code)
    return code, token


def api_booking(client, office, hour, email, name="Bot", headers=None):
    """``POST /api/v1/bookings`` of ``office``'s service at ``hour`` on its day, with a
    freshly solved captcha, as a client without an API key sends it."""
    body = {
        "service": office.service.pk,
        "start": office.at(hour).astimezone(LOCAL_ZONE).isoformat(),
        "name": name,
        "email": email,
        "captcha": captcha.solve(client.get("/api/v1/captcha").json()),
    }
    return client.post(
        "/api/v1/bookings", json.dumps(body), "application/json", headers=headers or {}
    )


def latest_appointment():
    return Appointment.objects.order_by("-pk").first()


def external_form_data(client, office, **fields):
    """A valid "booked elsewhere" form (Omar, Arabic consultation, phone) with a fresh form
    token; ``fields`` replace entries, a value of None leaves the field out."""
    page = client.get(reverse("booking:external") + "?lang=en").content.decode()
    token = page.split('name="form_token" value="', 1)[1].split('"', 1)[0]
    data = {
        "location": office.location.pk,
        "date": office.day.isoformat(),
        "time": "11:00",
        "reference": "ZMS-4711",
        "language": "ar",
        "name": "Omar",
        "phone": "0151 23456789",
        "privacy": "on",
        "form_token": token,
    }
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}
