"""The booking API: every status code, captcha, API keys, idempotency, the OpenAPI."""

import json
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from willkommen.booking import captcha
from willkommen.booking.availability import find_slots
from willkommen.booking.models import ApiKey, Appointment, AppointmentStatus, UsedCaptchaSolution
from willkommen.clock import LOCAL_ZONE

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("easy_captcha"),
]


@pytest.fixture
def easy_captcha():
    with override_settings(BOOKING_CAPTCHA_KEY_PREFIX="0", BOOKING_CAPTCHA_COST=1):
        yield


def solved_captcha(client):
    challenge = client.get("/api/v1/captcha").json()
    return captcha.solve(challenge)


def free_slots(world, **kwargs):
    today = timezone.localdate()
    return find_slots(world.service, today, today + timedelta(days=14), **kwargs)


def post_booking(client, world, start, **fields):
    body = {
        "service": world.service.id,
        "start": start.astimezone(LOCAL_ZONE).isoformat(),
        "name": "Layla",
        "email": "layla@example.org",
        "language": "ar",
    }
    body.update(fields)
    if "captcha" not in body:
        body["captcha"] = solved_captcha(client)
    headers = fields.pop("headers", None) or {}
    body.pop("headers", None)
    return client.post(
        "/api/v1/bookings", json.dumps(body), content_type="application/json", headers=headers
    )


def test_services_lists_duration_documents_and_location(client, world):
    response = client.get("/api/v1/services")
    assert response.status_code == 200
    residence = next(item for item in response.json() if item["slug"] == "residence")
    assert residence["duration_minutes"] == 20
    assert residence["documents_to_bring"] == ["Passport", "Biometric photo"]
    assert residence["locations"][0]["name"] == "Service Center"


def test_availability_gives_iso_starts_with_offset_and_consultations(client, world):
    today = timezone.localdate()
    response = client.get(
        "/api/v1/availability",
        {
            "service": world.service.id,
            "date_from": today.isoformat(),
            "date_to": (today + timedelta(days=14)).isoformat(),
            "language": "ar",
            "topics": "work",
        },
    )
    assert response.status_code == 200
    slots = response.json()["slots"]
    assert slots
    first = slots[0]
    assert first["start"][-6:] in {"+01:00", "+02:00"}
    with_consultation = [slot for slot in slots if slot["consultation_available"]]
    assert with_consultation
    assert with_consultation[0]["consultation"]["language"] == "ar"
    assert "counsellor" not in json.dumps(first)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"service": 99999}, "unknown_service"),
        ({"language": "xx"}, "unknown_language"),
        ({"topics": "nope"}, "unknown_topic"),
        ({"date_to": "2020-01-01"}, "invalid_range"),
    ],
)
def test_availability_bad_input_is_a_structured_422(client, world, params, code):
    today = timezone.localdate()
    query = {
        "service": world.service.id,
        "date_from": today.isoformat(),
        "date_to": (today + timedelta(days=7)).isoformat(),
    }
    query.update(params)
    response = client.get("/api/v1/availability", query)
    assert response.status_code == 422
    assert response.json()["code"] == code


def test_availability_malformed_date_is_422_not_500(client, world):
    response = client.get(
        "/api/v1/availability",
        {"service": world.service.id, "date_from": "tomorrow", "date_to": "2026-13-45"},
    )
    assert response.status_code == 422
    assert response.json()["detail"]


