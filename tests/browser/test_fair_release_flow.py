"""The fair release in the browser: clients request in German (with JavaScript, the captcha
widget solves its challenge) and in Arabic on a phone without JavaScript, confirm through
the link in their mail, the draw books the winners and tells everybody, a winner cancels
through the manage link, and the next request in draw order gets the slot. The public page
shows the seed's hash before and the seed and the order after the draw. A coordinator sets
up a weekly round in the staff pages. axe reports nothing on any of these pages."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone

from tests.conftest import STAFF_PASSWORD
from willkommen.accounts.models import Role
from willkommen.booking.models import AppointmentStatus
from willkommen.release import draw, requests
from willkommen.release.models import ReleaseRequest, ReleaseRound, RequestStatus

from ..release.conftest import draw_time, make_round
from .conftest import PHONE, axe_violations, login
from .flows import CAPTCHA_SOLVED, click_and_load, small_office

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OTHERS = 30  # more confirmed requests than the pool has slots


@pytest.fixture
def office(organisations, make_staff, settings):
    return small_office(organisations, make_staff, settings)


def path_of(url):
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def link_in(message, fragment):
    return path_of(next(word for word in message.body.split() if fragment in word))


def request_in_browser(page, release_round, *, lang, name, email, javascript=True):
    page.goto(f"/release/{release_round.pk}/?lang={lang}")
    if javascript:
        assert axe_violations(page) == []
    click_and_load(page, page.locator(f"a[href$='/release/{release_round.pk}/request/']"))
    if javascript:
        assert axe_violations(page) == []
    page.locator("input[name=days]").first.check()
    page.locator("#id_name").fill(name)
    page.locator("#id_email").fill(email)
    page.locator("#id_privacy").check()
    if javascript:
        page.wait_for_function(CAPTCHA_SOLVED)
    mail.outbox.clear()
    click_and_load(page, page.locator("#request-form button[type=submit]"))
    assert page.locator("#request-status").count() == 1
    if javascript:
        assert axe_violations(page) == []
    (message,) = mail.outbox
    page.goto(link_in(message, "/confirm/?token="))
    if javascript:
        assert axe_violations(page) == []
    click_and_load(page, page.locator("#confirm-form button[type=submit]"))
    request = ReleaseRequest.objects.get(email=email)
    assert request.status == RequestStatus.CONFIRMED
    return request


def add_confirmed_others(release_round, office, now):
    for index in range(OTHERS):
        request, _token = requests.submit(
            release_round,
            service_id=office.service.pk,
            name=f"Person {index}",
            email=f"person{index}@example.org",
            strict=False,
            now=now,
        )
        ReleaseRequest.objects.filter(pk=request.pk).update(status=RequestStatus.CONFIRMED)


def test_request_confirm_draw_cancel_and_the_next_in_line(new_page, office):
    now = timezone.now()
    release_round = make_round(office, now=now)
    german = new_page(locale="de-DE")
    request_in_browser(
        german, release_round, lang="de", name="Jonas Weber", email="jonas@example.org"
    )
    arabic = new_page(viewport=PHONE, locale="ar", java_script_enabled=False)
    arabic.goto(f"/release/{release_round.pk}/?lang=ar")
    assert arabic.locator("html").get_attribute("dir") == "rtl"
    request_in_browser(
        arabic, release_round, lang="ar", name="أمل حداد", email="amal@example.org",
        javascript=False,
    )  # fmt: skip
    # The Arabic pages, checked by axe in a page that runs JavaScript.
    arabic_checked = new_page(viewport=PHONE, locale="ar")
    for path in ("/release/?lang=ar", f"/release/{release_round.pk}/request/?lang=ar"):
        arabic_checked.goto(path)
        assert arabic_checked.locator("html").get_attribute("dir") == "rtl"
        assert axe_violations(arabic_checked) == [], path
    add_confirmed_others(release_round, office, now)

    german.goto(f"/release/{release_round.pk}/?lang=de")
    assert german.locator("#round-seed-hash").inner_text() == release_round.seed_sha256
    assert german.locator("#round-seed").count() == 0

    mail.outbox.clear()
    outcome = draw.run_draw(release_round.pk, now=draw_time(release_round))
    assert 0 < outcome.allocated < outcome.requests == OTHERS + 2
    assert len(mail.outbox) == outcome.requests  # everybody is told

    german.goto(f"/release/{release_round.pk}/?lang=de")
    assert german.locator("#round-seed").inner_text() == release_round.seed
    assert german.locator("#round-order tbody tr").count() == outcome.requests
    assert axe_violations(german) == []

    # A winner cancels through the manage link of the booking's e-mail…
    winner = ReleaseRequest.objects.filter(status=RequestStatus.ALLOCATED).first()
    booking_mail = next(m for m in mail.outbox if m.to == [winner.email])
    assert any(name.endswith(".ics") for name, _content, _type in booking_mail.attachments)
    page = new_page(viewport=PHONE)
    page.goto(link_in(booking_mail, "/book/manage/"))
    assert axe_violations(page) == []
    mail.outbox.clear()
    click_and_load(page, page.locator("form:has(input[name=part][value=all]) button"))
    click_and_load(page, page.locator("form:has(input[name=confirmed]) button"))
    winner.refresh_from_db()
    assert winner.appointment.status == AppointmentStatus.CANCELLED
    # …and the slot goes to the next request in draw order, who is told at once.
    next_in_line = (
        ReleaseRequest.objects.filter(round=release_round, draw_position__gt=0)
        .exclude(pk=winner.pk)
        .filter(appointment__start=winner.appointment.start, status=RequestStatus.ALLOCATED)
        .get()
    )
    assert next_in_line.appointment.status == AppointmentStatus.BOOKED
    assert any(m.to == [next_in_line.email] for m in mail.outbox)


def test_a_coordinator_sets_up_a_weekly_round(new_page, office, staff):
    page = new_page()
    login(page, staff[Role.COORDINATOR].username, STAFF_PASSWORD)
    page.goto("/staff/release/?lang=de")
    assert axe_violations(page) == []
    click_and_load(page, page.locator("a[href$='/staff/release/new/']"))
    assert axe_violations(page) == []
    now = timezone.localtime()
    page.locator("#id_location").select_option(str(office.location.pk))
    page.locator(f"input[name=services][value='{office.service.pk}']").check()
    page.locator(f"input[name=desks][value='{office.desk.pk}']").check()
    page.locator("#id_first_day").fill(office.day.isoformat())
    page.locator("#id_last_day").fill(office.day.isoformat())
    for field, hours in (("opens_at", 1), ("closes_at", 5), ("draw_at", 6)):
        page.locator(f"#id_{field}").fill(
            (now + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")
        )
    page.locator("#id_recurs_weekly").check()
    click_and_load(page, page.locator("form button[type=submit]").last)
    release_round = ReleaseRound.objects.get()
    assert release_round.recurs_weekly
    assert re.search(rf"/staff/release/{release_round.pk}/$", page.url)
    assert axe_violations(page) == []
