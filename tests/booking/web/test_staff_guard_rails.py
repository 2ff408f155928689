"""Issue 18, item 3: guard rails for staff and clients.

* Arrival statuses (arrived, no-show) only on the appointment's day or up to
  ``OFFICE_ARRIVAL_DAYS_BACK`` days after it – in the service, on the page and in the API.
* A no-show asks first, and frees the consultation booked with the appointment in the
  background, as a cancellation does; the clerk's answers are identical with and without
  a consultation (differential test).
* The client's cancel and move ask before anything irreversible, without JavaScript; the
  safe choice is the primary button.
"""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from willkommen.accounts.models import Role
from willkommen.booking import office_calendar, services
from willkommen.booking.models import (
    Appointment,
    AppointmentStatus,
    ConsultationBooking,
    ConsultationBookingStatus,
)
from willkommen.booking.services import ConsultationRequest

# Real commits: the no-show's background task is queued after the commit.
pytestmark = pytest.mark.django_db(transaction=True)

QUEUED = override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})


def book(office, with_consultation=True, hour=9):
    consultation = ConsultationRequest("ar", ("forms",), False) if with_consultation else None
    return services.book(
        office.service,
        office.at(hour),
        name="Dana Example",
        email="dana@example.org",
        consultation=consultation,
        language="ar",
    )


def status_url(appointment):
    return reverse("booking_staff:set_status", kwargs={"appointment_id": appointment.pk})


def record(client, office, appointment, status, confirmed=True, day=None, follow=True):
    data = {
        "location": office.location.pk,
        "date": (day or office.day).isoformat(),
        "expected_status": appointment.status,
        "status": status,
    }
    if confirmed:
        data["confirmed"] = "1"
    return client.post(status_url(appointment) + "?lang=en", data, follow=follow)


def on(moment, client, clerk):
    """The clock at ``moment``, the clerk signed in anew (a session does not last days)."""
    travel = time_machine.travel(moment, tick=False)
    travel.start()
    client.force_login(clerk)
    return travel


def calendar_page(client, office):
    url = reverse("booking_staff:calendar")
    query = f"?date={office.day.isoformat()}&location={office.location.pk}&lang=en"
    return client.get(url + query).content.decode()


# Arrival window -------------------------------------------------------------------------


def test_the_service_refuses_arrival_statuses_ahead_of_the_day(office):
    appointment = book(office, with_consultation=False).appointment
    for status in (AppointmentStatus.ARRIVED, AppointmentStatus.NO_SHOW):
        with pytest.raises(office_calendar.TransitionNotAllowed) as refused:
            office_calendar.set_status(
                appointment.pk,
                expected_status="booked",
                new_status=status,
                location=office.location,
            )
        assert refused.value.code == "outside_arrival_window"
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_the_page_offers_no_arrival_ahead_and_refuses_a_forged_post(client, office, staff):
    client.force_login(staff[Role.OFFICE_CLERK])
    appointment = book(office).appointment
    html = calendar_page(client, office)
    assert "Mark as no-show" not in html and "Mark as arrived" not in html
    assert "can only be recorded on the day of the appointment" in html
    answer = record(client, office, appointment, AppointmentStatus.NO_SHOW)
    assert "can only be recorded on the day of the appointment" in answer.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    consultation = ConsultationBooking.objects.get(appointment=appointment)
    assert consultation.status == ConsultationBookingStatus.BOOKED


@override_settings(OFFICE_ARRIVAL_DAYS_BACK=2)
def test_today_and_a_few_days_back_are_allowed_not_more(client, office, staff):
    clerk = staff[Role.OFFICE_CLERK]
    first = book(office, with_consultation=False).appointment
    second = book(office, with_consultation=False, hour=10).appointment
    travel = on(office.at(8), client, clerk)
    try:
        assert "Mark as arrived" in calendar_page(client, office)
    finally:
        travel.stop()
    travel = on(office.at(12) + timedelta(days=2), client, clerk)
    try:
        record(client, office, first, AppointmentStatus.ARRIVED)
    finally:
        travel.stop()
    travel = on(office.at(12) + timedelta(days=3), client, clerk)
    try:
        record(client, office, second, AppointmentStatus.ARRIVED)
    finally:
        travel.stop()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == AppointmentStatus.ARRIVED
    assert second.status == AppointmentStatus.BOOKED


