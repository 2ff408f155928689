"""Private-link tokens leave the address after their first use
(``willkommen/booking/link_session.py``): the e-mail's ``/book/manage/<code>/?token=…``
moves the token into the session and redirects to the clean address, from which the
whole visit works: pages, forms, the ``.ics`` file, moving and cancelling. Old links and a
fresh browser keep working; a browser without the token gets nothing.

The access-log side (gunicorn and nginx hide ``token=`` values) is in
``tests/ops/test_access_log.py``.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.booking.web.conftest import CONSULTATION_ARABIC, book, manage_link
from willkommen.booking import link_session, notifications
from willkommen.booking.models import Appointment, AppointmentStatus, ConsultationBookingStatus
from willkommen.booking.tokens import make_confirm_token, make_manage_token

pytestmark = pytest.mark.django_db

ADDRESS_ATTRIBUTE = re.compile(r'(?:href|src|action)="([^"]*)"')


def addresses_with_token(html: str) -> list[str]:
    return [url for url in ADDRESS_ATTRIBUTE.findall(html) if "token=" in url]


def fresh_browser():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def manage_address(code):
    return reverse("booking:manage", kwargs={"code": code})


def test_the_e_mail_link_redirects_to_the_clean_address_and_the_page_has_no_token(client, office):
    code, _token = manage_link(book(client, office, office.at(10), CONSULTATION_ARABIC))
    # The link as the e-mail and the SMS carry it.
    link = urlsplit(notifications.manage_url(Appointment.objects.get(code=code)))
    assert "token=" in link.query
    browser = fresh_browser()
    first = browser.get(f"{link.path}?{link.query}")
    assert first.status_code == 302
    location = urlsplit(first["Location"])
    assert location.path == manage_address(code) and "token" not in location.query
    assert "lang=" in location.query  # the other parameters stay
    cookie = first.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    page = browser.get(first["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert code in html and "Cancel only the consultation" in html
    assert addresses_with_token(html) == []


def test_the_whole_visit_works_from_the_clean_address(client, office):
    code, token = manage_link(book(client, office, office.at(10), CONSULTATION_ARABIC))
    browser = fresh_browser()
    browser.get(f"{manage_address(code)}?token={token}&lang=en")
    move = reverse("booking:move", kwargs={"code": code})
    assert "13:00" in browser.get(f"{move}?day={office.day.isoformat()}").content.decode()
    calendar = browser.get(reverse("booking:calendar", kwargs={"code": code}))
    assert calendar.status_code == 200 and calendar["Content-Type"].startswith("text/calendar")
    other_side = browser.get(reverse("booking:move_consultation", kwargs={"code": code}))
    assert other_side.status_code == 200
    # Forms work without the token in the form, too (the session has it).
    moved = browser.post(move, {"start": office.at(13).isoformat(), "confirmed": "1"})
    assert moved.status_code == 302 and "token" not in moved["Location"]
    assert Appointment.objects.get(code=code).start == office.at(13)
    cancel = reverse("booking:cancel", kwargs={"code": code})
    assert browser.post(cancel, {"part": "consultation", "confirmed": "1"}).status_code == 302
    appointment = Appointment.objects.get(code=code)
    assert appointment.consultation.status == ConsultationBookingStatus.CANCELLED
    assert browser.post(cancel, {"part": "all", "confirmed": "1"}).status_code == 302
    assert Appointment.objects.get(code=code).status == AppointmentStatus.CANCELLED


def test_booking_lands_on_a_clean_confirmation_page(client, office):
    response = book(client, office, office.at(9))
    assert "token" not in response["Location"]
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    # The one address with the token is the private link offered for keeping.
    [kept] = addresses_with_token(html)
    assert 'class="kern-body private-link"><a class="kern-link" href="' + kept in html


def test_an_old_link_of_an_existing_booking_works_in_a_fresh_browser(client, office):
    code, _token = manage_link(book(client, office, office.at(9)))
    old_link = make_manage_token(Appointment.objects.get(code=code))
    browser = fresh_browser()
    page = browser.get(f"{manage_address(code)}?token={old_link}", follow=True)
    assert page.status_code == 200 and code in page.content.decode()
    assert page.redirect_chain == [(manage_address(code), 302)]


def test_the_confirm_link_moves_too_and_confirms_from_the_clean_address(client, office):
    office.location.schedule.double_opt_in = True
    office.location.schedule.save()
    code, _token = manage_link(book(client, office, office.at(9)))
    appointment = Appointment.objects.get(code=code)
    browser = fresh_browser()
    confirm = reverse("booking:confirm", kwargs={"code": code})
    first = browser.get(f"{confirm}?token={make_confirm_token(appointment)}")
    assert first.status_code == 302 and first["Location"] == confirm
    assert browser.get(confirm).status_code == 200
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.PENDING_CONFIRMATION  # GET changes nothing
    done = browser.post(confirm)
    assert done.status_code == 302 and "token" not in done["Location"]
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    assert browser.get(done["Location"]).status_code == 200


def test_a_browser_without_the_token_gets_nothing(client, office):
    code, token = manage_link(book(client, office, office.at(9)))
    stranger = fresh_browser()
    page = stranger.get(manage_address(code))
    assert page.status_code == 404 and "Layla" not in page.content.decode()
    assert stranger.post(reverse("booking:cancel", kwargs={"code": code})).status_code == 404
    # A wrong token in the address is refused even where the session knows the right one.
    owner = fresh_browser()
    owner.get(f"{manage_address(code)}?token={token}")
    assert owner.get(f"{manage_address(code)}?token={token[:-2]}xx").status_code == 404
    assert owner.get(manage_address(code)).status_code == 200


def test_control_without_the_move_the_visit_stays_on_the_token_address(
    client, office, monkeypatch
):
    """Control: with the move switched off, the page answers on the address with the
    token, and its links carry the token on (every one of them a log line with it)."""
    code, token = manage_link(book(client, office, office.at(9)))
    monkeypatch.setattr(link_session, "token_in_address", lambda request: False)
    page = fresh_browser().get(f"{manage_address(code)}?token={token}")
    assert page.status_code == 200
    assert page.wsgi_request.get_full_path().count("token=") == 1
