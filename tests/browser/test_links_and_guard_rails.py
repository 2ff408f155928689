"""Issue 18, items 2 and 3 in a real browser, in German and Arabic, each page checked
with axe:

* "Lost your link?" works without JavaScript and brings a new, working link;
* cancelling asks first: keeping the booking is the primary button and the first choice
  in the reading (and tab) order; "Yes, cancel" is a secondary button in the danger colour;
* the clerk sees arrival buttons only on the appointment's day, and a no-show asks first.
"""

import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache

from tests.booking.web.office import build_office
from tests.conftest import STAFF_PASSWORD
from willkommen.accounts.models import Role
from willkommen.booking import services
from willkommen.booking.models import Appointment, AppointmentStatus, ConsultationBooking
from willkommen.booking.services import ConsultationRequest

from .conftest import DESKTOP, PHONE, axe_violations, login
from .flows import click_and_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = {"de": "de-DE", "ar": "ar"}


@pytest.fixture
def office(organisations, make_staff, settings):
    cache.clear()
    return build_office(organisations, make_staff)


def booked(office, hour=9, consultation=True):
    request = ConsultationRequest("ar", ("forms",), False) if consultation else None
    result = services.book(
        office.service,
        office.at(hour),
        name="Amal Haddad",
        email="amal@example.org",
        consultation=request,
        language="ar",
    )
    mail.outbox.clear()
    return result


def assert_rtl(page, lang):
    expected = "rtl" if lang == "ar" else "ltr"
    assert page.locator("html").get_attribute("dir") == expected


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lost_link_without_javascript_brings_a_working_link(new_page, office, lang):
    appointment = booked(office).appointment
    page = new_page(viewport=PHONE, locale=LANGUAGES[lang], java_script_enabled=False)
    page.goto(f"/book/lost-link/?lang={lang}")
    assert_rtl(page, lang)
    page.locator("#id_code").fill(f"{appointment.code[:5]} {appointment.code[5:].lower()}")
    page.locator("#id_contact").fill("Amal@Example.org")
    click_and_load(page, page.locator("#lost-link-form button[type=submit]"))
    assert "amal@example.org" in page.locator("main").inner_text()
    [message] = mail.outbox
    assert message.to == ["amal@example.org"]
    link = urlsplit(re.search(r"https?://\S+/book/manage/\S+", message.body).group(0))
    page.goto(f"{link.path}?{link.query}")
    assert page.locator(".booking-code strong").inner_text().strip() == appointment.code
    # The same pages with JavaScript, for axe (which runs inside the page).
    checked = new_page(viewport=PHONE, locale=LANGUAGES[lang])
    checked.goto(f"/book/lost-link/?lang={lang}")
    assert axe_violations(checked) == []
    checked.locator("#id_code").fill("ZZZZZZZZZZ")
    checked.locator("#id_contact").fill("0151 23456789")
    click_and_load(checked, checked.locator("#lost-link-form button[type=submit]"))
    assert "+4915123456789" in checked.locator("main").inner_text()
    assert axe_violations(checked) == []
    assert len(mail.outbox) == 1  # nothing for the missing code, and the page did not say so


@pytest.mark.parametrize("lang", LANGUAGES)
def test_cancelling_asks_first_with_the_safe_choice_primary(new_page, office, lang):
    result = booked(office)
    page = new_page(viewport=PHONE, locale=LANGUAGES[lang])
    page.goto(f"/book/manage/{result.appointment.code}/?token={result.manage_token}&lang={lang}")
    cancel_all = page.locator("form:has(input[name=part][value=all]) button")
    assert "kern-btn--primary" not in cancel_all.get_attribute("class")
    click_and_load(page, cancel_all)
    assert_rtl(page, lang)
    assert axe_violations(page) == []
    keep = page.locator(".actions a.kern-btn--primary")
    change = page.locator(".actions form button")
    assert keep.count() == 1 and "btn-danger" in change.get_attribute("class")
    # Keeping comes first when tabbing through the choices.
    keep.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    click_and_load(page, keep)
    assert Appointment.objects.get().status == AppointmentStatus.BOOKED
    click_and_load(page, page.locator("form:has(input[name=part][value=all]) button"))
    click_and_load(page, page.locator(".actions form button"))
    appointment = Appointment.objects.get()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert axe_violations(page) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_clerk_records_a_no_show_only_on_the_day_and_is_asked_first(
    new_page, office, make_staff, lang
):
    appointment = booked(office).appointment
    clerk = make_staff(Role.OFFICE_CLERK, username=f"clerk-{lang}")
    calendar = (
        f"/staff/booking/?date={office.day.isoformat()}&location={office.location.pk}&lang={lang}"
    )
    page = new_page(viewport=DESKTOP, locale=LANGUAGES[lang])
    login(page, clerk.username, STAFF_PASSWORD)
    page.goto(calendar)
    assert page.locator("#arrival-window").is_visible()
    assert page.locator("form input[name=status][value=no_show]").count() == 0
    assert axe_violations(page) == []
    with time_machine.travel(office.at(9, 30), tick=True):
        day_page = new_page(viewport=DESKTOP, locale=LANGUAGES[lang])
        login(day_page, clerk.username, STAFF_PASSWORD)
        day_page.goto(calendar)
        assert_rtl(day_page, lang)
        assert day_page.locator("#arrival-window").count() == 0
        click_and_load(day_page, day_page.locator("form:has(input[value=no_show]) button"))
        assert axe_violations(day_page) == []
        assert day_page.locator(".actions a.kern-btn--primary").count() == 1
        appointment.refresh_from_db()
        assert appointment.status == AppointmentStatus.BOOKED  # only asked so far
        click_and_load(day_page, day_page.locator(".actions form button.btn-danger"))
        appointment.refresh_from_db()
        assert appointment.status == AppointmentStatus.NO_SHOW
        assert axe_violations(day_page) == []
    consultation = ConsultationBooking.objects.get(appointment=appointment)
    assert consultation.status == "cancelled"