def test_the_api_keeps_the_same_window(client, office, staff):
    clerk = staff[Role.OFFICE_CLERK]
    client.force_login(clerk)
    appointment = book(office, with_consultation=False).appointment
    url = f"/api/v1/office-calendar/appointments/{appointment.pk}/status"
    body = json.dumps({"status": "no_show", "expected_status": "booked"})
    ahead = client.post(url, body, "application/json")
    assert ahead.status_code == 422 and ahead.json()["code"] == "outside_arrival_window"
    travel = on(office.at(9, 30), client, clerk)
    try:
        arrived = client.post(
            url, json.dumps({"status": "arrived", "expected_status": "booked"}), "application/json"
        )
    finally:
        travel.stop()
    assert arrived.status_code == 200 and arrived.json()["status"] == "arrived"
    client.logout()
    assert client.post(url, body, "application/json").status_code == 401


# No-show ----------------------------------------------------------------------------------


def test_a_no_show_asks_first_and_going_back_is_the_primary_button(client, office, staff):
    appointment = book(office).appointment
    travel = on(office.at(9, 30), client, staff[Role.OFFICE_CLERK])
    try:
        question = record(client, office, appointment, AppointmentStatus.NO_SHOW, confirmed=False)
    finally:
        travel.stop()
    html = question.content.decode()
    assert question.status_code == 200 and "Record a no-show?" in html
    primary = re.search(r'<a class="kern-btn kern-btn--primary" href="([^"]+)"', html)
    assert primary and "/staff/" in primary.group(1)
    assert re.search(r'kern-btn--secondary btn-danger"><span class="kern-label">Yes', html)
    assert 'name="confirmed" value="1"' in html
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_a_confirmed_no_show_frees_the_consultation_like_a_cancellation(client, office, staff):
    appointment = book(office).appointment
    consultation = ConsultationBooking.objects.get(appointment=appointment)
    travel = on(office.at(8, 5), client, staff[Role.OFFICE_CLERK])
    try:
        record(client, office, appointment, AppointmentStatus.NO_SHOW)
    finally:
        travel.stop()
    appointment.refresh_from_db()
    consultation.refresh_from_db()
    assert appointment.status == AppointmentStatus.NO_SHOW
    assert consultation.status == ConsultationBookingStatus.CANCELLED
    assert consultation.cancelled_at is not None
    # Idempotent: a second run (a worker restarted) frees nothing more.
    assert services.release_consultation_after_no_show(appointment.pk) is False


def test_a_consultation_already_over_stays_for_the_counsellor(office):
    appointment = book(office).appointment
    consultation = ConsultationBooking.objects.get(appointment=appointment)
    Appointment.objects.filter(pk=appointment.pk).update(status=AppointmentStatus.NO_SHOW)
    with time_machine.travel(consultation.end + timedelta(minutes=1), tick=False):
        assert services.release_consultation_after_no_show(appointment.pk) is False
    consultation.refresh_from_db()
    assert consultation.status == ConsultationBookingStatus.BOOKED


