"""The phone picker of /book/concern/<id>/ in a 390 x 844 browser (issue 18, item 4): the
consultation first, the next free times, the month grid, and after choosing a day the
times right at the top of the screen, with the focus on their heading. axe-core and a
keyboard-only walk in all seven languages; the same page without JavaScript."""

import pytest

from .conftest import axe_violations
from .flows import click_and_load, small_office
from .keyboard import FOCUS_MATCHES, choose_option, follow, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL_PHONE = {"width": 390, "height": 844}
LANGUAGES = ["de", "en", "ar", "fa", "tr", "ru", "uk"]
RTL = {"ar", "fa"}

FIRST_TIME_TOP = (
    "() => { const b = document.querySelector('#times .slot');"
    " return b ? Math.round(b.getBoundingClientRect().top) : null; }"
)
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def office(organisations, make_staff, settings):
    return small_office(organisations, make_staff, settings)


def settle(page, rounds=30):
    """The browser's own jump to an anchor may come a little after "load", and KERN
    scrolls smoothly: wait (from Python, so it works without JavaScript in the page too)
    until the scroll position has stayed put for a moment."""
    last, still = None, 0
    for _ in range(rounds):
        page.wait_for_timeout(100)
        position = page.evaluate("window.scrollY")
        still = still + 1 if position == last else 0
        last = position
        if still >= 3:
            return


def first_time_top(page):
    settle(page)
    return page.evaluate(FIRST_TIME_TOP)


def picker_url(office, lang, query=""):
    return f"/book/concern/{office.service.pk}/?lang={lang}{query}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_keyboard_and_axe_through_the_picker(new_page, office, lang):
    """Consultation, then a day of the grid, then a time: by keyboard alone, with the
    focus brought to each next step, and no axe violation on any state of the page."""
    page = new_page(viewport=SMALL_PHONE)
    page.goto(picker_url(office, lang))
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang in RTL else "ltr")
    assert axe_violations(page) == []
    assert page.evaluate(OVERFLOW) <= 0
    # The consultation is asked first; its details appear once it is ticked.
    assert not page.locator("#id_language").is_visible()
    tab_to(page, "#id_consultation")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUS_MATCHES, "#id_language")
    choose_option(page, "ar")
    follow(page, "#consultation button[type=submit]")
    # The next free times, each with its consultation; the focus is on their heading.
    assert page.evaluate(FOCUS_MATCHES, "#next-heading")
    assert page.locator("#next .slot__extra").count() > 0
    assert axe_violations(page) == []
    # A day of the month grid: the page opens at its times, focus on their heading.
    follow(page, ".month-grid__day")
    assert page.evaluate(FOCUS_MATCHES, "#time-heading")
    assert 0 <= first_time_top(page) < 200
    assert page.locator("#times .slot__extra").count() > 0
    assert axe_violations(page) == []
    assert page.evaluate(OVERFLOW) <= 0
    # The next Tab is the first time; Enter chooses it.
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUS_MATCHES, "#times .slot")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/book/details/" in page.url


def test_first_time_is_near_the_top_after_choosing_a_day(new_page, office):
    """The figure of the issue: where the first time button is after choosing a day.
    Before: the same page opened at its top (no anchor); after: at ``#times``."""
    page = new_page(viewport=SMALL_PHONE)
    day = f"&day={office.day.isoformat()}"
    page.goto(picker_url(office, "de", day))
    before = first_time_top(page)
    page.goto(picker_url(office, "de"))
    day_link = page.locator(f".month-grid__day[href*='day={office.day.isoformat()}']")
    if day_link.count() == 0:  # the day lies in the next month
        click_and_load(page, page.locator(".month-nav__link--next"))
        day_link = page.locator(f".month-grid__day[href*='day={office.day.isoformat()}']")
    click_and_load(page, day_link)
    after = first_time_top(page)
    page_height = page.evaluate("document.documentElement.scrollHeight")
    print(f"first time button: before {before}px, after {after}px, page {page_height}px")
    assert 0 <= after < 150
    assert before > 844  # without the anchor the times are below the first screen


def test_without_javascript_the_anchor_still_brings_the_times(new_page, office):
    page = new_page(viewport=SMALL_PHONE, java_script_enabled=False)
    page.goto(picker_url(office, "ar"))
    # Without JavaScript the consultation's details are simply shown.
    assert page.locator("#id_language").is_visible()
    click_and_load(page, page.locator(".month-grid__day").first)
    assert page.url.endswith("#times")
    assert 0 <= first_time_top(page) < 200
    click_and_load(page, page.locator("#times .slot").first)
    assert "/book/details/" in page.url


def test_a_next_free_time_books_in_two_taps(new_page, office):
    page = new_page(viewport=SMALL_PHONE)
    page.goto(picker_url(office, "uk"))
    first = page.locator("#next .slot").first
    assert first.is_visible()
    box = first.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44  # a touch target
    click_and_load(page, first)
    assert "/book/details/" in page.url
    assert axe_violations(page) == []


def test_choose_another_day_moves_the_focus_to_the_grid(new_page, office):
    page = new_page(viewport=SMALL_PHONE)
    page.goto(picker_url(office, "fa", f"&day={office.day.isoformat()}#times"))
    assert page.evaluate(FOCUS_MATCHES, "#time-heading")
    page.locator("#times a[href='#month']").click()
    assert page.evaluate(FOCUS_MATCHES, "#day-heading")
    settle(page)
    month_top = page.evaluate("document.getElementById('month').getBoundingClientRect().top")
    assert 0 <= month_top < 100
