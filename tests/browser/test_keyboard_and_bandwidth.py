"""Issue #8: the booking and walk-in flows are completed with the keyboard alone, form
errors are announced and linked to their fields, and the booking flow's pages stay under
the low-bandwidth budget and work on a slow 3G connection.

The keyboard tests use only ``page.keyboard`` (Tab, Shift+Tab, Enter, Space, arrow keys,
typing); ``page.goto`` stands for typing an address, and ``page.evaluate`` only reads where
the focus is."""

import re
from urllib.parse import urlsplit

import pytest

from tests.conftest import STAFF_PASSWORD
from willkommen.booking.models import Appointment, AppointmentStatus
from willkommen.walkins.models import Ticket, TicketStatus

from . import production_like as production_like_proxy
from .conftest import DESKTOP, PHONE, TABLET
from .flows import CAPTCHA_SOLVED, booking_steps, small_office
from .keyboard import (
    FOCUS_MATCHES,
    assert_focus_visible,
    choose_option,
    focus_state,
    follow,
    keyboard_login,
    tab_to,
    type_into,
)
from .test_walkins_flow import waiting_area  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def office(organisations, make_staff, settings):
    return small_office(organisations, make_staff, settings)


def wait_for_captcha(page):
    """The ALTCHA widget solves its proof of work in the background, no key press needed."""
    page.wait_for_function(CAPTCHA_SOLVED, timeout=20_000)


def choose_time_with_consultation(page, lang):
    page.goto(f"/book/?lang={lang}")
    # Step 1: the concern, a link.
    follow(page, ".choice-list__item")
    # Steps 2 and 3: documents to bring are text; the first free day is a link.
    follow(page, ".month-grid__day")
    assert page.locator(".month-grid__day[aria-current=date]").count() == 1
    # The consultation: a checkbox (Space), the language (arrow keys), a topic (Space).
    tab_to(page, "#id_consultation")
    page.keyboard.press("Space")
    assert page.locator("#id_consultation").is_checked()
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUS_MATCHES, "#id_language")
    choose_option(page, "ar")
    tab_to(page, "input[name=topics][value=forms]")
    page.keyboard.press("Space")
    # The interpreter box is passed over (Tab), then the form is sent.
    tab_to(page, "#id_interpreter")
    assert not page.locator("#id_interpreter").is_checked()
    follow(page, "section[aria-labelledby=consultation-heading] button[type=submit]")
    page.locator(".slot__extra").first.wait_for()
    # Shift+Tab goes back the way it came: from the first time to the form's button.
    tab_to(page, ".slot-list button.slot")
    tab_to(page, "section[aria-labelledby=consultation-heading] button", backwards=True)
    follow(page, ".slot-list button.slot")


def fill_in_details_by_keyboard(page, name, email):
    type_into(page, "#id_name", name)
    type_into(page, "#id_email", email)
    tab_to(page, "#id_privacy")
    page.keyboard.press("Space")
    assert page.locator("#id_privacy").is_checked()


@pytest.mark.parametrize(
    ("lang", "name", "heading"),
    [("de", "Amal Haddad", "Ihre Buchung"), ("ar", "أمل حداد", None)],
)
def test_booking_with_a_consultation_by_keyboard_alone(new_page, office, lang, name, heading):
    page = new_page(viewport=PHONE, locale=lang)
    choose_time_with_consultation(page, lang)
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    fill_in_details_by_keyboard(page, name, f"{lang}@example.org")
    wait_for_captcha(page)
    follow(page, "#details-form button[type=submit]")
    page.locator(".booking-code strong").wait_for()
    code = page.locator(".booking-code strong").inner_text().strip()
    appointment = Appointment.objects.get()
    assert code == appointment.code
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.language == lang
    assert appointment.consultation.language.code == "ar"
    if heading:
        assert heading in page.locator("h1").inner_text()
    # The confirmation page is usable by keyboard too: its links have a visible focus.
    tab_to(page, "a[href*='/book/manage/']")


