"""The fair release through the JSON API and the no-JavaScript pages: a request, its
confirmation and withdrawal, the coordinator's rounds, and every bad input answered with a
clear message (HTML) or a structured 4xx (API) that changes nothing."""

import json
import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from willkommen.accounts.models import Role
from willkommen.booking import captcha
from willkommen.booking.models import Appointment
from willkommen.release import draw
from willkommen.release import requests as release_requests
from willkommen.release.models import ReleaseRequest, ReleaseRound, RequestStatus
from willkommen.statistics.models import ReleaseRoundFact

from .conftest import draw_time, make_round

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _cheap_captcha(settings):
    settings.BOOKING_CAPTCHA_COST = 1


def post_json(client, url, body, **headers):
    return client.post(url, json.dumps(body), "application/json", headers=headers)


def api_request(client, release_round, office, **fields):
    body = {
        "service": office.service.pk,
        "name": "Amal Haddad",
        "email": "amal@example.org",
        "language": "ar",
        "captcha": captcha.solve(client.get("/api/v1/captcha").json()),
        **fields,
    }
    return post_json(client, f"/api/v1/release/rounds/{release_round.pk}/requests", body)


def token_from(message):
    return unquote(re.search(r"confirm/\?token=([^&\s]+)", message.body).group(1))


def test_api_request_confirm_status_and_withdraw(client, office):
    release_round = make_round(office, now=timezone.now())
    response = api_request(
        client, release_round, office, days=[office.day.isoformat()], day_parts=["morning"],
        consultation={"language": "ar", "topics": ["forms"]}, consultation_required=True,
    )  # fmt: skip
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "unconfirmed"
    (message,) = mail.outbox
    assert created["number"] in message.body
    confirmed = post_json(
        client,
        f"/api/v1/release/requests/{created['number']}/confirm",
        {"token": token_from(message)},
    )
    assert confirmed.json()["status"] == "confirmed"
    again = post_json(
        client,
        f"/api/v1/release/requests/{created['number']}/confirm",
        {"token": token_from(message)},
    )
    assert (again.status_code, again.json()["code"]) == (409, "link_already_used")
    status = client.get(
        f"/api/v1/release/requests/{created['number']}", {"token": created["status_token"]}
    )
    assert status.json()["status"] == "confirmed"
    withdrawn = post_json(
        client, f"/api/v1/release/requests/{created['number']}/withdraw",
        {"token": created["status_token"]},
    )  # fmt: skip
    assert withdrawn.json()["status"] == "withdrawn"
    public = client.get(f"/api/v1/release/rounds/{release_round.pk}").json()
    assert public["confirmed_requests"] == 0 and public["seed"] is None
    assert public["seed_sha256"] == release_round.seed_sha256


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"service": 999999}, 422, "unknown_service"),
        ({"days": ["2999-01-01"]}, 422, "invalid_choice"),
        ({"day_parts": ["midnight"]}, 422, "invalid_choice"),
        ({"email": "not-an-address"}, 422, "invalid_contact"),
        ({"captcha": "forged"}, 422, "captcha_invalid"),
        ({"consultation": {"language": "xx"}}, 422, "unknown_language"),
    ],
)
def test_api_bad_requests_are_structured_and_change_nothing(client, office, fields, status, code):
    release_round = make_round(office, now=timezone.now())
    response = api_request(client, release_round, office, **fields)
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert ReleaseRequest.objects.count() == 0


def test_api_refuses_a_closed_window_and_tampered_links(client, office):
    now = timezone.now()
    closed = make_round(office, now=now - timedelta(hours=3))
    response = api_request(client, closed, office)
    assert (response.status_code, response.json()["code"]) == (409, "window_closed")
    tampered = post_json(client, "/api/v1/release/requests/XXXX/confirm", {"token": "abc"})
    assert (tampered.status_code, tampered.json()["code"]) == (404, "invalid_request_link")
    assert client.get("/api/v1/release/rounds/999999").status_code == 404
    assert ReleaseRequest.objects.count() == 0


def test_only_coordinators_set_up_rounds_through_the_api(client, office, staff):
    now = timezone.now()
    body = {
        "location": office.location.pk,
        "services": [office.service.pk],
        "desks": [office.desk.pk],
        "first_day": office.day.isoformat(),
        "last_day": office.day.isoformat(),
        "opens_at": (now + timedelta(minutes=5)).isoformat(),
        "closes_at": (now + timedelta(hours=2)).isoformat(),
        "draw_at": (now + timedelta(hours=3)).isoformat(),
        "recurs_weekly": True,
    }
    assert post_json(client, "/api/v1/release/rounds", body).status_code == 401
    client.force_login(staff[Role.OFFICE_CLERK])
    assert post_json(client, "/api/v1/release/rounds", body).status_code == 403
    client.force_login(staff[Role.COORDINATOR])
    bad = post_json(client, "/api/v1/release/rounds", {**body, "draw_at": body["opens_at"]})
    assert (bad.status_code, bad.json()["code"]) == (422, "round_invalid")
    created = post_json(client, "/api/v1/release/rounds", body)
    assert created.status_code == 201, created.content
    assert ReleaseRound.objects.get().recurs_weekly


