"""The client's web flow with the Django test client: booking with and without a
consultation, the confirmation page and mail, managing the booking."""

from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from willkommen.booking.availability import find_slots
from willkommen.booking.models import (
    Appointment,
    AppointmentStatus,
    ConsultationBooking,
    ConsultationBookingStatus,
)

from .conftest import (
    CONSULTATION_ARABIC,
    book,
    external_form_data,
    hold,
    manage_link,
    solved_captcha,
    submit_details,
)

# Real commits: the booking signals (and so the e-mails) are sent after commit.
pytestmark = pytest.mark.django_db(transaction=True)


def test_start_page_links_to_booking(client, office):
    html = client.get("/?lang=en").content.decode()
    assert reverse("booking:start") in html
    listing = client.get(reverse("booking:start") + "?lang=en").content.decode()
    assert office.service.name in listing


def test_service_page_shows_documents_days_and_times(client, office):
    url = reverse("booking:service", kwargs={"service_id": office.service.pk})
    html = client.get(f"{url}?lang=en").content.decode()
    assert "Biometric photo" in html
    assert f"day={office.day.isoformat()}" in html
    html = client.get(f"{url}?lang=en&day={office.day.isoformat()}").content.decode()
    assert office.at(9).isoformat().replace("+", "+") in html or "09:00" in html


def test_book_without_consultation(client, office):
    response = book(client, office, office.at(9))
    code, token = manage_link(response)
    appointment = Appointment.objects.get(code=code)
    assert appointment.status == AppointmentStatus.BOOKED
    assert not ConsultationBooking.objects.exists()
    page = client.get(response["Location"] + "?lang=en").content.decode()
    assert code in page and "Am Markt 1" in page and "Entrance B" in page
    assert "Biometric photo" in page and "calendar.ics" in page
    assert reverse("booking:manage", kwargs={"code": code}) in page
    [message] = mail.outbox
    assert message.to == ["amal@example.org"] and code in message.subject
    assert reverse("booking:manage", kwargs={"code": code}) in message.body
    [(filename, content, mimetype)] = message.attachments
    assert filename.endswith(".ics") and mimetype.startswith("text/calendar")
    assert len(Calendar.from_ical(content).walk("VEVENT")) == 1


def test_book_with_consultation_in_arabic(client, office):
    response = book(client, office, office.at(10), CONSULTATION_ARABIC, lang="ar")
    code, _token = manage_link(response)
    appointment = Appointment.objects.get(code=code)
    assert appointment.language == "ar"
    consultation = appointment.consultation
    assert consultation.language.code == "ar"
    assert consultation.counsellor == office.counsellor
    assert list(consultation.topics.values_list("slug", flat=True)) == ["forms"]
    assert consultation.status == ConsultationBookingStatus.BOOKED
    page = client.get(response["Location"] + "?lang=ar").content.decode()
    assert 'lang="ar" dir="rtl"' in page
    [message] = mail.outbox
    events = Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")
    assert {str(event["UID"]).split("-")[1].split("@")[0] for event in events} == {
        "office",
        "consultation",
    }


def test_time_list_with_consultation_shows_only_times_with_a_counsellor(client, office):
    url = reverse("booking:service", kwargs={"service_id": office.service.pk})
    query = f"?lang=en&day={office.day.isoformat()}&consultation=on&language=fa"
    html = client.get(url + query).content.decode()
    assert "No free times on this day" in html  # nobody speaks Persian
    query = f"?lang=en&day={office.day.isoformat()}&consultation=on&language=ar"
    assert "consultation after" in client.get(url + query).content.decode()


def test_double_submit_books_once(client, office):
    hold(client, office, office.at(9))
    token_page = client.get(reverse("booking:details") + "?lang=en").content.decode()
    token = token_page.split('name="form_token" value="', 1)[1].split('"', 1)[0]
    data = {
        "name": "A B",
        "email": "ab@example.org",
        "privacy": "on",
        "form_token": token,
        "altcha": solved_captcha(client),
    }
    first = client.post(reverse("booking:details"), data)
    second = client.post(reverse("booking:details"), data)
    assert first.status_code == 302 and second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Appointment.objects.filter(status=AppointmentStatus.BOOKED).count() == 1
    assert len(mail.outbox) == 1


def test_choosing_a_time_holds_nothing(client, office):
    """A time is taken only by a booking with a name and a contact: clicking times (by a
    person who changes their mind, or a bot) never removes one from anybody's list."""
    assert hold(client, office, office.at(9)).status_code == 302
    assert hold(client, office, office.at(11)).status_code == 302
    assert not Appointment.objects.exists()
    free = {slot.start for slot in find_slots(office.service, office.day, office.day)}
    assert {office.at(9), office.at(11)} <= free
    submit_details(client)
    assert Appointment.objects.occupying().get().start == office.at(11)


def test_manage_cancel_consultation_then_everything_frees_the_slot(client, office):
    response = book(client, office, office.at(10), CONSULTATION_ARABIC)
    code, token = manage_link(response)
    manage_url = reverse("booking:manage", kwargs={"code": code}) + f"?token={token}&lang=en"
    page = client.get(manage_url, follow=True).content.decode()
    assert "Cancel only the consultation" in page
    cancel_url = reverse("booking:cancel", kwargs={"code": code})
    client.post(cancel_url, {"token": unquote(token), "part": "consultation", "confirmed": "1"})
    appointment = Appointment.objects.get(code=code)
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.consultation.status == ConsultationBookingStatus.CANCELLED
    client.post(cancel_url, {"token": unquote(token), "part": "all", "confirmed": "1"})
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    free = {slot.start for slot in find_slots(office.service, office.day, office.day)}
    assert office.at(10) in free
    assert "cancelled" in mail.outbox[-1].subject


