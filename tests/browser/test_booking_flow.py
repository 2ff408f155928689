"""The issue's "Done when": a person books an office appointment with a consultation in
Arabic on a phone-sized browser, gets the e-mail with a valid .ics, moves the booking,
cancels it, and the time is free again. Once with JavaScript (the ALTCHA widget solves the
captcha in the background) and once without (the accessible fallback)."""

from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from icalendar import Calendar

from tests.booking.web.office import build_office
from willkommen.booking.models import Appointment, AppointmentStatus

from .conftest import PHONE, axe_violations
from .flows import click_and_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def office(organisations, make_staff, settings):
    cache.clear()
    settings.BOOKING_CAPTCHA_COST = 1  # the widget solves it at once in tests
    return build_office(organisations, make_staff)


WITHOUT_JAVASCRIPT = set()


def assert_accessible(page):
    """axe runs inside the page, so it needs JavaScript; the no-JavaScript run shows the
    same pages, which the JavaScript run has checked."""
    if id(page) not in WITHOUT_JAVASCRIPT:
        assert axe_violations(page) == [], page.url


def fits_the_phone(page):
    if id(page) in WITHOUT_JAVASCRIPT:
        return True
    return (
        page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        <= 0
    )


def choose_time_with_arabic_consultation(page):
    page.goto("/book/?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert_accessible(page)
    click_and_load(page, page.locator(".choice-list__item").first)
    click_and_load(page, page.locator(".month-grid__day").first)
    assert_accessible(page)
    page.locator("#id_consultation").check()
    page.locator("#id_language").select_option("ar")
    page.locator("input[name=topics][value=forms]").check()
    click_and_load(
        page, page.locator("section[aria-labelledby=consultation-heading] button[type=submit]")
    )
    # Each time says when the consultation is.
    assert page.locator(".slot__extra").count() > 0
    assert_accessible(page)
    assert fits_the_phone(page)
    click_and_load(page, page.locator(".slot-list button.slot").first)


def fill_in_details(page, email):
    page.locator("#id_name").fill("أمل حداد")
    page.locator("#id_email").fill(email)
    page.locator("#id_privacy").check()


def manage_path_from_mail(message):
    line = next(part for part in message.body.split() if "/book/manage/" in part)
    url = urlsplit(line)
    return f"{url.path}?{url.query}"


def check_mail_and_calendar(email):
    [message] = [m for m in mail.outbox if m.to == [email] and m.attachments]
    [(_name, content, mimetype)] = message.attachments
    assert mimetype.startswith("text/calendar")
    calendar = Calendar.from_ical(content)
    assert len(calendar.walk("VEVENT")) == 2  # the office appointment and the consultation
    return manage_path_from_mail(message)


def move_then_cancel(page, manage_path):
    page.goto(manage_path)
    assert_accessible(page)
    click_and_load(page, page.locator("a[href*='/move/']"))
    click_and_load(page, page.locator(".day-list__item").nth(1))
    assert_accessible(page)
    new_start = page.locator(".slot-list button.slot").first.get_attribute("value")
    click_and_load(page, page.locator(".slot-list button.slot").first)
    # The question before the move: the new time, keeping the old one is the primary button.
    assert_accessible(page)
    click_and_load(page, page.locator("form:has(input[name=confirmed]) button"))
    assert page.locator(".kern-alert--success").count() == 1
    appointment = Appointment.objects.get()
    assert appointment.start.isoformat() == new_start
    assert appointment.consultation.language.code == "ar"
    click_and_load(page, page.locator("form:has(input[name=part][value=all]) button"))
    assert_accessible(page)  # the question before cancelling
    click_and_load(page, page.locator("form:has(input[name=confirmed]) button"))
    assert_accessible(page)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    return appointment


def assert_time_is_free_again(page, office, appointment):
    local_day = appointment.start.astimezone(office.at(0).tzinfo).date()
    page.goto(f"/book/concern/{office.service.pk}/?lang=ar&day={local_day.isoformat()}")
    buttons = page.locator(".slot-list button.slot")
    values = [buttons.nth(index).get_attribute("value") for index in range(buttons.count())]
    assert appointment.start.isoformat() in values


def test_book_move_cancel_in_arabic_on_a_phone(new_page, office):
    page = new_page(viewport=PHONE, locale="ar")
    choose_time_with_arabic_consultation(page)
    assert_accessible(page)
    fill_in_details(page, "amal@example.org")
    # The widget fetches a challenge from /api/v1/captcha and solves it in the background.
    page.wait_for_function(
        "() => { const f = document.querySelector('input[name=altcha]');"
        " return f && f.value.length > 20; }",
        timeout=20_000,
    )
    click_and_load(page, page.locator("#details-form button[type=submit]"))
    assert page.locator(".booking-code strong").is_visible()
    assert_accessible(page)
    appointment = Appointment.objects.get()
    assert appointment.status == AppointmentStatus.BOOKED and appointment.language == "ar"
    manage_path = check_mail_and_calendar("amal@example.org")
    appointment = move_then_cancel(page, manage_path)
    assert_time_is_free_again(page, office, appointment)


def test_the_same_without_javascript(new_page, office):
    page = new_page(viewport=PHONE, locale="ar", java_script_enabled=False)
    WITHOUT_JAVASCRIPT.add(id(page))
    choose_time_with_arabic_consultation(page)
    fill_in_details(page, "nojs@example.org")
    click_and_load(page, page.locator("#details-form button[type=submit]"))
    assert page.locator(".booking-code strong").is_visible()
    # Without the captcha's proof of work the booking counts once confirmed by its link.
    assert page.locator(".kern-alert--warning").count() == 1
    assert_accessible(page)
    [request] = [m for m in mail.outbox if m.to == ["nojs@example.org"]]
    confirm = urlsplit(next(part for part in request.body.split() if "/book/confirm/" in part))
    page.goto(f"{confirm.path}?{confirm.query}")
    assert_accessible(page)
    click_and_load(page, page.locator("form:has(input[name=token]) button[type=submit]"))
    manage_path = check_mail_and_calendar("nojs@example.org")
    appointment = move_then_cancel(page, manage_path)
    assert_time_is_free_again(page, office, appointment)
