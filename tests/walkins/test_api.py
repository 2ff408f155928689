"""The JSON API: same operations and policy as the pages, CSRF checked, structured 4xx."""

import json
from datetime import time

import pytest
from django.test import Client
from django.utils import timezone

from willkommen.scheduling.models import Shift
from willkommen.walkins.models import Ticket, TicketStatus

pytestmark = pytest.mark.django_db

BASE = "/api/v1/walk-ins"


def api_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/")  # the language switcher sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    return client, {"HTTP_X_CSRFTOKEN": token}


def post(client, headers, url, payload=None):
    return client.post(
        url, data=json.dumps(payload or {}), content_type="application/json", **headers
    )


@pytest.fixture
def counsellor(area):
    counsellor = area.make_counsellor("farsi", ["fa"], on_shift=False)
    Shift.objects.create(
        counsellor=counsellor,
        location=area.location,
        room=area.rooms[1],
        weekday=timezone.localtime().weekday(),
        starts=time(0, 0),
        ends=time(23, 59, 59),
    )
    return counsellor


def test_register_call_start_finish_through_the_api(area, counsellor):
    outreach, outreach_headers = api_client(area.outreach)
    created = post(
        outreach,
        outreach_headers,
        BASE,
        {"location_id": area.location.pk, "language": "fa", "topics": ["housing"]},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["number"] == "A-001" and body["place"] == 1 and body["topics"] == ["housing"]
    assert "public_token" not in body and body["public_path"].startswith("/ticket/")
    queue = outreach.get(BASE, {"location_id": area.location.pk})
    assert [t["number"] for t in queue.json()["tickets"]] == ["A-001"]

    client, headers = api_client(counsellor)
    called = post(client, headers, f"{BASE}/call-next", {"location_id": area.location.pk})
    assert called.status_code == 200
    assert called.json()["kind"] == "ticket"
    assert called.json()["ticket"]["room"] == "Room 2"
    ticket_id = body["id"]
    assert post(client, headers, f"{BASE}/{ticket_id}/start").status_code == 200
    finished = post(client, headers, f"{BASE}/{ticket_id}/finish")
    assert finished.status_code == 200 and finished.json()["status"] == "done"
    assert finished.json()["waiting_seconds"] is not None
    # A stale repeat is refused with a structured 409 and changes nothing.
    again = post(client, headers, f"{BASE}/{ticket_id}/start")
    assert again.status_code == 409 and again.json()["code"] == "stale"
    assert Ticket.objects.get().status == TicketStatus.DONE


def test_api_checks_csrf_and_policy(area, counsellor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(area.outreach)
    no_token = client.post(
        BASE,
        data=json.dumps({"location_id": area.location.pk, "language": "fa"}),
        content_type="application/json",
    )
    assert no_token.status_code == 403 and Ticket.objects.count() == 0
    outreach, headers = api_client(area.outreach)
    refused = post(outreach, headers, f"{BASE}/call-next", {"location_id": area.location.pk})
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert Client().get(BASE, {"location_id": area.location.pk}).status_code == 401


def test_api_rejects_bad_input_without_changes(area, counsellor):
    client, headers = api_client(area.outreach)
    unknown = post(client, headers, BASE, {"location_id": area.location.pk, "language": "xx"})
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_language"
    naive = post(
        client,
        headers,
        BASE,
        {
            "location_id": area.location.pk,
            "language": "fa",
            "office_appointment_at": "2026-11-25T10:00:00",
        },
    )
    assert naive.status_code == 422
    assert post(client, headers, f"{BASE}/1/explode").status_code == 404
    assert Ticket.objects.count() == 0


def test_off_duty_call_is_refused(area):
    off = area.make_counsellor("off", ["fa"], on_shift=False)
    client, headers = api_client(off)
    response = post(client, headers, f"{BASE}/call-next", {"location_id": area.location.pk})
    assert response.status_code == 403 and response.json()["code"] == "not_on_duty"