def test_the_web_flow_without_javascript(client, office):
    release_round = make_round(office, now=timezone.now())
    url = reverse("release:request", kwargs={"round_id": release_round.pk})
    page = client.get(url, {"lang": "uk"})
    assert page.status_code == 200 and 'lang="uk"' in page.content.decode()
    # Missing contact: the form again, with the message in the client's language.
    missing = client.post(
        url + "?lang=uk", {"service": office.service.pk, "name": "Olena", "privacy": "on"}
    )
    assert missing.status_code == 422
    assert ReleaseRequest.objects.count() == 0
    response = client.post(
        url + "?lang=uk",
        {
            "service": office.service.pk,
            "days": [office.day.isoformat()],
            "name": "Olena",
            "email": "olena@example.org",
            "privacy": "on",
        },
    )
    assert response.status_code == 302
    status_page = client.get(response["Location"])
    assert status_page.status_code == 200
    request = ReleaseRequest.objects.get()
    confirm_url = reverse("release:confirm", kwargs={"number": request.number})
    token = token_from(mail.outbox[-1])
    # GET only shows the button: a mail scanner opening the link confirms nothing.
    assert client.get(confirm_url, {"token": token}).status_code == 200
    request.refresh_from_db()
    assert request.status == RequestStatus.UNCONFIRMED
    assert client.post(confirm_url, {"token": token}).status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.CONFIRMED
    tampered = client.post(confirm_url, {"token": token + "x"})
    assert tampered.status_code == 404
    round_page = client.get(reverse("release:round", kwargs={"round_id": release_round.pk}))
    assert release_round.seed_sha256 in round_page.content.decode()
    assert release_round.seed not in round_page.content.decode()


def test_a_drawn_booking_keeps_its_name_on_every_path(client, office):
    release_round = make_round(office, now=timezone.now())
    created = api_request(client, release_round, office).json()
    post_json(
        client, f"/api/v1/release/requests/{created['number']}/confirm",
        {"token": token_from(mail.outbox[-1])},
    )  # fmt: skip
    draw.run_draw(release_round.pk, now=draw_time(release_round))
    appointment = ReleaseRequest.objects.get().appointment
    # The booking API has no way to change a name: a name in the body is ignored.
    token = re.search(r"token=([^&\s]+)", mail.outbox[-1].body).group(1)
    client.patch(
        f"/api/v1/bookings/{appointment.code}",
        json.dumps({"name": "Someone Else"}),
        "application/json",
        headers={"X-Manage-Token": unquote(token)},
    )
    assert Appointment.objects.get(pk=appointment.pk).name == "Amal Haddad"


def test_statistics_count_requests_allocations_and_repeat_requesters(office):
    now = timezone.now()
    first = make_round(office, now=now)
    for index in range(30):
        request, _token = release_requests.submit(
            first, service_id=office.service.pk, name=f"P{index}", email=f"p{index}@example.org",
            strict=False, now=now,
        )  # fmt: skip
        ReleaseRequest.objects.filter(pk=request.pk).update(status=RequestStatus.CONFIRMED)
    outcome = draw.run_draw(first.pk, now=draw_time(first))
    fact = ReleaseRoundFact.objects.get(source_id=first.pk)
    assert (fact.confirmed_requests, fact.allocated, fact.repeat_requesters) == (
        30, outcome.allocated, 0
    )  # fmt: skip
    assert fact.slots >= outcome.allocated


def round_form_data(office, now, **fields):
    local = timezone.localtime
    return {
        "location": office.location.pk,
        "services": [office.service.pk],
        "desks": [office.desk.pk],
        "first_day": office.day.isoformat(),
        "last_day": office.day.isoformat(),
        "opens_at": local(now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": local(now + timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M"),
        "draw_at": local(now + timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M"),
        "leftover": "waiting_list",
        "recurs_weekly": "on",
        **fields,
    }


def test_a_coordinator_sets_up_a_weekly_round_in_the_staff_pages(client, office, staff):
    client.force_login(staff[Role.COORDINATOR])
    now = timezone.now()
    new = reverse("release_staff:round_new")
    assert client.get(new).status_code == 200
    wrong = client.post(new, round_form_data(office, now, draw_at="2999-01-01T10:00"))
    assert wrong.status_code == 422 and not ReleaseRound.objects.exists()
    created = client.post(new, round_form_data(office, now))
    assert created.status_code == 302
    release_round = ReleaseRound.objects.get()
    assert release_round.recurs_weekly and list(release_round.desks.all()) == [office.desk]
    listing = client.get(reverse("release_staff:rounds")).content.decode()
    assert reverse("release_staff:round", kwargs={"pk": release_round.pk}) in listing
    # Once its window has opened, the round (and its published seed hash) stays as it is.
    ReleaseRound.objects.filter(pk=release_round.pk).update(opens_at=now - timedelta(minutes=1))
    edit = reverse("release_staff:round_edit", kwargs={"pk": release_round.pk})
    assert client.get(edit).status_code == 302
    changed = client.post(edit, round_form_data(office, now, leftover="booking"))
    assert changed.status_code == 302
    assert ReleaseRound.objects.get().leftover == "waiting_list"