def test_book_get_ics_move_cancel_round_trip(client, world):
    slots = free_slots(world, language="ar")
    slot = next(slot for slot in slots if slot.consultation)
    response = post_booking(
        client,
        world,
        slot.start,
        consultation={"language": "ar", "topics": ["work"], "interpreter": False},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    code, token = body["code"], body["manage_token"]
    assert body["status"] == "booked"
    assert body["consultation"]["language"] == "ar"
    headers = {"X-Manage-Token": token}

    got = client.get(f"/api/v1/bookings/{code}", headers=headers)
    assert got.status_code == 200
    assert got.json()["consultation"]["topics"] == ["work"]

    ics = client.get(f"/api/v1/bookings/{code}/calendar.ics", headers=headers)
    assert ics.status_code == 200
    assert ics["Content-Type"].startswith("text/calendar")
    assert ics.content.count(b"BEGIN:VEVENT") == 2

    later = next(
        other
        for other in slots
        if other.start > slot.start + timedelta(hours=1) and other.consultation
    )
    moved = client.patch(
        f"/api/v1/bookings/{code}",
        json.dumps({"start": later.start.isoformat()}),
        content_type="application/json",
        headers=headers,
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["start"] == later.start.astimezone(LOCAL_ZONE).isoformat()

    cancelled = client.delete(f"/api/v1/bookings/{code}", headers=headers)
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    again = client.delete(f"/api/v1/bookings/{code}", headers=headers)
    assert again.status_code == 409
    assert again.json()["code"] == "not_changeable"


def test_slot_gone_is_409_with_alternatives(client, world):
    slot = free_slots(world)[0]
    for number in range(len(world.desks)):
        response = post_booking(client, world, slot.start, email=f"{number}@example.org")
        assert response.status_code == 201
    response = post_booking(client, world, slot.start, email="late@example.org")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "slot_unavailable"
    assert body["alternatives"]
    taken = slot.start.astimezone(LOCAL_ZONE).isoformat()
    assert taken not in {alternative["start"] for alternative in body["alternatives"]}


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"email": "not-an-address"}, 422, "invalid_contact"),
        ({"email": "", "phone": ""}, 422, "invalid_contact"),
        ({"service": 424242}, 422, "unknown_service"),
        ({"consultation": {"language": "xx"}}, 422, "unknown_language"),
        ({"captcha": "bm9wZQ=="}, 422, "captcha_invalid"),
        ({"captcha": None}, 422, "captcha_invalid"),
    ],
)
def test_bad_booking_input_is_structured_and_changes_nothing(client, world, fields, status, code):
    slot = free_slots(world)[0]
    response = post_booking(client, world, slot.start, **fields)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert not Appointment.objects.exists()


def test_past_date_and_naive_time_are_422(client, world):
    past = timezone.now() - timedelta(days=3)
    response = post_booking(client, world, past)
    assert response.status_code == 422
    assert response.json()["code"] == "outside_booking_window"
    slot = free_slots(world)[0]
    naive = slot.start.astimezone(LOCAL_ZONE).replace(tzinfo=None).isoformat()
    body = {"service": world.service.id, "start": naive, "name": "A", "email": "a@example.org"}
    body["captcha"] = solved_captcha(client)
    response = client.post("/api/v1/bookings", body, content_type="application/json")
    assert response.status_code == 422


def test_schema_violations_are_422_not_500(client, world):
    for body in ({}, {"service": "abc"}, {"service": 1, "start": "soon", "name": "A"}):
        response = client.post("/api/v1/bookings", body, content_type="application/json")
        assert response.status_code == 422
        assert response.json()["detail"]
    broken = client.post("/api/v1/bookings", "{not json", content_type="application/json")
    assert broken.status_code in {400, 422}


def test_captcha_solution_is_usable_once(client, world):
    slots = free_slots(world)
    payload = solved_captcha(client)
    first = post_booking(client, world, slots[0].start, captcha=payload)
    assert first.status_code == 201
    replay = post_booking(client, world, slots[1].start, captcha=payload, email="b@example.org")
    assert replay.status_code == 422
    assert replay.json()["code"] == "captcha_invalid"
    assert UsedCaptchaSolution.objects.count() == 1


def test_partner_api_key_skips_the_captcha(client, world):
    _key, raw = ApiKey.issue("City portal")
    slot = free_slots(world)[0]
    response = post_booking(client, world, slot.start, captcha=None, headers={"X-Api-Key": raw})
    assert response.status_code == 201
    bad = post_booking(
        client, world, slot.start, captcha=None, headers={"X-Api-Key": raw[:-3] + "abc"}
    )
    assert bad.status_code == 422
    assert bad.json()["code"] == "captcha_invalid"
    assert ApiKey.objects.get().last_used_at is not None


def test_idempotency_key_replays_instead_of_booking_twice(client, world):
    _key, raw = ApiKey.issue("Chatbot")
    slot = free_slots(world)[0]
    headers = {"X-Api-Key": raw, "Idempotency-Key": "4f1c-retry"}
    body = {
        "service": world.service.id,
        "start": slot.start.isoformat(),
        "name": "A",
        "email": "a@example.org",
    }

    def send(data):
        return client.post(
            "/api/v1/bookings", json.dumps(data), content_type="application/json", headers=headers
        )

    first, second = send(body), send(body)
    assert first.status_code == second.status_code == 201
    assert first.json()["code"] == second.json()["code"]
    assert Appointment.objects.count() == 1
    other = send({**body, "email": "other@example.org"})
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"