def test_walk_in_by_keyboard_alone(new_page, waiting_area):  # noqa: F811
    location, room, outreach, counsellor = waiting_area

    # Reception: the language by arrow keys inside the radio group, then "Create ticket".
    tablet = new_page(viewport=TABLET)
    keyboard_login(tablet, outreach.username, STAFF_PASSWORD)
    tablet.goto("/staff/walkins/new/")
    tab_to(tablet, "input[name=language]")
    assert tablet.evaluate(FOCUS_MATCHES, "#id_language_0")
    tablet.keyboard.press("ArrowDown")  # Farsi, the second choice
    assert tablet.evaluate(FOCUS_MATCHES, "#id_language_1")
    assert tablet.locator("#id_language_1").is_checked()
    follow(tablet, "form[method=post] button[type=submit]")
    tablet.get_by_test_id("ticket-number").wait_for()
    number = tablet.get_by_test_id("ticket-number").inner_text().strip()
    assert re.fullmatch(r"A-\d{3}", number)
    ticket = Ticket.objects.get(number=number)
    assert ticket.language.code == "fa"

    # The queue overview refreshes itself every 15 s: the keyboard focus survives it.
    follow(tablet, "a[href*='/staff/walkins/?location=']")
    tab_to(tablet, f"#walkins-queue-table tr[data-ticket='{number}'] button")
    focused = focus_state(tablet)
    tablet.evaluate(
        "() => { window.__swaps = 0; document.body.addEventListener("
        "'htmx:afterSettle', () => { window.__swaps += 1; }); }"
    )
    tablet.wait_for_function("() => window.__swaps > 0", timeout=25_000)
    assert focus_state(tablet) == focused
    assert_focus_visible(tablet)

    # The counsellor: calls the next ticket, starts and finishes the consultation.
    desk = new_page(viewport=DESKTOP)
    keyboard_login(desk, counsellor.username, STAFF_PASSWORD)
    desk.goto("/staff/walkins/")
    follow(desk, "form[action$='/call-next/'] button")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CALLED and ticket.called_by == counsellor
    follow(desk, "form[action$='/start/'] button")
    follow(desk, "form[action$='/finish/'] button")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DONE


def test_form_errors_are_announced_and_linked_to_their_fields(new_page, office):
    page = new_page(viewport=PHONE)
    choose_time_with_consultation(page, "de")
    fill_in_details_by_keyboard(page, "Amal Haddad", "amal-at-example.org")
    wait_for_captcha(page)
    follow(page, "#details-form button[type=submit]")

    # The summary is announced: it is an alert and it takes the focus on arrival.
    summary = page.locator("#form-errors")
    assert summary.get_attribute("role") == "alert"
    assert page.evaluate(FOCUS_MATCHES, "#form-errors")
    assert_focus_visible(page)
    # Its entry links to the field; following it by keyboard puts the focus there.
    link = summary.locator("a[href='#id_email']")
    assert link.count() == 1
    tab_to(page, "#form-errors a[href='#id_email']")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'id_email'")
    assert_focus_visible(page)
    # The field says it is invalid and which text describes the error.
    field = page.locator("#id_email")
    assert field.get_attribute("aria-invalid") == "true"
    described_by = field.get_attribute("aria-describedby").split()
    texts = page.evaluate(
        "(ids) => ids.map((id) => document.getElementById(id)?.textContent ?? null)",
        described_by,
    )
    assert None not in texts, f"aria-describedby points at a missing element: {described_by}"
    error_text = link.inner_text().split(":", 1)[1].strip()
    assert any(error_text in text for text in texts), (described_by, texts)
    # Nothing is said by colour alone: the error is written out beside the field.
    assert error_text in page.locator(".kern-form-input--error .kern-error").inner_text()
    assert not Appointment.objects.filter(status=AppointmentStatus.BOOKED).exists()


# --- Bandwidth ---------------------------------------------------------------------------

