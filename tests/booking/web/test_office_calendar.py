"""The clerk's calendar: the day per desk, status changes with stale-state protection, and
not a trace of whether a client booked a consultation."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from willkommen.accounts.models import Role
from willkommen.booking import services
from willkommen.booking.models import Appointment, AppointmentStatus, ConsultationBooking
from willkommen.booking.services import ConsultationRequest

pytestmark = pytest.mark.django_db


def calendar_url(office, name="booking_staff:calendar"):
    return f"{reverse(name)}?date={office.day.isoformat()}&location={office.location.pk}&lang=en"


def book(office, with_consultation, name="Dana Example"):
    consultation = ConsultationRequest("ar", ("forms",), False) if with_consultation else None
    return services.book(
        office.service,
        office.at(9),
        name=name,
        email="dana@example.org",
        consultation=consultation,
        language="ar",
    ).appointment


def clerk_view(client, office, appointment):
    """The page and the CSV export, with what legitimately differs (code, id, CSRF token)
    replaced, and the SQL they ran."""
    with CaptureQueriesContext(connection) as queries:
        html = client.get(calendar_url(office)).content.decode()
        csv = client.get(calendar_url(office, "booking_staff:export")).content.decode()
    texts = []
    for text in (html, csv):
        text = text.replace(appointment.code, "CODE")
        text = re.sub(r"/appointments/\d+/", "/appointments/ID/", text)
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", text)
        texts.append(text)
    return texts, [query["sql"] for query in queries.captured_queries]


def test_clerk_sees_the_same_with_and_without_a_consultation(client, office, staff):
    client.force_login(staff[Role.OFFICE_CLERK])
    first = book(office, with_consultation=True)
    assert ConsultationBooking.objects.filter(appointment=first).exists()
    with_consultation, sql_with = clerk_view(client, office, first)
    # Out of the way (a week later), so the same desk and time can be booked again.
    Appointment.objects.filter(pk=first.pk).update(
        start=first.start + timedelta(days=7), end=first.end + timedelta(days=7)
    )
    second = book(office, with_consultation=False)
    assert not ConsultationBooking.objects.filter(appointment=second).exists()
    without_consultation, sql_without = clerk_view(client, office, second)
    assert "Dana Example" in with_consultation[0] and "Dana Example" in with_consultation[1]
    assert with_consultation == without_consultation
    # Not only the output: the views never even query the consultation table.
    table = ConsultationBooking._meta.db_table
    assert not [sql for sql in sql_with + sql_without if table in sql]


def test_external_appointments_are_not_in_the_office_calendar(client, office, staff):
    client.force_login(staff[Role.OFFICE_CLERK])
    services.add_consultation_to_external(
        office.location,
        office.at(11),
        office.at(11, 30),
        "OTHER-1",
        ConsultationRequest("ar"),
        "Elsewhere Person",
        "else@example.org",
    )
    html = client.get(calendar_url(office)).content.decode()
    assert "Elsewhere Person" not in html and "OTHER-1" not in html


def test_mark_arrived_then_completed(client, office, staff):
    client.force_login(staff[Role.OFFICE_CLERK])
    appointment = book(office, with_consultation=False)
    url = reverse("booking_staff:set_status", kwargs={"appointment_id": appointment.pk})
    base = {"location": office.location.pk, "date": office.day.isoformat()}
    with time_machine.travel(office.at(8, 30), tick=False):  # arrivals: on the day only
        client.force_login(staff[Role.OFFICE_CLERK])  # a new day, a new sign-in
        client.post(url, {**base, "expected_status": "booked", "status": "arrived"})
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ARRIVED
    client.post(url, {**base, "expected_status": "arrived", "status": "completed"})
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.COMPLETED


def test_stale_status_is_refused_with_a_message(client, office, staff):
    client.force_login(staff[Role.OFFICE_CLERK])
    appointment = book(office, with_consultation=False)
    services.cancel_booking(appointment)  # the client cancels while the page is open
    url = reverse("booking_staff:set_status", kwargs={"appointment_id": appointment.pk})
    response = client.post(
        url + "?lang=en",
        {
            "location": office.location.pk,
            "date": office.day.isoformat(),
            "expected_status": "booked",
            "status": "arrived",
        },
        follow=True,
    )
    assert "changed meanwhile" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED


def test_invalid_transition_and_bad_date(client, office, staff):
    client.force_login(staff[Role.OFFICE_CLERK])
    appointment = book(office, with_consultation=False)
    url = reverse("booking_staff:set_status", kwargs={"appointment_id": appointment.pk})
    client.post(
        url,
        {
            "location": office.location.pk,
            "date": office.day.isoformat(),
            "expected_status": "booked",
            "status": "cancelled",
        },
    )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    page = client.get(reverse("booking_staff:calendar") + "?date=31.02.&lang=en")
    assert page.status_code == 200 and "YYYY-MM-DD" in page.content.decode()


def test_other_roles_cannot_open_the_calendar(client, office, staff):
    for role in (Role.COUNSELLOR, Role.COORDINATOR, Role.ORGANISATION_LEAD):
        client.force_login(staff[role])
        assert client.get(calendar_url(office)).status_code == 403
