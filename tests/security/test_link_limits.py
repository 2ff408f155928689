"""Rate limits of the private links and of every public write (willkommen/booking/limits.py,
docs/security.md): refused links per code and per address, changes per booking and per
address – on the HTML pages (429 page in the client's language) and in the API (429 with
the structured body and ``Retry-After``). Each limit has a control test: without the limit
the same requests go through."""

import json

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.booking.web.conftest import api_booking, external_form_data, hold, submit_details
from willkommen.booking.tokens import make_confirm_token
from willkommen.clock import LOCAL_ZONE

pytestmark = pytest.mark.django_db

FEW_BAD_LINKS = override_settings(BOOKING_RATE_LIMIT_BAD_LINKS=(3, 3600))
FEW_CHANGES = override_settings(BOOKING_RATE_LIMIT_CHANGES=(2, 3600))
NO_LIMITS = override_settings(RATELIMIT_ENABLE=False)


def _api_get(client, code, token):
    return client.get(f"/api/v1/bookings/{code}", headers={"X-Manage-Token": token})


def _assert_api_429(response):
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert 0 < int(response["Retry-After"]) <= 3600


# Refused links -----------------------------------------------------------------------------


@FEW_BAD_LINKS
def test_api_refused_tokens_are_limited_per_code_and_the_owner_keeps_access(client, booking):
    appointment, token = booking()
    statuses = [_api_get(client, appointment.code, "forged").status_code for _ in range(4)]
    assert statuses == [403, 403, 403, 429]
    _assert_api_429(_api_get(client, appointment.code, "forged"))
    # The real client (elsewhere) is not locked out by someone trying their code …
    owner = client.get(
        f"/api/v1/bookings/{appointment.code}",
        headers={"X-Manage-Token": token},
        REMOTE_ADDR="198.51.100.23",
    )
    assert owner.status_code == 200
    # … and a valid token works from the guessing address too (issue 18: one shared address
    # must not lock people out; an HMAC-signed token cannot be guessed) …
    assert _api_get(client, appointment.code, token).status_code == 200
    # … while wrong ones stay refused.
    _assert_api_429(_api_get(client, appointment.code, "forged"))


@FEW_BAD_LINKS
def test_a_missing_code_and_an_existing_one_are_limited_alike(client, booking):
    """The limit must not become an oracle for which codes exist."""
    appointment, _token = booking()
    missing = "ZZZZZZZZZZ" if appointment.code != "ZZZZZZZZZZ" else "YYYYYYYYYY"
    real = [_api_get(client, appointment.code, "forged") for _ in range(4)]
    # Another address, so that the per-address count of the first run does not interfere.
    fake = [
        client.get(
            f"/api/v1/bookings/{missing}",
            headers={"X-Manage-Token": "forged"},
            REMOTE_ADDR="192.0.2.7",
        )
        for _ in range(4)
    ]
    assert [(r.status_code, r.content) for r in real] == [(f.status_code, f.content) for f in fake]


@FEW_BAD_LINKS
def test_refused_links_are_limited_per_address_across_codes(client):
    """Trying many codes from one address: the per-address count stops it."""
    codes = ["AAAAAAAAA" + letter for letter in "BCDE"]
    statuses = [_api_get(client, code, "forged").status_code for code in codes]
    assert statuses == [403, 403, 403, 429]


@FEW_BAD_LINKS
def test_html_refused_links_get_the_429_page(client, booking):
    appointment, _token = booking()
    url = reverse("booking:manage", kwargs={"code": appointment.code}) + "?token=forged&lang=en"
    pages = [client.get(url) for _ in range(4)]
    assert [page.status_code for page in pages] == [404, 404, 404, 429]
    assert "Too many attempts" in pages[-1].content.decode()
    assert int(pages[-1]["Retry-After"]) > 0
    assert "Layla" not in pages[-1].content.decode()


@FEW_BAD_LINKS
def test_refused_confirm_links_count_too(client, booking):
    appointment, _token = booking()
    url = reverse("booking:confirm", kwargs={"code": appointment.code}) + "?lang=en"
    statuses = [client.post(url, {"token": "forged"}).status_code for _ in range(3)]
    api = client.post(
        f"/api/v1/bookings/{appointment.code}/confirm", headers={"X-Confirm-Token": "forged"}
    )
    assert statuses == [404, 404, 404]
    _assert_api_429(api)


@FEW_BAD_LINKS
@NO_LIMITS
def test_control_without_limits_refused_links_stay_403(client, booking):
    appointment, _token = booking()
    statuses = {_api_get(client, appointment.code, "forged").status_code for _ in range(6)}
    assert statuses == {403}


# Changes through a valid link ---------------------------------------------------------------


def _html_move(client, appointment, token):
    url = reverse("booking:move", kwargs={"code": appointment.code}) + "?lang=en"
    # No start: the page asks for a time; the attempt still counts as a change.
    return client.post(url, {"token": token})


