"""Statistics in German read as German: CLDR language names (not "Persian (Farsi)"),
decimal commas ("5,5 %"), readable week labels ("KW 11/2026", not "2026-W11"), on the
page and in the CSV export."""

from datetime import date, timedelta

import pytest
from django.utils import translation

from tests.conftest import make_location
from willkommen.accounts.models import Role
from willkommen.organisations.models import Language
from willkommen.statistics import dashboard, facts, rollups
from willkommen.statistics.models import ConsultationFact

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 10)


@pytest.fixture
def figures(organisations):
    location = make_location(organisations["office"], "Testhausen Center")
    Language.objects.create(code="fa", english_name="Persian (Farsi)", native_name="فارسی")
    ConsultationFact.objects.bulk_create(
        ConsultationFact(
            **facts.periods(DAY),
            organisation=organisations["caritas"],
            location=location,
            channel="walk_in",
            language_code="fa",
            interpreter="none",
            duration_minutes=30,
            status="held",
        )
        for _ in range(12)
    )
    rollups.rebuild_all()


def params():
    return {
        "first_day": (DAY - timedelta(days=5)).isoformat(),
        "last_day": (DAY + timedelta(days=5)).isoformat(),
        "granularity": "week",
    }


def test_page_and_csv_speak_german(figures, staff, client):
    client.force_login(staff[Role.COORDINATOR])
    client.cookies["django_language"] = "de"
    html = client.get("/staff/statistics/", params(), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    csv_text = client.get(
        "/staff/statistics/export.csv", params(), HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode("utf-8-sig")
    for text in (html, csv_text):
        assert "Persisch" in text and "Persian" not in text
        assert "KW 11/2026" in text and "2026-W11" not in text


def test_percentages_use_the_languages_decimal_mark():
    with translation.override("de"):
        assert dashboard._percent(11, 200) == "5,5\u00a0%"
    with translation.override("en"):
        assert dashboard._percent(11, 200) == "5.5\u00a0%"


def test_period_labels_are_readable():
    with translation.override("de"):
        assert dashboard.period_label(date(2026, 3, 9), "week") == "KW 11/2026"
        assert dashboard.period_label(date(2026, 3, 1), "month") == "März 2026"
        assert dashboard.period_label(date(2026, 3, 9), "day") == "09.03.2026"
