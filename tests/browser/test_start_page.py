import pytest

from .conftest import PHONE, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_start_page_in_german_is_ltr_and_has_no_axe_violation(new_page):
    page = new_page()
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.get_by_role("heading", level=1).is_visible()
    assert axe_violations(page) == []


def test_start_page_in_arabic_is_rtl_and_has_no_axe_violation(new_page):
    page = new_page()
    page.goto("/?lang=ar")
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert axe_violations(page) == []


def test_language_switcher_works_without_javascript(new_page):
    page = new_page(java_script_enabled=False)
    page.goto("/")
    page.select_option("#language-select", "fa")
    page.locator(".language-switcher button").click()
    assert page.locator("html").get_attribute("lang") == "fa"
    assert page.locator("html").get_attribute("dir") == "rtl"


def test_start_page_fits_a_320px_phone(new_page):
    page = new_page(viewport={"width": 320, "height": 640})
    page.goto("/?lang=ar")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_skip_link_moves_focus_to_main_content(new_page):
    page = new_page(viewport=PHONE)
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skip-link" in focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
