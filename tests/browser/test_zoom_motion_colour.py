"""Issue #8: zoom to 400 % keeps everything usable, text spacing does not clip, animations
respect reduced motion, and no status is told by colour alone."""

import re

import pytest
import time_machine
from django.utils import translation

from tests.conftest import STAFF_PASSWORD
from willkommen.accounts.models import Role
from willkommen.booking import office_calendar
from willkommen.booking import services as booking_services
from willkommen.booking.models import AppointmentStatus
from willkommen.organisations.models import Language
from willkommen.walkins import services
from willkommen.walkins.models import TicketStatus

from .conftest import DESKTOP, PHONE, login
from .flows import booking_steps, small_office
from .test_walkins_flow import waiting_area  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A 1280 px wide desktop window at 400 % zoom lays out like a 320 CSS px viewport
# (WCAG 1.4.10 Reflow); the scale factor gives the text the pixels it would have.
ZOOMED = {"viewport": {"width": 320, "height": 225}, "device_scale_factor": 4}

# WCAG 1.4.12 Text spacing: the user's stylesheet a page must survive.
TEXT_SPACING = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
    word-spacing: 0.16em !important; }
p { margin-block-end: 2em !important; }
"""

HORIZONTAL_OVERFLOW = (
    "() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
)
# For a readable failure: what sticks out on the inline-end side (or start side, in RTL).
STICKING_OUT = """() => [...document.querySelectorAll("body *")]
  .filter((e) => { const box = e.getBoundingClientRect();
                   return box.right > innerWidth + 0.5 || box.left < -0.5; })
  .map((e) => e.outerHTML.slice(0, 100))"""

# Elements that hide what does not fit (overflow hidden or clip) and have more content
# than room; visually hidden text and scroll containers (which can be scrolled) are fine.
CLIPPED = """() => {
  const clipped = [];
  for (const element of document.querySelectorAll("body *")) {
    if (element.closest(".visually-hidden, .skip-link")) continue;
    const style = getComputedStyle(element);
    const hides = (value) => value === "hidden" || value === "clip";
    if (!hides(style.overflowX) && !hides(style.overflowY)) continue;
    if (element.clientWidth === 0 && element.clientHeight === 0) continue;
    const wide = hides(style.overflowX) && element.scrollWidth > element.clientWidth + 1;
    const tall = hides(style.overflowY) && element.scrollHeight > element.clientHeight + 1;
    if (wide || tall) clipped.push(element.outerHTML.slice(0, 120));
  }
  return clipped;
}"""

# Where a control ends up on the zoomed screen: fully inside the width and on top.
PLACEMENT = """(element) => {
  const box = element.getBoundingClientRect();
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  const top = document.elementFromPoint(x, y);
  return {
    left: box.left, right: box.right, width: box.width, height: box.height,
    onTop: !!top && (top === element || element.contains(top) || top.contains(element)),
  };
}"""


def controls_of(page):
    """The controls a page cannot do without: the language switcher, the main form's
    submit buttons and links, the navigation."""
    selectors = [
        ".language-switcher select",
        ".language-switcher button",
        "main button[type=submit]",
        ".staff-nav a",
        ".site-footer nav a",
    ]
    return [
        page.locator(selector).nth(index)
        for selector in selectors
        for index in range(page.locator(selector).count())
    ]


def assert_usable_when_zoomed(page, where):
    assert page.evaluate(HORIZONTAL_OVERFLOW) <= 1, (where, page.evaluate(STICKING_OUT))
    width = page.viewport_size["width"]
    controls = controls_of(page)
    assert controls, where
    for control in controls:
        if not control.is_visible():
            continue  # e.g. a print button shown only where printing from script works
        control.scroll_into_view_if_needed()
        placed = control.evaluate(PLACEMENT)
        label = control.evaluate("(e) => e.outerHTML.slice(0, 100)")
        assert placed["width"] > 0 and placed["height"] > 0, (where, label)
        assert placed["left"] >= -1 and placed["right"] <= width + 1, (where, label, placed)
        assert placed["onTop"], f"covered by something else: {where} {label}"
    page.add_style_tag(content=TEXT_SPACING)
    assert page.evaluate(HORIZONTAL_OVERFLOW) <= 1, (where, page.evaluate(STICKING_OUT))
    assert page.evaluate(CLIPPED) == [], f"text spacing clips text: {where}"


@pytest.fixture
def office(organisations, make_staff, settings):
    return small_office(organisations, make_staff, settings)


@pytest.mark.parametrize("lang", ["de", "en", "ar", "fa", "tr", "ru", "uk"])
def test_booking_pages_at_400_percent_zoom(new_page, office, lang):
    # bypass_csp: the text spacing stylesheet is injected the way a bookmarklet would be.
    page = new_page(locale=lang, bypass_csp=True, **ZOOMED)
    for step in booking_steps(page, lang=lang, email=f"{lang}@example.org"):
        assert_usable_when_zoomed(page, f"{step} ({lang})")


def test_ticket_pages_at_400_percent_zoom(new_page, waiting_area):  # noqa: F811
    location, room, outreach, counsellor = waiting_area
    ticket = services.register_walk_in(
        location, Language.objects.get(code="fa"), [], None, outreach
    )
    for lang in ("de", "fa"):
        page = new_page(locale=lang, bypass_csp=True, **ZOOMED)
        page.goto(f"/ticket/{ticket.public_token}/?lang={lang}")
        assert_usable_when_zoomed(page, f"ticket page ({lang})")
    staff_page = new_page(bypass_csp=True, **ZOOMED)
    login(staff_page, outreach.username, STAFF_PASSWORD)
    staff_page.goto(f"/staff/walkins/tickets/{ticket.pk}/")
    assert_usable_when_zoomed(staff_page, "printable ticket")


# Every element (in shadow roots too) whose transition or animation lasts longer than
# a frame, with its pseudo-elements.
MOVING = """() => {
  const moving = [];
  const longest = (value) => Math.max(...value.split(",").map(parseFloat));
  const walk = (root) => {
    for (const element of root.querySelectorAll("*")) {
      for (const pseudo of [null, "::before", "::after"]) {
        const style = getComputedStyle(element, pseudo);
        const animated = style.animationName !== "none" && longest(style.animationDuration) > 0.02;
        if (animated || longest(style.transitionDuration) > 0.02) {
          moving.push(`${element.tagName}.${element.className}${pseudo || ""}`);
        }
      }
      if (element.shadowRoot) walk(element.shadowRoot);
    }
  };
  walk(document);
  return moving;
}"""

# KERN UX's loading indicator, the one animation in its stylesheet (a rotation).
ADD_LOADER = (
    "() => document.querySelector('main').insertAdjacentHTML("
    "'beforeend', '<span class=\"kern-loader\" data-probe></span>')"
)


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_animations_respect_reduced_motion(new_page, office, motion):
    page = new_page(reduced_motion=motion)
    for step in booking_steps(page):
        page.evaluate(ADD_LOADER)
        moving = page.evaluate(MOVING)
        if motion == "reduce":
            assert moving == [], f"still moving under reduced motion on {step}: {moving}"
        else:
            # The probe proves the check can see an animation at all.
            assert any("kern-loader" in name for name in moving), step


def board_languages(page, polls=2):
    """The language of the display's board now and after ``polls`` live updates."""
    page.evaluate(
        "() => { window.__settled = 0; document.body.addEventListener("
        "'htmx:afterSettle', () => { window.__settled += 1; }); }"
    )
    seen = [page.locator("#display-board").get_attribute("lang")]
    for count in range(1, polls + 1):
        page.wait_for_function(f"() => window.__settled >= {count}", timeout=15_000)
        seen.append(page.locator("#display-board").get_attribute("lang"))
    return seen


