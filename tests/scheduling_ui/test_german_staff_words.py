"""German staff pages show German words: the holiday names of the ``holidays`` library in
the UI language ("1. Weihnachtstag", not "Christmas Day"), and the audit log's stored
codes as translated labels ("Liste der Beratungen · Tag 04.12.2026", not
"consultation_list · day 2026-12-04")."""

from datetime import date

import holidays
import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from willkommen.accounts.models import Role
from willkommen.scheduling.public_holidays import holiday_language

pytestmark = pytest.mark.django_db


def christmas_name(language):
    names = holidays.country_holidays("DE", subdiv="NI", years=2026, language=language)
    return names[date(2026, 12, 25)]


def test_location_page_names_holidays_in_german(client, staff, location):
    client.force_login(staff[Role.COORDINATOR])
    url = reverse("scheduling_staff:location", kwargs={"location_id": location.pk})
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert christmas_name("de") in html and christmas_name("en_US") not in html
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert christmas_name("en_US") in english


def test_control_without_a_language_the_library_answers_in_english():
    names = holidays.country_holidays("DE", subdiv="NI", years=2026)
    assert names[date(2026, 12, 25)] == christmas_name("en_US") != christmas_name("de")


def test_holiday_language_falls_back_to_the_official_german_names():
    assert holiday_language("de") == "de" and holiday_language("uk") == "uk"
    assert holiday_language("en") == "en_US" and holiday_language("ar") == "de"


@pytest.mark.parametrize(
    "object_type, detail, expected",
    [
        ("consultation_list", "day 2026-12-04", "Liste der Beratungen · Tag 04.12.2026"),
        ("consultation", "no_consent", "abgelehnt: Name oder Kontakt ohne Einwilligung"),
        ("clientrecord", "3 records anonymised", "3 Dokumentationen anonymisiert"),
        ("booking", "something new", "something new"),  # an unknown code stays readable
    ],
)
def test_audit_codes_are_shown_as_words(object_type, detail, expected):
    template = Template(
        "{% load audit_labels %}{{ object_type|audit_object }} · {{ detail|audit_detail }}"
    )
    with translation.override("de"):
        shown = template.render(Context({"object_type": object_type, "detail": detail}))
    assert expected in shown
    assert "_" not in shown.split(" · ", 1)[0]


def test_audit_log_page_shows_words_not_codes(client, staff):
    from tests.consultations.factories import login_verified

    lead = staff[Role.ORGANISATION_LEAD]
    login_verified(client, lead)
    client.get(reverse("consultations_staff:day"))
    html = client.get(
        reverse("consultations_staff:audit_log"), HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    assert "Liste der Beratungen" in html and "consultation_list" not in html
