"""The inputs that gave a 500 (issue 19 "Low", issue 18 item 8), each answered with a clear
message (pages) or a structured 4xx (API) – on SQLite, and on PostgreSQL where the NUL
bytes broke every query (run with ``DATABASE_URL``). The systematic search for more is
``test_page_fuzz.py`` (pages) and ``tests/ops/test_api_schema.py`` (API)."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from tests.booking.web.conftest import external_form_data
from tests.consultations.factories import login_verified
from willkommen import inputs
from willkommen.accounts.models import Role
from willkommen.booking.models import ApiKey, Appointment
from willkommen.pages import input_guard

pytestmark = pytest.mark.django_db

NUL = "a\x00b"


@pytest.fixture
def browser():
    return Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def partner():
    _key, raw = ApiKey.issue("City portal")
    return {"X-Api-Key": raw}


@pytest.mark.parametrize("name", ["q", "place", "language", "topic", "topics"])
def test_nul_in_the_offer_search(browser, name):
    page = browser.get("/offers/", {name: NUL})
    assert page.status_code == 400
    assert "control characters" in page.content.decode()
    api = browser.get("/api/v1/offers", {name: NUL})
    assert api.status_code == 422 and api.json()["code"] == "invalid_input"


def test_nul_in_a_booking_name_and_in_a_path(browser, office, partner):
    body = {
        "service": office.service.pk,
        "start": office.at(9).isoformat(),
        "name": NUL,
        "email": "a@example.org",
    }
    api = browser.post("/api/v1/bookings", json.dumps(body), "application/json", headers=partner)
    assert api.status_code == 400 and api.json()["code"] == "invalid_characters"
    assert not Appointment.objects.exists()
    assert browser.get("/book/manage/AB%00CD/").status_code == 404
    assert browser.get("/api/v1/bookings/AB%00CD").json()["code"] == "not_found"


def test_nul_in_a_cookie_is_ignored(browser):
    browser.cookies["sessionid"] = "abcdefgh\x00ijkl"
    assert browser.get("/book/").status_code == 200


def test_dates_far_out_in_the_booking_flow(browser, office, partner):
    hold = reverse("booking:choose", kwargs={"service_id": office.service.pk})
    answer = browser.post(hold, {"start": "9999-12-31T23:59:59+00:00"})
    assert answer.status_code == 422 and "choose a time" in answer.content.decode()
    form = browser.post(
        reverse("booking:external"),
        external_form_data(browser, office, date="9999-12-31", time="23:59"),
    )
    assert (
        form.status_code == 200 and "too far in the past or in the future" in form.content.decode()
    )
    for start in ("0001-01-01T00:30:00+02:00", "9999-12-31T23:59:59+00:00"):
        body = {
            "location": office.location.pk,
            "start": start,
            "end": start,
            "consultation": {"language": "ar"},
            "name": "Omar",
            "email": "omar@example.org",
        }
        api = browser.post(
            "/api/v1/external-bookings", json.dumps(body), "application/json", headers=partner
        )
        assert api.status_code == 422 and api.json()["code"] == "invalid_input"
    assert not Appointment.objects.exists()


def test_dates_far_out_for_staff(browser, office, staff):
    browser.force_login(staff[Role.OFFICE_CLERK])
    for name in ("booking_staff:calendar", "booking_staff:export"):
        page = browser.get(reverse(name), {"date": "9999-12-31"})
        assert page.status_code == 200, name
    assert (
        "too far in the past"
        in browser.get(
            reverse("booking_staff:calendar"), {"date": "9999-12-31"}, follow=True
        ).content.decode()
    )
    lead = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    login_verified(lead, staff[Role.ORGANISATION_LEAD])
    api = lead.get("/api/v1/consultations", {"day": "9999-12-31"})
    assert api.status_code == 422 and api.json()["code"] == "invalid_input"
    coordinator = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    coordinator.force_login(staff[Role.COORDINATOR])
    report = coordinator.get(reverse("statistics_staff:report"), {"month": "9999-12"})
    assert report.status_code == 200 and "too far in the past" in report.content.decode()


def test_ids_past_the_databases_integers(browser, staff):
    browser.force_login(staff[Role.COUNSELLOR])
    huge = "99999999999999999999"
    page = browser.get(reverse("directory_staff:referral_sheet"), {"offers": huge})
    assert page.status_code < 500
    assert inputs.parse_id(huge) is None and inputs.parse_id("²") is None
    assert inputs.parse_id(" 42 ") == 42


def test_api_bodies_over_the_limit_get_the_json_error(browser):
    answer = browser.post("/api/v1/bookings", "x" * 3_000_000, content_type="application/json")
    assert answer.status_code == 413
    assert answer.json()["code"] == "too_large" and "MB" in answer.json()["detail"]


def test_control_without_the_guard_a_nul_reaches_the_view(browser, monkeypatch):
    """Control: with the page guard switched off the NUL reaches the search (on
    PostgreSQL that query fails with DataError)."""
    monkeypatch.setattr(input_guard, "has_forbidden_characters", lambda text: False)
    page = browser.get("/offers/", {"q": NUL})
    assert page.status_code != 400


def test_control_without_the_range_check_the_hold_overflows(browser, office, monkeypatch):
    """Control: the old parser (any aware ISO moment) lets 9999-12-31 through to a 500."""
    from datetime import datetime

    monkeypatch.setattr(inputs, "parse_aware_datetime", lambda text: datetime.fromisoformat(text))
    hold = reverse("booking:choose", kwargs={"service_id": office.service.pk})
    answer = browser.post(hold, {"start": "9999-12-31T23:59:59+00:00"})
    assert answer.status_code == 500
    assert office.day - timedelta(days=1) < office.day