PAGE_BUDGET = 100_000  # bytes on the wire per page: HTML, CSS, JS and requests it makes
SLOW_3G = {
    "offline": False,
    "latency": 400,  # ms
    "downloadThroughput": 50_000,  # bytes/s = 400 kbit/s
    "uploadThroughput": 50_000,
}
LOAD_BUDGET_MS = 15_000


@pytest.fixture
def production_like(browser, live_server):
    """Pages behind the compressing proxy (see production_like.py), cold cache on every
    page; fails the test if anything is loaded from outside the installation."""
    proxy_url, stop = production_like_proxy.start(live_server.url)
    contexts, outside = [], []

    def open_page(throttle=False, **options):
        context = browser.new_context(base_url=proxy_url, **options)
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "request",
            lambda request: (
                None
                if request.url.startswith((proxy_url, "data:", "blob:"))
                else outside.append(request.url)
            ),
        )
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        if throttle:
            cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        return page

    yield open_page
    for context in contexts:
        context.close()
    stop()
    assert outside == [], f"pages tried to load from outside: {outside}"


def wire_bytes(request):
    """What came over the network for one request: response headers and the body as
    sent (compressed where the server compressed it)."""
    sizes = request.sizes()
    return sizes["responseHeadersSize"] + sizes["responseBodySize"]


def part_of_page(url):
    path = urlsplit(url).path
    if path.endswith("kern.min.css"):
        return "KERN"
    if "/altcha/" in path:
        return "ALTCHA"
    if path.startswith("/static/"):
        return "own CSS/JS"
    return "HTML and requests"


PARTS = ["HTML and requests", "KERN", "own CSS/JS", "ALTCHA"]


def weight_table(weights):
    """A Markdown table of the bytes per page and part, as in docs/accessibility.md."""
    lines = ["| page | " + " | ".join(PARTS) + " | total |", "|---" * (len(PARTS) + 2) + "|"]
    for step, sizes in weights.items():
        parts = dict.fromkeys(PARTS, 0)
        for url, size in sizes.items():
            parts[part_of_page(url)] += size
        cells = " | ".join(f"{parts[part]:,}" for part in PARTS)
        lines.append(f"| {step} | {cells} | **{sum(parts.values()):,}** |")
    return "\n".join(lines)


def test_each_booking_page_weighs_under_100_kb(production_like, office):
    page = production_like(viewport=PHONE)
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    weights = {}
    for step in booking_steps(page):
        # Each step has waited for the load event (and the captcha for its challenge).
        requests, finished[:] = list(finished), []
        # blob: URLs are the captcha's web workers, made in the page: no network.
        weights[step] = {
            request.url: wire_bytes(request)
            for request in requests
            if request.url.startswith("http")
        }
        # The proxy compressed what production compresses; nothing went out raw.
        for request in requests:
            response = request.response()
            if response and "/static/" in request.url:
                assert response.headers.get("content-encoding") == "gzip", request.url
    report = weight_table(weights)
    print(report)  # the table in docs/accessibility.md comes from here (pytest -s)
    assert len(weights) == 6
    for step, sizes in weights.items():
        assert sum(sizes.values()) < PAGE_BUDGET, f"{step} is over budget:\n{report}"
    assert Appointment.objects.filter(status=AppointmentStatus.BOOKED).count() == 1


def test_booking_works_on_slow_3g(production_like, office):
    page = production_like(throttle=True, viewport=PHONE, locale="ar")
    load_times = {}
    for step in booking_steps(page, lang="ar"):
        page.wait_for_function(
            "() => performance.getEntriesByType('navigation')[0]?.loadEventEnd > 0"
        )
        load_times[step] = page.evaluate(
            "() => performance.getEntriesByType('navigation')[0].loadEventEnd"
        )
    print(load_times)
    assert len(load_times) == 6
    slow = {step: ms for step, ms in load_times.items() if ms > LOAD_BUDGET_MS}
    assert slow == {}, f"load event later than {LOAD_BUDGET_MS} ms: {load_times}"
    assert Appointment.objects.get().status == AppointmentStatus.BOOKED
