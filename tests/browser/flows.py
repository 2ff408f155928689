"""The booking flow driven by the mouse, step by step, for the tests that look at each page
(zoom, motion, page weight, slow network) rather than at how it is operated."""

from django.core.cache import cache

from tests.booking.web.office import build_office

CAPTCHA_SOLVED = (
    "() => { const f = document.querySelector('input[name=altcha]');"
    " return f && f.value.length > 20; }"
)


def small_office(organisations, make_staff, settings):
    cache.clear()
    settings.BOOKING_CAPTCHA_COST = 1  # the widget solves it at once in tests
    return build_office(organisations, make_staff)


def click_and_load(page, locator):
    """Clicks and waits until the next page has loaded, stylesheets included, so that
    nobody measures a page half laid out."""
    with page.expect_navigation(wait_until="load"):
        locator.click()


def booking_steps(page, lang="de", email="amal@example.org"):
    """Walks through the booking with a consultation in Arabic; yields a name for each
    page of the flow once it has loaded, so the caller can look at it."""
    page.goto(f"/book/?lang={lang}")
    yield "concern"
    click_and_load(page, page.locator(".choice-list__item").first)
    yield "documents and days"
    click_and_load(page, page.locator(".month-grid__day").first)
    yield "day with free times"
    page.locator("#id_consultation").check()
    page.locator("#id_language").select_option("ar")
    page.locator("input[name=topics][value=forms]").check()
    click_and_load(
        page,
        page.locator("section[aria-labelledby=consultation-heading] button[type=submit]"),
    )
    assert page.locator(".slot__extra").count() > 0, page.locator("main").inner_text()
    yield "times with consultation"
    click_and_load(page, page.locator(".slot-list button.slot").first)
    page.wait_for_function(CAPTCHA_SOLVED, timeout=60_000)
    yield "details and captcha"
    page.locator("#id_name").fill("Amal Haddad")
    page.locator("#id_email").fill(email)
    page.locator("#id_privacy").check()
    click_and_load(page, page.locator("#details-form button[type=submit]"))
    assert page.locator(".booking-code strong").is_visible()
    yield "confirmation"
