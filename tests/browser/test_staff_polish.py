"""The staff side as a real office sees it, in German and Arabic (issue 18, item 6):

* the waiting-room display is a kiosk page: the whole screen, the latest call large, a
  flash on a new call (only a frame under "reduce motion"), no site navigation;
* the ticket page no longer asks to stay in the waiting area once called;
* the walk-in queue on a phone is a list of cards: nothing hidden in a sideways scroll;
* no word in a table header or a button is cut mid-syllable, and the help text on the
  booking-rules page is not one syllable per line.
"""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.conftest import STAFF_PASSWORD
from willkommen.organisations.models import Language
from willkommen.walkins import services

from .conftest import DESKTOP, PHONE, TABLET, axe_violations, login
from .test_walkins_flow import waiting_area  # noqa: F401 - fixture
from .test_zoom_motion_colour import MOVING

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = {"de": "de-DE", "ar": "ar"}
KIOSK = {"width": 1920, "height": 1080}

# Words in the elements matching the selector that the layout split over two lines.
BROKEN_WORDS = """(selector) => {
  const broken = [];
  for (const element of document.querySelectorAll(selector)) {
    if (!element.getClientRects().length) continue;
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const pattern = /\\S+/g;
      let match;
      while ((match = pattern.exec(node.data))) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (tops.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


def called_ticket(area, number_of_tickets=1):
    location, room, outreach, counsellor = area
    farsi = Language.objects.get(code="fa")
    tickets = [
        services.register_walk_in(location, farsi, [], None, outreach)
        for _ in range(number_of_tickets)
    ]
    services.call_ticket(tickets[0], counsellor)
    return tickets


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("motion", ["no-preference", "reduce"])
def test_display_is_a_kiosk_with_a_signal_on_a_new_call(
    new_page,
    waiting_area,  # noqa: F811
    language,
    motion,
):
    location, room, outreach, counsellor = waiting_area
    first, second = called_ticket(waiting_area, 2)
    screen = new_page(viewport=KIOSK, locale=LANGUAGES[language], reduced_motion=motion)
    screen.goto(reverse("walkins:display", kwargs={"location_id": location.pk}))
    assert screen.locator("html").get_attribute("lang") == language
    assert screen.locator("header, footer, nav, .site-header, .site-footer").count() == 0
    board = screen.locator("#display-board").bounding_box()
    assert board["width"] >= 1700  # the whole screen, not a 900 px column
    latest = screen.locator(".walkins-board__latest")
    assert latest.get_attribute("data-number") == first.number
    size = latest.locator("td").first.evaluate("(e) => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 120
    assert axe_violations(screen) == []

    services.call_ticket(second, counsellor)
    screen.locator(f".walkins-board__latest[data-number='{second.number}']").wait_for(
        timeout=15_000
    )
    screen.wait_for_function("() => document.body.dataset.newCalls === '1'")
    assert screen.locator("#display-board.walkins-board--new-call").count() == 1
    moving = screen.evaluate(MOVING)
    if motion == "reduce":
        assert moving == []  # a frame, no flashing
        outline = latest.evaluate("(e) => getComputedStyle(e).outlineStyle")
        assert outline == "solid"
    else:
        assert any("walkins-board__latest" in name for name in moving), moving
    # Language rotation kept (and stopped under reduce motion): the board carries a lang.
    assert screen.locator("#display-board").get_attribute("lang")


@pytest.mark.parametrize("language", LANGUAGES)
def test_ticket_page_stops_asking_to_stay_once_called(
    new_page,
    waiting_area,  # noqa: F811
    language,
):
    location, room, outreach, counsellor = waiting_area
    farsi = Language.objects.get(code="fa")
    ticket = services.register_walk_in(location, farsi, [], None, outreach)
    with translation.override(language):
        stay = translation.gettext(
            "Please stay in the waiting area. When your number is called, it is shown on the "
            "screen and here."
        )
    phone = new_page(viewport=PHONE, locale=LANGUAGES[language])
    phone.goto(f"/ticket/{ticket.public_token}/?lang={language}")
    assert stay in phone.locator("main").inner_text()
    services.call_ticket(ticket, counsellor)
    phone.locator("#ticket-status[data-status='called']").wait_for(timeout=20_000)
    assert stay not in phone.locator("main").inner_text()
    services.start_consultation(ticket, counsellor)
    services.finish(ticket, counsellor)
    phone.reload()
    assert stay not in phone.locator("main").inner_text()
    assert axe_violations(phone) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_walk_in_queue_is_cards_on_a_phone(new_page, waiting_area, language):  # noqa: F811
    location, room, outreach, counsellor = waiting_area
    farsi = Language.objects.get(code="fa")
    for _ in range(3):
        services.register_walk_in(location, farsi, [], None, outreach)
    page = new_page(viewport=PHONE, locale=LANGUAGES[language])
    login(page, outreach.username, STAFF_PASSWORD)
    page.goto(f"/staff/walkins/?location={location.pk}")
    assert page.locator("html").get_attribute("lang") == language
    overflow = page.evaluate(
        "() => document.querySelector('#walkins-queue-table .table-scroll').scrollWidth"
        " - document.querySelector('#walkins-queue-table .table-scroll').clientWidth"
    )
    assert overflow <= 1
    for card in page.locator("tr.walkins-queue__card").all():
        for part in (card.locator("td").nth(3), card.locator("button").first):
            box = part.bounding_box()
            assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"], box
    assert page.evaluate(BROKEN_WORDS, "th, button, .kern-btn") == []
    assert axe_violations(page) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_word_is_cut_in_headers_and_buttons(new_page, staff, waiting_area, language):  # noqa: F811
    from willkommen.accounts.models import Role
    from willkommen.directory.models import Offer

    location = waiting_area[0]
    for n in range(3):
        Offer.objects.create(
            reference=f"offer-{n}",
            title=f"Beratung für Geflüchtete und Zugewanderte aus Osteuropa {n}",
            description="Beratung",
            provider="Landsmannschaft der Deutschen aus Russland – Beratungsstelle",
            review_date="2030-01-01",
        )
    page = new_page(viewport=DESKTOP, locale=LANGUAGES[language])
    login(page, staff[Role.COORDINATOR].username, STAFF_PASSWORD)
    page.goto("/staff/directory/")
    assert page.evaluate(BROKEN_WORDS, "th, button, .kern-btn") == []
    page.goto(reverse("scheduling_staff:schedule_edit", kwargs={"location_id": location.pk}))
    hints = page.locator(".kern-form-check .kern-hint")
    assert hints.count() >= 1
    assert hints.first.bounding_box()["width"] > 200  # not one syllable per line
    assert page.evaluate(BROKEN_WORDS, ".kern-hint, th, button, .kern-btn") == []
    tablet = new_page(viewport=TABLET, locale=LANGUAGES[language])
    login(tablet, waiting_area[2].username, STAFF_PASSWORD)
    tablet.goto(f"/staff/walkins/?location={location.pk}")
    assert tablet.evaluate(BROKEN_WORDS, "th, button, .kern-btn") == []


def test_control_the_former_overflow_wrap_cuts_words(new_page, staff, waiting_area):  # noqa: F811
    """The same checks with the former ``body { overflow-wrap: anywhere }`` (set through
    the CSSOM, which the CSP allows) find the cut words and the narrow help text."""
    from willkommen.accounts.models import Role
    from willkommen.directory.models import Offer

    for n in range(3):
        Offer.objects.create(
            reference=f"offer-{n}",
            title=f"Beratung für Geflüchtete und Zugewanderte aus Osteuropa {n}",
            description="Beratung",
            provider="Landsmannschaft der Deutschen aus Russland – Beratungsstelle",
            review_date="2030-01-01",
        )
    page = new_page(viewport=DESKTOP)
    login(page, staff[Role.COORDINATOR].username, STAFF_PASSWORD)
    page.goto("/staff/directory/")
    page.evaluate("() => { document.body.style.overflowWrap = 'anywhere'; }")
    assert page.evaluate(BROKEN_WORDS, "th, button, .kern-btn") != []