def test_move_appointment_with_its_consultation(client, office):
    response = book(client, office, office.at(10), CONSULTATION_ARABIC)
    code, token = manage_link(response)
    move_url = reverse("booking:move", kwargs={"code": code})
    page = client.get(
        f"{move_url}?token={token}&day={office.day.isoformat()}&lang=en", follow=True
    )
    assert page.status_code == 200 and "13:00" in page.content.decode()
    result = client.post(
        move_url,
        {"token": unquote(token), "start": office.at(13).isoformat(), "confirmed": "1"},
    )
    assert result.status_code == 302
    appointment = Appointment.objects.get(code=code)
    assert appointment.start == office.at(13)
    consultation = appointment.consultation
    assert abs(consultation.start - appointment.start) <= timedelta(hours=1)
    assert "moved" in mail.outbox[-1].subject
    assert office.at(10) in {s.start for s in find_slots(office.service, office.day, office.day)}


def test_move_consultation_to_the_other_side(client, office):
    response = book(client, office, office.at(10), CONSULTATION_ARABIC)
    code, token = manage_link(response)
    before = Appointment.objects.get(code=code).consultation
    url = reverse("booking:move_consultation", kwargs={"code": code})
    page = client.get(f"{url}?token={token}&lang=en", follow=True).content.decode()
    assert "before the appointment" in page or "after the appointment" in page
    other = page.split('name="start" value="', 1)[1].split('"', 1)[0]
    answer = client.post(url, {"token": unquote(token), "start": other, "confirmed": "1"})
    assert answer.status_code == 302
    after = ConsultationBooking.objects.get(pk=before.pk)
    assert after.start != before.start


def test_calendar_file_download(client, office):
    response = book(client, office, office.at(10), CONSULTATION_ARABIC)
    code, token = manage_link(response)
    url = reverse("booking:calendar", kwargs={"code": code}) + f"?token={token}"
    download = client.get(url, follow=True)
    assert download["Content-Type"].startswith("text/calendar")
    assert len(Calendar.from_ical(download.content).walk("VEVENT")) == 2


def test_double_opt_in(client, office):
    office.location.schedule.double_opt_in = True
    office.location.schedule.save()
    response = book(client, office, office.at(9))
    code, _token = manage_link(response)
    appointment = Appointment.objects.get(code=code)
    assert appointment.status == AppointmentStatus.PENDING_CONFIRMATION
    [request_mail] = mail.outbox
    assert "confirm" in request_mail.subject.lower()
    link = request_mail.body.split("/book/confirm/", 1)[1].split()[0]
    confirm_path = "/book/confirm/" + link
    page = client.get(confirm_path, follow=True)
    assert page.status_code == 200
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.PENDING_CONFIRMATION  # GET changes nothing
    token = unquote(confirm_path.split("token=", 1)[1].split("&", 1)[0])
    client.post(reverse("booking:confirm", kwargs={"code": code}), {"token": token})
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    assert "booked" in mail.outbox[-1].subject


def test_external_appointment_gets_a_consultation(client, office):
    data = external_form_data(client, office)
    response = client.post(reverse("booking:external") + "?lang=en", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    appointment = Appointment.objects.get(is_external=True)
    assert appointment.external_reference == "ZMS-4711"
    assert appointment.phone == "+4915123456789"
    assert appointment.consultation.language.code == "ar"


def test_sms_goes_to_the_log_backend(client, office, caplog):
    caplog.set_level("INFO", logger="willkommen.sms")
    book(client, office, office.at(9), email="", phone="+49 151 23456789")
    assert any("SMS to +49*********89" in record.getMessage() for record in caplog.records)
    assert not mail.outbox


def test_no_javascript_fallback_needs_the_link_and_has_halved_limits(client, office, settings):
    settings.BOOKING_RATE_LIMIT_PER_CONTACT = (2, 86400)
    # Without a captcha solution the booking counts only once confirmed through the link
    # sent to the contact: no proof of work, so proof of a real contact instead.
    response = book(client, office, office.at(9), email="same@example.org", with_captcha=False)
    code, _token = manage_link(response)
    assert Appointment.objects.get(code=code).status == AppointmentStatus.PENDING_CONFIRMATION
    [request_mail] = mail.outbox
    assert "confirm" in request_mail.subject.lower()
    # And the per-contact limit is halved: the second attempt is refused.
    hold(client, office, office.at(11))
    refused = submit_details(client, email="same@example.org", with_captcha=False)
    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize("with_captcha", [False, True])
def test_no_javascript_fallback_halves_the_limit_per_address(
    client, office, settings, with_captcha
):
    """The per-address limit counts at the booking itself, halved without the captcha's
    proof of work (it used to count only when a time was held, never halved); with the
    captcha (the control) the same two bookings go through."""
    settings.BOOKING_RATE_LIMIT_PER_IP = (2, 3600)
    book(client, office, office.at(9), email="one@example.org", with_captcha=with_captcha)
    hold(client, office, office.at(11))
    second = submit_details(client, email="two@example.org", with_captcha=with_captcha)
    if with_captcha:
        assert second.status_code == 302
        assert Appointment.objects.count() == 2
    else:
        assert second.status_code == 429
        assert Appointment.objects.count() == 1


def test_a_solved_captcha_is_accepted_once(client, office, settings):
    from willkommen.booking import captcha

    settings.BOOKING_CAPTCHA_COST = 1
    solution = captcha.solve(captcha.create_challenge())
    hold(client, office, office.at(9))
    assert submit_details(client, altcha=solution).status_code == 302
    hold(client, office, office.at(11))
    replay = submit_details(client, email="other@example.org", altcha=solution)
    assert "check that you are human failed" in replay.content.decode()
    assert Appointment.objects.filter(status=AppointmentStatus.BOOKED).count() == 1
