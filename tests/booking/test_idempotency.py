"""Idempotency-Key after authentication (willkommen/booking/idempotency.py): a stored answer
carries the client's code, manage token and consultation, so it goes back only to the
caller who caused it – the verified API key, or the anonymous caller's address.

Control: with the old order (the store read before the key is verified, scoped by the first
11 characters of the claimed ``X-Api-Key``) a forged prefix gets the partner's answer and
can claim the partner's keys in advance."""

import json
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from willkommen.booking import captcha, idempotency
from willkommen.booking.availability import find_slots
from willkommen.booking.models import ApiKey, Appointment, IdempotencyRecord
from willkommen.client_address import client_ip

pytestmark = [pytest.mark.django_db]

EASY_CAPTCHA = override_settings(BOOKING_CAPTCHA_KEY_PREFIX="0", BOOKING_CAPTCHA_COST=1)


@pytest.fixture
def partner():
    _key, raw = ApiKey.issue("City portal")
    return raw


def forged(raw_key):
    """A key with the partner's public prefix and a made-up secret."""
    return raw_key[:11] + "_made-up-secret-made-up-secret-made-up-sec"


@pytest.fixture
def body(world):
    today = timezone.localdate()
    slot = find_slots(world.service, today, today + timedelta(days=14))[0]
    return {
        "service": world.service.id,
        "start": slot.start.isoformat(),
        "name": "Layla",
        "email": "layla@example.org",
        "consultation": {"language": "ar"},
    }


def send(client, body, api_key=None, key="order-4711", **extra):
    headers = {"Idempotency-Key": key}
    if api_key:
        headers["X-Api-Key"] = api_key
    return client.post(
        "/api/v1/bookings",
        json.dumps(body),
        content_type="application/json",
        headers=headers,
        **extra,
    )


def test_the_partners_retry_replays_under_its_verified_key(client, partner, body):
    first, retry = send(client, body, partner), send(client, body, partner)
    assert first.status_code == retry.status_code == 201
    assert first.json() == retry.json()
    assert Appointment.objects.count() == 1
    assert IdempotencyRecord.objects.get().scope == f"key:{ApiKey.objects.get().pk}"


def test_a_forged_key_prefix_gets_no_replay(client, partner, body):
    assert send(client, body, partner).status_code == 201
    answer = send(client, body, forged(partner))
    assert answer.status_code == 422
    assert answer.json() == {"detail": "The API key is invalid.", "code": "captcha_invalid"}
    assert IdempotencyRecord.objects.count() == 1


def test_a_forged_key_cannot_claim_the_partners_key_in_advance(client, partner, body):
    assert send(client, body, forged(partner), key="next-order").status_code == 422
    assert not IdempotencyRecord.objects.exists()  # an invalid key never reaches the store
    assert send(client, body, partner, key="next-order").status_code == 201


@EASY_CAPTCHA
def test_anonymous_callers_are_scoped_by_their_address(client, body, world):
    def anonymous(address, email):
        solution = captcha.solve(client.get("/api/v1/captcha").json())
        plain = {name: value for name, value in body.items() if name != "consultation"}
        return send(client, plain | {"email": email, "captcha": solution}, REMOTE_ADDR=address)

    first = anonymous("198.51.100.1", "a@example.org")
    other = anonymous("198.51.100.2", "b@example.org")
    assert first.status_code == 201
    # Another caller's key of the same name is theirs: no replay and no "key reused".
    assert other.status_code == 201 and other.json()["code"] != first.json()["code"]
    assert set(IdempotencyRecord.objects.values_list("scope", flat=True)) == {
        "ip:198.51.100.1",
        "ip:198.51.100.2",
    }


def test_without_a_client_address_there_is_no_replay(rf):
    request = rf.post("/api/v1/bookings", REMOTE_ADDR="")
    assert client_ip(request) is None and idempotency.scope_for(request, None) is None
    answers = iter([(201, {"n": 1}), (201, {"n": 2})])
    assert idempotency.run_once(request, "k", None, lambda: next(answers)) == (201, {"n": 1})
    assert idempotency.run_once(request, "k", None, lambda: next(answers)) == (201, {"n": 2})
    assert not IdempotencyRecord.objects.exists()


def the_old_order(monkeypatch):
    """The store read before the key is verified, scoped by the claimed key's prefix."""
    monkeypatch.setattr(idempotency, "authenticate_partner", ApiKey.authenticate)
    monkeypatch.setattr(
        idempotency,
        "scope_for",
        lambda request, _partner: (
            (request.headers.get("X-Api-Key") or "")[:11] or f"ip:{client_ip(request)}"
        ),
    )


def test_control_the_old_order_hands_the_partners_answer_to_a_forged_prefix(
    client, partner, body, monkeypatch
):
    the_old_order(monkeypatch)
    mine = send(client, body, partner)
    stolen = send(client, body, forged(partner))
    assert mine.status_code == stolen.status_code == 201
    assert stolen.json()["manage_token"] == mine.json()["manage_token"]
    assert stolen.json()["consultation"]["language"] == "ar"


def test_control_the_old_order_lets_a_forged_prefix_claim_the_partners_key(
    client, partner, body, monkeypatch
):
    the_old_order(monkeypatch)
    assert send(client, body, forged(partner), key="next-order").status_code == 422
    assert send(client, body, partner, key="next-order").status_code == 422
    assert not Appointment.objects.exists()