@override_settings(BOOKING_RATE_LIMIT_PER_IP=(2, 3600))
def test_rate_limited_is_429(client, world):
    slots = free_slots(world)
    for number in range(2):
        response = post_booking(client, world, slots[number].start, email=f"{number}@example.org")
        assert response.status_code == 201
    response = post_booking(client, world, slots[3].start, email="third@example.org")
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"


def test_manage_token_tampered_or_missing_is_403(client, world):
    slot = free_slots(world)[0]
    body = post_booking(client, world, slot.start).json()
    code, token = body["code"], body["manage_token"]
    for headers in ({}, {"X-Manage-Token": token + "x"}, {"X-Manage-Token": "garbage"}):
        for method in (client.get, client.delete):
            response = method(f"/api/v1/bookings/{code}", headers=headers)
            assert response.status_code == 403
            assert response.json()["code"] == "invalid_manage_token"
    assert Appointment.objects.get().status == AppointmentStatus.BOOKED
    other = client.get("/api/v1/bookings/ZZZZZZZZZZ", headers={"X-Manage-Token": token})
    assert other.status_code == 403


def test_move_to_taken_slot_is_409_and_nothing_changes(client, world):
    slots = free_slots(world)
    mine = post_booking(client, world, slots[0].start).json()
    for number in range(len(world.desks)):
        post_booking(client, world, slots[5].start, email=f"{number}@example.org")
    response = client.patch(
        f"/api/v1/bookings/{mine['code']}",
        json.dumps({"start": slots[5].start.isoformat()}),
        content_type="application/json",
        headers={"X-Manage-Token": mine["manage_token"]},
    )
    assert response.status_code == 409
    assert response.json()["alternatives"]
    assert Appointment.objects.get(code=mine["code"]).start == slots[0].start


def test_external_appointment_gets_a_consultation(client, world):
    slot = next(slot for slot in free_slots(world, language="ar") if slot.consultation)
    response = client.post(
        "/api/v1/external-bookings",
        json.dumps(
            {
                "location": world.location.id,
                "start": slot.start.isoformat(),
                "end": slot.end.isoformat(),
                "reference": "ZMS-1",
                "consultation": {"language": "ar"},
                "name": "A",
                "phone": "+49 151 23456789",
                "captcha": solved_captcha(client),
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["external"] is True
    assert response.json()["consultation"]["language"] == "ar"


def test_openapi_documents_the_booking_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in [
        "/api/v1/services",
        "/api/v1/availability",
        "/api/v1/captcha",
        "/api/v1/bookings",
        "/api/v1/bookings/{code}",
        "/api/v1/bookings/{code}/calendar.ics",
        "/api/v1/external-bookings",
    ]:
        assert path in paths, path
    assert {"get", "delete", "patch"} <= set(paths["/api/v1/bookings/{code}"])
    assert {"201", "409", "422", "429"} <= set(paths["/api/v1/bookings"]["post"]["responses"])


def test_api_keys_store_only_a_hash():
    key, raw = ApiKey.issue("City portal")
    assert raw.startswith(f"wk_{key.prefix}_")
    assert raw not in {key.secret_hash, key.prefix, key.name}
    assert ApiKey.authenticate(raw) == key
    assert ApiKey.authenticate(raw + "x") is None
    assert ApiKey.authenticate("wk_nothing") is None
    key.is_active = False
    key.save()
    assert ApiKey.authenticate(raw) is None


def test_patch_with_two_changes_is_all_or_nothing(client, world):
    slots = free_slots(world)
    mine = post_booking(client, world, slots[0].start).json()
    later = slots[6].start
    response = client.patch(
        f"/api/v1/bookings/{mine['code']}",
        json.dumps({"start": later.isoformat(), "consultation_start": later.isoformat()}),
        content_type="application/json",
        headers={"X-Manage-Token": mine["manage_token"]},
    )
    # The move alone would work, but there is no consultation to move: nothing changes.
    assert response.status_code == 409
    assert response.json()["code"] == "not_changeable"
    assert Appointment.objects.get(code=mine["code"]).start == slots[0].start
    nothing = client.patch(
        f"/api/v1/bookings/{mine['code']}",
        json.dumps({}),
        content_type="application/json",
        headers={"X-Manage-Token": mine["manage_token"]},
    )
    assert nothing.status_code == 422