def test_display_stops_rotating_its_headings_under_reduced_motion(
    new_page,
    waiting_area,  # noqa: F811
):
    location, room, outreach, counsellor = waiting_area
    moving = new_page(reduced_motion="no-preference")
    moving.goto(f"/ticket/display/{location.pk}/")
    languages = board_languages(moving)
    assert len(set(languages)) == len(languages), languages  # a new language every poll

    still = new_page(reduced_motion="reduce")
    still.goto(f"/ticket/display/{location.pk}/?i=1")
    ticket = services.register_walk_in(
        location, Language.objects.get(code="fa"), [], None, outreach
    )
    services.call_ticket(ticket, counsellor)
    languages = board_languages(still)
    assert languages == ["en", "en", "en"], languages
    # Still live: the called number arrives without a reload.
    assert still.locator(f"[data-number='{ticket.number}']").count() == 1
    assert still.evaluate(MOVING) == []


def pseudo_content(locator, pseudo="::before"):
    return locator.evaluate(f"(e) => getComputedStyle(e, '{pseudo}').content")


def test_walk_in_states_are_written_not_only_coloured(new_page, waiting_area):  # noqa: F811
    location, room, outreach, counsellor = waiting_area
    farsi = Language.objects.get(code="fa")
    waiting, on_hold, called = (
        services.register_walk_in(location, farsi, [], None, outreach) for _ in range(3)
    )
    services.put_on_hold(on_hold, outreach)
    services.call_ticket(called, counsellor)

    page = new_page()
    login(page, outreach.username, STAFF_PASSWORD)
    page.goto(f"/staff/walkins/?location={location.pk}")
    for ticket, status in [
        (waiting, TicketStatus.WAITING),
        (on_hold, TicketStatus.ON_HOLD),
        (called, TicketStatus.CALLED),
    ]:
        row = page.locator(f"tr[data-ticket='{ticket.number}']")
        with translation.override("de"):
            label = str(status.label)
        assert label in row.locator("td").nth(2).inner_text(), (ticket.number, label)

    phone = new_page(viewport=PHONE)
    phone.goto(f"/ticket/{called.public_token}/?lang=de")
    assert phone.locator("#ticket-status .kern-title").inner_text().strip() != ""
    assert room.name in phone.locator("#ticket-status").inner_text()

    screen = new_page(viewport=DESKTOP)
    screen.goto(f"/ticket/display/{location.pk}/")
    latest = screen.locator(".walkins-board__latest")
    assert latest.get_attribute("data-number") == called.number
    assert pseudo_content(latest.locator(".walkins-board__number")) not in ("none", "normal")