@QUEUED
def test_the_clerk_sees_the_same_with_and_without_a_consultation(client, office, staff):
    """Differential: the question, the answer and the calendar after a no-show are the same
    bytes whether or not a consultation came with the appointment, and the clerk's
    requests never read the consultation table (the release runs in the worker)."""
    clerk = staff[Role.OFFICE_CLERK]

    def world(with_consultation, weeks_later):
        appointment = book(office, with_consultation).appointment
        assert ConsultationBooking.objects.filter(appointment=appointment).exists() is (
            with_consultation
        )
        travel = on(office.at(8, 5), client, clerk)
        try:
            with CaptureQueriesContext(connection) as queries:
                question = record(
                    client, office, appointment, AppointmentStatus.NO_SHOW, confirmed=False
                )
                done = record(client, office, appointment, AppointmentStatus.NO_SHOW)
                page = calendar_page(client, office)
        finally:
            travel.stop()
        texts = []
        for response in (question.content.decode(), done.content.decode(), page):
            text = response.replace(appointment.code, "CODE")
            text = re.sub(r"/appointments/\d+/", "/appointments/ID/", text)
            text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", text)
            texts.append(text)
        statuses = (question.status_code, done.status_code, done.redirect_chain)
        # Out of the way (weeks later), so the same desk and time can be booked again.
        away = timedelta(days=7 * weeks_later)
        Appointment.objects.filter(pk=appointment.pk).update(
            start=appointment.start + away, end=appointment.end + away
        )
        return texts, statuses, [query["sql"] for query in queries.captured_queries]

    with_texts, with_statuses, with_sql = world(True, 1)
    without_texts, without_statuses, without_sql = world(False, 2)
    assert "Dana Example" in with_texts[0] and "No-show" in with_texts[2]
    assert with_statuses == without_statuses
    assert with_texts == without_texts
    table = ConsultationBooking._meta.db_table
    assert not [sql for sql in with_sql + without_sql if table in sql]


# The client's cancel and move ----------------------------------------------------------------


def test_cancelling_asks_first_and_keeping_is_the_primary_button(client, office):
    result = book(office)
    appointment, token = result.appointment, result.manage_token
    mail.outbox.clear()
    manage = client.get(
        reverse("booking:manage", kwargs={"code": appointment.code}) + f"?token={token}&lang=en",
        follow=True,
    ).content.decode()
    assert "kern-btn--primary\"><span class=\"kern-label\">Cancel" not in manage
    url = reverse("booking:cancel", kwargs={"code": appointment.code}) + "?lang=en"
    question = client.post(url, {"token": token, "part": "all"})
    html = question.content.decode()
    assert question.status_code == 200
    assert "Cancel the appointment and the consultation?" in html
    keep = r'kern-btn--primary" href="/book/manage/[^"]+"><span class="kern-label">No, keep'
    assert re.search(keep, html)
    assert 'btn-danger"><span class="kern-label">Yes, cancel' in html
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED and mail.outbox == []
    client.post(url, {"token": token, "part": "all", "confirmed": "1"})
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED


def test_moving_asks_first_and_names_the_new_time(client, office):
    result = book(office)
    appointment, token = result.appointment, result.manage_token
    url = reverse("booking:move", kwargs={"code": appointment.code}) + "?lang=en"
    new_start = office.at(13)
    question = client.post(url, {"token": token, "start": new_start.isoformat()})
    html = question.content.decode()
    assert question.status_code == 200 and "Move the appointment to this time?" in html
    assert "13:00" in html and "No, keep the current time" in html
    appointment.refresh_from_db()
    assert appointment.start == office.at(9)
    moved = client.post(url, {"token": token, "start": new_start.isoformat(), "confirmed": "1"})
    assert moved.status_code == 302
    appointment.refresh_from_db()
    assert appointment.start == new_start


@override_settings(BOOKING_RATE_LIMIT_CHANGES=(2, 3600))
def test_the_question_counts_no_change_but_is_refused_once_none_is_left(client, office):
    result = book(office)
    appointment, token = result.appointment, result.manage_token
    url = reverse("booking:cancel", kwargs={"code": appointment.code}) + "?lang=en"
    data = {"token": token, "part": "consultation"}
    assert {client.post(url, data).status_code for _ in range(5)} == {200}  # only asking
    client.post(url, {**data, "confirmed": "1"})  # one change …
    move = reverse("booking:move", kwargs={"code": appointment.code}) + "?lang=en"
    client.post(move, {"token": token})  # … and a second attempt use up the limit
    refused = client.post(url, {"token": token, "part": "all"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