@FEW_CHANGES
def test_html_changes_are_limited_per_booking(client, booking):
    appointment, token = booking()
    pages = [_html_move(client, appointment, token) for _ in range(3)]
    assert [page.status_code for page in pages] == [200, 200, 429]
    assert "Too many attempts" in pages[-1].content.decode()
    assert pages[-1]["Retry-After"]
    cancel = client.post(
        reverse("booking:cancel", kwargs={"code": appointment.code}), {"token": token}
    )
    assert cancel.status_code == 429
    appointment.refresh_from_db()
    assert appointment.status == "booked"


@FEW_CHANGES
@NO_LIMITS
def test_control_without_limits_html_changes_go_on(client, booking):
    appointment, token = booking()
    assert {_html_move(client, appointment, token).status_code for _ in range(4)} == {200}


@override_settings(BOOKING_RATE_LIMIT_CHANGES_PER_IP=(2, 3600))
def test_changes_are_limited_per_address_across_bookings(client, booking):
    first, second = booking(9, "a@example.org"), booking(10, "b@example.org")
    third = booking(11, "c@example.org")
    statuses = [
        _html_move(client, appointment, token).status_code
        for appointment, token in (first, second, third)
    ]
    assert statuses == [200, 200, 429]


def _api_change(booking, office):
    """(appointment, its API URL, the manage-token header, a move to 9:00 as JSON)."""
    appointment, token = booking()
    body = json.dumps({"start": office.at(9).astimezone(LOCAL_ZONE).isoformat()})
    return appointment, f"/api/v1/bookings/{appointment.code}", {"X-Manage-Token": token}, body


@FEW_CHANGES
def test_api_changes_are_limited_per_booking(client, booking, office):
    appointment, url, headers, body = _api_change(booking, office)
    first = client.patch(url, body, "application/json", headers=headers)
    second = client.patch(url, body, "application/json", headers=headers)
    assert first.status_code != 429 and second.status_code != 429
    _assert_api_429(client.patch(url, body, "application/json", headers=headers))
    _assert_api_429(client.delete(url, headers=headers))
    confirm = client.post(
        f"{url}/confirm", headers={"X-Confirm-Token": make_confirm_token(appointment)}
    )
    _assert_api_429(confirm)
    # Reading is not a change: the client still sees the booking, still booked.
    page = client.get(url, headers=headers)
    assert page.status_code == 200 and page.json()["status"] == "booked"


@FEW_CHANGES
@NO_LIMITS
def test_control_without_limits_api_cancel_goes_through(client, booking, office):
    _appointment, url, headers, body = _api_change(booking, office)
    for _ in range(2):
        client.patch(url, body, "application/json", headers=headers)
    assert client.delete(url, headers=headers).status_code == 200


# New bookings: the HTML forms answer 429 too --------------------------------------------------


@override_settings(BOOKING_RATE_LIMIT_PER_CONTACT=(4, 86400), BOOKING_MAX_OPEN_PER_CONTACT=9)
def test_html_details_answer_429_with_the_message(client, office):
    """Without the captcha's JavaScript the stricter half limit (2) applies."""
    pages = []
    for hour in (9, 10, 11):
        hold(client, office, office.at(hour))
        pages.append(submit_details(client, email="same@example.org", with_captcha=False))
    assert [page.status_code for page in pages] == [302, 302, 429]
    assert "Too many attempts" in pages[2].content.decode()
    assert int(pages[2]["Retry-After"]) > 0


@override_settings(BOOKING_RATE_LIMIT_PER_CONTACT=(4, 86400), BOOKING_MAX_OPEN_PER_CONTACT=9)
def test_html_details_answer_429_in_the_clients_language(client, office):
    for hour in (9, 10):
        hold(client, office, office.at(hour), lang="de")
        submit_details(client, email="same@example.org", lang="de", with_captcha=False)
    hold(client, office, office.at(11), lang="de")
    page = submit_details(client, email="same@example.org", lang="de", with_captcha=False)
    assert page.status_code == 429
    html = page.content.decode()
    assert "Zu viele Versuche" in html and "Too many attempts" not in html


@override_settings(BOOKING_RATE_LIMIT_PER_IP=(1, 3600))
def test_html_external_form_answers_429(client, office):
    url = reverse("booking:external") + "?lang=en"
    answers = [
        client.post(url, external_form_data(client, office, phone=phone))
        for phone in ("0151 23456789", "0151 23456788")
    ]
    assert answers[0].status_code == 302
    assert answers[1].status_code == 429 and answers[1]["Retry-After"]
    assert "Too many attempts" in answers[1].content.decode()


@override_settings(
    BOOKING_RATE_LIMIT_PER_IP=(1, 3600), BOOKING_CAPTCHA_KEY_PREFIX="0", BOOKING_CAPTCHA_COST=1
)
def test_api_booking_429_has_retry_after_and_is_not_replayed(client, office):
    """A 429 under an Idempotency-Key is not stored as the answer: once the wait is over
    (here: the limit lifted), the same key books."""

    def attempt(hour, key):
        return api_booking(
            client, office, hour, f"bot{hour}@example.org", headers={"Idempotency-Key": key}
        )

    assert attempt(9, "one").status_code == 201
    _assert_api_429(attempt(10, "two"))
    with override_settings(RATELIMIT_ENABLE=False):
        assert attempt(10, "two").status_code == 201
