"""The issue's "Done when": the coordinator dashboard shows a generated year of demo
activity with charts and tables, CSV and XLSX download, and no axe violations."""

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from .conftest import PHONE, axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())  # includes the statistics demo year


def test_coordinator_sees_a_year_with_charts_tables_and_exports(demo, new_page):
    page = new_page()
    login(page, "coordinator", "willkommen-demo")
    page.goto("/staff/statistics/")
    headline = page.locator("#statistics-headline").inner_text()
    assert any(character.isdigit() for character in headline)
    assert page.locator("svg.statistics-chart[role=img]").count() >= 5
    assert page.locator("#table-per_period tbody tr").count() >= 50  # a year in weeks
    assert page.locator("#table-organisation_channel tbody tr").count() >= 3
    assert axe_violations(page) == []

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    assert download_info.value.suggested_filename.endswith(".csv")
    with open(download_info.value.path(), encoding="utf-8-sig") as downloaded:
        text = downloaded.read()
    assert "Hannover Service Center" in text

    with page.expect_download() as download_info:
        page.get_by_role("link", name="XLSX").click()
    assert download_info.value.suggested_filename.endswith(".xlsx")
    with open(download_info.value.path(), "rb") as downloaded:
        workbook = load_workbook(io.BytesIO(downloaded.read()))
    assert len(workbook.worksheets) > 5

    # Filtering by month granularity without JavaScript semantics: a plain GET form.
    page.select_option("#id_granularity", "month")
    page.locator("form.statistics-filters button[type=submit]").click()
    # count() does not wait: without this it may read the page in between (0 rows).
    page.wait_for_url("**granularity=month**")
    page.wait_for_load_state()
    assert page.locator("#table-per_period tbody tr").count() in (13, 14)
    assert axe_violations(page) == []

    page.goto("/staff/statistics/report/")
    assert page.locator("svg.statistics-chart").count() >= 1
    assert axe_violations(page) == []


@pytest.mark.parametrize("locale", ["de-DE", "ar"])
def test_dashboard_fits_a_phone(demo, new_page, locale):
    page = new_page(viewport=PHONE, locale=locale)
    login(page, "coordinator", "willkommen-demo")
    page.goto("/staff/statistics/")
    if locale == "ar":
        assert page.locator("html").get_attribute("dir") == "rtl"
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    assert axe_violations(page) == []
