"""The issue's "done when": outreach registers a Farsi walk-in on a tablet, the ticket page
shows place and wait, a Farsi-speaking counsellor on shift calls it, the call-up display
shows the number without reloading, the consultation is finished, and the waiting time is
in the data the statistics read. Plus: the live pages survive a lost connection."""

import re
from datetime import time

import pytest
from django.utils import timezone

from tests import factories
from tests.conftest import STAFF_PASSWORD, make_location
from willkommen.accounts.models import Role
from willkommen.organisations.models import Language
from willkommen.walkins import services
from willkommen.walkins.models import Ticket, TicketStatus

from .conftest import DESKTOP, PHONE, TABLET, axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def waiting_area(organisations, make_staff):
    location = make_location(
        organisations["office"],
        "Hannover Service Center",
        street="Hamburger Allee 25",
        postal_code="30161",
    )
    room = factories.room(location, "Beratungsraum 3")
    languages = factories.languages(
        ("ar", "Arabic", "العربية"),
        ("fa", "Persian", "فارسی"),
        ("tr", "Turkish", "Türkçe"),
        sort_from=0,
    )
    factories.topics("housing", names={"housing": "Wohnen"})
    outreach = make_staff(Role.OUTREACH, username="outreach")
    counsellor = factories.counsellor(make_staff, "farsi-counsellor", [languages["fa"]])
    weekday = timezone.localtime().weekday()
    factories.shift(counsellor, location, room, weekday, time(0, 0), time(23, 59, 59))
    return location, room, outreach, counsellor


def test_farsi_walk_in_from_intake_to_finished_consultation(new_page, waiting_area):
    location, room, outreach, counsellor = waiting_area

    # Outreach on a tablet: language, (no topics, no appointment), create: two taps.
    tablet = new_page(viewport=TABLET)
    login(tablet, outreach.username, STAFF_PASSWORD)
    tablet.goto("/staff/walkins/new/")
    assert axe_violations(tablet) == []
    tablet.locator("label[for='id_language_1']").click()  # Farsi: second most frequent
    tablet.locator("form[method=post] button[type=submit]").last.click()
    number = tablet.get_by_test_id("ticket-number").inner_text().strip()
    assert re.fullmatch(r"A-\d{3}", number)
    assert tablet.locator("img.walkins-qr").get_attribute("src").startswith("data:image/svg+xml")
    assert axe_violations(tablet) == []
    public_url = tablet.locator(".walkins-url").inner_text().strip()
    assert "lang=fa" in public_url
    ticket = Ticket.objects.get(number=number)
    assert ticket.language.code == "fa" and ticket.status == TicketStatus.WAITING

    # The person's phone: the ticket page in Farsi, right to left, place and wait.
    phone = new_page(viewport=PHONE, locale="fa")
    console_errors = []
    phone.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    phone.goto(public_url)
    assert phone.locator("html").get_attribute("dir") == "rtl"
    assert phone.get_by_test_id("place").inner_text().strip() == "1"
    assert phone.get_by_test_id("wait").inner_text().strip() != ""
    assert axe_violations(phone) == []
    german = new_page(viewport=PHONE)
    german.goto(public_url.replace("lang=fa", "lang=de"))
    assert german.locator("html").get_attribute("lang") == "de"
    assert axe_violations(german) == []

    # The waiting-room screen, before anything is called.
    screen = new_page(viewport=DESKTOP)
    screen.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    screen.goto(f"/ticket/display/{location.pk}/")
    assert axe_violations(screen) == []
    screen.evaluate("window.__notReloaded = true")
    assert screen.locator(f"[data-number='{number}']").count() == 0

    # The Farsi-speaking counsellor on shift calls the next ticket.
    desk = new_page(viewport=DESKTOP)
    login(desk, counsellor.username, STAFF_PASSWORD)
    desk.goto("/staff/walkins/")
    assert axe_violations(desk) == []
    desk.locator("form[action$='/call-next/'] button").click()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CALLED and ticket.called_by == counsellor

    # The display shows the number with the room, without a reload; so does the phone.
    screen.locator(f"[data-number='{number}']").wait_for(timeout=15_000)
    assert room.name in screen.locator(f"[data-number='{number}']").inner_text()
    assert screen.evaluate("window.__notReloaded") is True
    assert axe_violations(screen) == []
    phone.locator("#ticket-status[data-status='called']").wait_for(timeout=20_000)
    assert room.name in phone.locator("#ticket-status").inner_text()
    assert axe_violations(phone) == []

    assert console_errors == []  # e.g. no CSP violation by the live updates

    # Start and finish the consultation.
    desk.locator("form[action$='/start/'] button").click()
    desk.locator("form[action$='/finish/'] button").click()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DONE

    # What the statistics read: every timestamp, and the waiting time.
    assert ticket.created_at < ticket.called_at <= ticket.started_at <= ticket.finished_at
    assert ticket.waiting_time == ticket.called_at - ticket.created_at
    assert ticket.waiting_time.total_seconds() > 0


def test_display_and_ticket_page_recover_after_a_lost_connection(new_page, waiting_area):
    location, room, outreach, counsellor = waiting_area
    language = Language.objects.get(code="fa")
    ticket = services.register_walk_in(location, language, [], None, outreach)
    screen = new_page()
    screen.goto(f"/ticket/display/{location.pk}/")
    phone = new_page(viewport=PHONE)
    phone.goto(f"/ticket/{ticket.public_token}/?lang=fa")
    # The server becomes unreachable for the live updates.
    screen.route("**/ticket/display/**", lambda route: route.abort())
    phone.route("**/ticket/**", lambda route: route.abort())
    services.call_ticket(ticket, counsellor)
    screen.wait_for_timeout(6_000)
    assert screen.locator(f"[data-number='{ticket.number}']").count() == 0
    # Back online: the next poll brings the news, no reload needed.
    screen.unroute("**/ticket/display/**")
    phone.unroute("**/ticket/**")
    screen.locator(f"[data-number='{ticket.number}']").wait_for(timeout=15_000)
    phone.locator("#ticket-status[data-status='called']").wait_for(timeout=20_000)


def test_intake_and_ticket_page_work_without_javascript(new_page, waiting_area):
    location, room, outreach, counsellor = waiting_area
    tablet = new_page(viewport=TABLET, java_script_enabled=False)
    login(tablet, outreach.username, STAFF_PASSWORD)
    tablet.goto("/staff/walkins/new/")
    tablet.locator("#id_other_language").fill("Türkçe")
    tablet.locator("form[method=post] button[type=submit]").last.click()
    number = tablet.get_by_test_id("ticket-number").inner_text().strip()
    ticket = Ticket.objects.get(number=number)
    assert ticket.language.code == "tr"
    phone = new_page(viewport=PHONE, java_script_enabled=False)
    phone.goto(f"/ticket/{ticket.public_token}/?lang=tr")
    assert phone.get_by_test_id("place").inner_text().strip() == "1"
    refresh = phone.locator("noscript").first.inner_html()
    assert 'http-equiv="refresh"' in refresh
