"""The proof-of-work widget on the details page: styled without breaking the CSP, in the
page's language, and solved in the background."""

import pytest

from .flows import booking_steps, small_office

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def office(organisations, make_staff, settings):
    return small_office(organisations, make_staff, settings)


@pytest.mark.parametrize(("lang", "verified"), [("ar", "تم التحقق"), ("de", "Überprüft")])
def test_widget_is_styled_translated_and_breaks_no_csp_rule(new_page, office, lang, verified):
    page = new_page()
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" or "Content Security Policy" in message.text
            else None
        ),
    )
    for step in booking_steps(page, lang=lang):
        if step == "details and captcha":
            break
    widget = page.locator("altcha-widget")
    # Solved (the flow waits for the solution) and saying so in the page's language.
    assert verified in widget.inner_text()
    # Its stylesheet applied: the box has the widget's border, not the browser default.
    border = page.evaluate(
        "getComputedStyle(document.querySelector('.altcha-main')).borderTopStyle"
    )
    assert border == "solid"
    assert page.locator("style#altcha-css").count() == 0  # nothing injected inline
    assert problems == []
