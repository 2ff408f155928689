"""Issue 18, item 2: one shared address (a shelter, the waiting room's Wi-Fi, a carrier's
NAT) must not lock people out. A valid token always works, whatever was refused from the
same address; refused links are limited per booking code and, per address, with growing
delays (exponential back-off) whose ``Retry-After`` and page text say the real time left."""

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from willkommen.booking import services

from .conftest import book, manage_link

pytestmark = pytest.mark.django_db

SHORT = override_settings(
    BOOKING_RATE_LIMIT_BAD_LINKS=(3, 3600),
    BOOKING_LINK_BACKOFF_SECONDS=60,
    BOOKING_LINK_BACKOFF_MAX_SECONDS=200,
)
SHELTER = "203.0.113.50"


@pytest.fixture
def booked(office):
    def make(hour=9, email="layla@example.org"):
        result = services.book(office.service.pk, office.at(hour), name="Layla", email=email)
        return result.appointment, result.manage_token

    return make


def api_get(client, code, token, address=SHELTER):
    return client.get(
        f"/api/v1/bookings/{code}", headers={"X-Manage-Token": token}, REMOTE_ADDR=address
    )


def refuse_until_waiting(client, code, address=SHELTER):
    """Wrong tokens from ``address`` until it has to wait; the statuses seen."""
    return [api_get(client, code, "forged", address).status_code for _ in range(4)]


@SHORT
def test_a_fresh_bookings_confirmation_page_works_while_the_address_waits(client, office, booked):
    other, _token = booked(11, "someone@example.org")
    assert refuse_until_waiting(client, other.code, "127.0.0.1") == [403, 403, 403, 429]
    # The next person on the same Wi-Fi books and lands on the confirmation page.
    response = book(client, office, office.at(9))
    page = client.get(response["Location"] + "?lang=en")
    assert page.status_code == 200
    assert "Too many attempts" not in page.content.decode()
    code, _token = manage_link(response)
    assert code in page.content.decode()


@SHORT
def test_valid_manage_links_work_while_the_address_waits(client, booked):
    appointment, token = booked()
    stranger, _other = booked(10, "b@example.org")
    assert refuse_until_waiting(client, stranger.code) == [403, 403, 403, 429]
    assert api_get(client, appointment.code, token).status_code == 200
    # The HTML link too (the token moves into the session, the clean address answers).
    url = reverse("booking:manage", kwargs={"code": appointment.code})
    page = client.get(f"{url}?token={token}&lang=en", REMOTE_ADDR=SHELTER, follow=True)
    assert page.status_code == 200 and "Manage your booking" in page.content.decode()
    # … and a wrong one from the same address is still refused.
    assert api_get(client, appointment.code, "forged").status_code == 429


@SHORT
def test_the_delays_grow_and_retry_after_is_the_real_time_left(client, booked):
    appointment, _token = booked()
    with time_machine.travel(appointment.start.timestamp() - 86400 * 1, tick=False) as moment:
        assert refuse_until_waiting(client, appointment.code, "198.51.100.1")[:3] == [403] * 3
        first = api_get(client, appointment.code, "forged", "198.51.100.1")
        assert first.status_code == 429 and int(first["Retry-After"]) == 60
        moment.shift(45)
        assert int(api_get(client, "ZZZZZZZZZZ", "x", "198.51.100.1")["Retry-After"]) == 15
        moment.shift(16)
        # The wait is over: one more refused link (another code) starts a wait twice as long.
        assert api_get(client, "ZZZZZZZZZY", "forged", "198.51.100.1").status_code == 403
        second = api_get(client, "ZZZZZZZZZX", "forged", "198.51.100.1")
        assert second.status_code == 429 and int(second["Retry-After"]) == 120
        moment.shift(121)
        assert api_get(client, "ZZZZZZZZZW", "forged", "198.51.100.1").status_code == 403
        # 240 s would be next, the cap (200 s) holds.
        third = api_get(client, "ZZZZZZZZZV", "forged", "198.51.100.1")
        assert int(third["Retry-After"]) == 200


@SHORT
def test_the_page_says_how_long_to_wait_from_the_real_time_left(client, booked):
    appointment, _token = booked()
    url = reverse("booking:manage", kwargs={"code": appointment.code})
    with time_machine.travel(appointment.start.timestamp() - 86400, tick=False) as moment:
        for _ in range(3):
            client.get(f"{url}?token=forged&lang=en")
        page = client.get(f"{url}?token=forged&lang=en")
        assert page.status_code == 429 and page["Retry-After"] == "60"
        assert "try again in 1 minute." in page.content.decode()
        moment.shift(61)
        # Another code (this one has used up its own limit): refused, the next wait 120 s.
        other = reverse("booking:manage", kwargs={"code": "ZZZZZZZZZZ"})
        assert client.get(f"{other}?token=forged&lang=en").status_code == 404
        page = client.get(f"{other}?token=forged&lang=de")
        assert page["Retry-After"] == "120"
        assert "2 Minuten" in page.content.decode()


@SHORT
def test_guesses_on_one_code_from_many_addresses_are_limited_per_code(client, booked):
    appointment, token = booked()
    statuses = [
        api_get(client, appointment.code, "forged", f"192.0.2.{number}").status_code
        for number in range(1, 6)
    ]
    assert statuses == [403, 403, 403, 429, 429]
    # The owner is not locked out by the guessers.
    assert api_get(client, appointment.code, token, "192.0.2.99").status_code == 200


@SHORT
def test_valid_links_do_not_count_and_expired_links_are_not_guesses(client, booked):
    appointment, token = booked()
    for _ in range(10):
        assert api_get(client, appointment.code, token).status_code == 200
    # Two refused links are still free after ten good ones.
    assert [api_get(client, "ZZZZZZZZZZ", "x").status_code for _ in range(2)] == [403, 403]
    with time_machine.travel(appointment.end.timestamp() + 7200, tick=False):
        # Over: the link was issued, it only ran out; that is no guess and costs nothing.
        for _ in range(4):
            assert api_get(client, appointment.code, token).status_code == 403
        assert api_get(client, "ZZZZZZZZZY", "x").status_code == 403


@SHORT
@override_settings(RATELIMIT_ENABLE=False)
def test_control_without_limits_nothing_waits(client, booked):
    appointment, _token = booked()
    assert set(refuse_until_waiting(client, appointment.code)) == {403}