def test_calendar_and_slot_states_are_written_not_only_coloured(new_page, office, staff):
    first = booking_services.book(
        office.service, office.at(9), name="Dana Example", email="dana@example.org"
    ).appointment
    second = booking_services.book(
        office.service, office.at(10), name="Sam Example", email="sam@example.org"
    ).appointment
    # Arrival statuses are taken on the appointment's day only: the clerk's morning.
    with time_machine.travel(office.at(9, 30), tick=True):
        for appointment, status in [
            (first, AppointmentStatus.ARRIVED),
            (second, AppointmentStatus.NO_SHOW),
        ]:
            office_calendar.set_status(
                appointment.pk,
                expected_status=appointment.status,
                new_status=status,
                location=office.location,
            )
        page = new_page()
        login(page, staff[Role.OFFICE_CLERK].username, STAFF_PASSWORD)
        page.goto(
            f"/staff/booking/?date={office.day.isoformat()}&location={office.location.pk}&lang=de"
        )
        for appointment, status in [
            (first, AppointmentStatus.ARRIVED),
            (second, AppointmentStatus.NO_SHOW),
        ]:
            row = page.locator("tr", has_text=appointment.code)
            with translation.override("de"):
                label = str(status.label)
            assert row.locator("td").nth(4).inner_text().strip() == label

    # The booking page: the chosen day has a mark besides its colour; every free time is
    # a button with the time written on it (taken times are not offered at all).
    client = new_page(viewport=PHONE)
    client.goto(f"/book/concern/{office.service.pk}/?day={office.day.isoformat()}&lang=de")
    current = client.locator(".month-grid__day[aria-current=date]")
    assert current.count() == 1
    assert pseudo_content(current) not in ("none", "normal")
    assert pseudo_content(client.locator(".month-grid__day:not([aria-current])").first) in (
        "none",
        "normal",
    )
    times = client.locator(".slot-list button.slot").all_inner_texts()
    assert times and all(re.search(r"\d{1,2}:\d{2}", text) for text in times)
    assert not any("09:00" in text or "10:00" in text for text in times)
