"""Issue 18, item 2: "Lost your link?" – the booking code plus the contact used sends a new
link to that contact, through the task queue, rate-limited, and never telling whether the
code exists (same answer; nothing on the request's path reads a booking, so the same
timing: figures in bench/lost_link_timing.py)."""

import json
import re
from urllib.parse import unquote

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from willkommen.booking import services, sms
from willkommen.booking.models import Appointment
from willkommen.booking.tokens import appointment_for_token

# Real commits: the task is queued after the commit (``willkommen.outbox``).
pytestmark = pytest.mark.django_db(transaction=True)

MISSING = "ZZZZZZZZZZ"
PAGE = reverse("booking:lost_link")
FEW = override_settings(BOOKING_RATE_LIMIT_LOST_LINK=(2, 3600))


@pytest.fixture
def layla(office):
    result = services.book(
        office.service.pk,
        office.at(9),
        name="Layla",
        email="layla@example.org",
        phone="0151 23456789",
        language="ar",
    )
    mail.outbox.clear()
    return result.appointment


def ask(client, code, contact, address="127.0.0.1", lang="en", follow=True):
    return client.post(
        f"{PAGE}?lang={lang}", {"code": code, "contact": contact}, REMOTE_ADDR=address,
        follow=follow,
    )  # fmt: skip


def api_ask(client, code, contact, address="127.0.0.1"):
    return client.post(
        "/api/v1/bookings/lost-link",
        json.dumps({"code": code, "contact": contact}),
        "application/json",
        REMOTE_ADDR=address,
    )


def sent_link(message_text):
    match = re.search(r"/book/manage/(\w+)/\?token=([^&\s\"]+)", message_text)
    return match.group(1), unquote(match.group(2))


def test_the_page_is_a_plain_form_without_javascript(client):
    page = client.get(f"{PAGE}?lang=en")
    html = page.content.decode()
    assert page.status_code == 200 and "Lost your link?" in html
    assert 'name="code"' in html and 'name="contact"' in html and 'method="post"' in html
    assert "<altcha-widget" not in html  # nothing that needs JavaScript
    # Reachable from the start page and from a refused link.
    assert PAGE in client.get(reverse("booking:start") + "?lang=en").content.decode()


def test_a_matching_email_gets_a_new_working_link(client, layla):
    answer = ask(client, layla.code.lower(), "Layla@Example.org")
    assert answer.status_code == 200
    assert "layla@example.org" in answer.content.decode()
    [message] = mail.outbox
    assert message.to == ["layla@example.org"]
    code, token = sent_link(message.body)
    assert code == layla.code and appointment_for_token(code, token).pk == layla.pk


def test_a_matching_mobile_number_gets_the_link_by_sms_only(client, layla, settings):
    settings.SMS_BACKEND = "willkommen.booking.sms.MemoryBackend"
    sms.MemoryBackend.outbox.clear()
    ask(client, f"{layla.code[:5]}-{layla.code[5:]}", "+49 151 23456789")
    [(to, text)] = sms.MemoryBackend.outbox
    assert to == "+4915123456789" and f"/book/manage/{layla.code}/" in text
    assert mail.outbox == []  # only the channel the client named


def test_the_link_goes_to_the_stored_contact_not_the_typed_one(client, layla):
    Appointment.objects.filter(pk=layla.pk).update(email="layla.h+booking@gmail.com")
    ask(client, layla.code, "laylah@gmail.com")  # the same mailbox, written differently
    [message] = mail.outbox
    assert message.to == ["layla.h+booking@gmail.com"]


def test_the_answer_is_the_same_for_a_missing_code_and_a_wrong_contact(client, layla):
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')

    def page(code, contact):
        response = ask(client, code, contact)
        html = csrf.sub("CSRF", response.content.decode())
        return response.status_code, response.redirect_chain, html

    right = page(layla.code, "layla@example.org")
    assert len(mail.outbox) == 1
    missing = page(MISSING, "layla@example.org")
    wrong_contact = page(layla.code, "other@example.org")
    missing_other = page("YYYYYYYYYY", "other@example.org")
    assert right == missing
    assert wrong_contact == missing_other
    assert len(mail.outbox) == 1  # neither the missing code nor the wrong contact got mail


def test_a_cancelled_booking_gets_no_link(client, layla):
    services.cancel_booking(layla)
    mail.outbox.clear()
    assert ask(client, layla.code, "layla@example.org").status_code == 200
    assert mail.outbox == []


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_nothing_on_the_request_path_reads_a_booking(client, layla):
    """The structural reason for equal timing: the request only counts and queues; the
    worker looks the code up later."""
    for code in (layla.code, MISSING):
        with CaptureQueriesContext(connection) as queries:
            assert api_ask(client, code, "layla@example.org").status_code == 202
        table = Appointment._meta.db_table
        assert not [query["sql"] for query in queries if table in query["sql"]]
    assert mail.outbox == []  # queued, not sent by the request


@FEW
def test_limited_per_address_alike_for_existing_and_missing_codes(client, layla):
    existing = [ask(client, layla.code, "layla@example.org", "192.0.2.1") for _ in range(3)]
    missing = [ask(client, MISSING, "other@example.org", "192.0.2.2") for _ in range(3)]
    assert [r.status_code for r in existing] == [r.status_code for r in missing] == [200, 200, 429]
    assert int(existing[-1]["Retry-After"]) > 0
    assert "Too many attempts. Please try again in 60 minutes." in existing[-1].content.decode()
    assert len(mail.outbox) == 2


@FEW
def test_limited_per_code_across_addresses(client, layla):
    statuses = [
        ask(client, layla.code, "layla@example.org", f"198.51.100.{n}").status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert len(mail.outbox) == 2  # the owner's inbox is not flooded


def test_malformed_input_is_refused_beside_the_field(client):
    bad_code = ask(client, "ABC", "layla@example.org", follow=False)
    assert bad_code.status_code == 422
    assert "10 letters and digits" in bad_code.content.decode()
    bad_contact = ask(client, MISSING, "not a contact", follow=False)
    assert bad_contact.status_code == 422
    assert "valid mobile number" in bad_contact.content.decode()


def test_api_answers_202_the_same_for_every_code(client, layla):
    right = api_ask(client, layla.code, "layla@example.org")
    missing = api_ask(client, MISSING, "layla@example.org")
    assert right.status_code == missing.status_code == 202
    assert right.json() == missing.json()
    assert right.json()["contact"] == "layla@example.org"
    assert len(mail.outbox) == 1
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/v1/bookings/lost-link"]["post"]
    assert {"202", "422", "429"} <= set(operation["responses"])


@FEW
def test_api_refusals_are_structured(client, layla):
    bad = api_ask(client, "not-a-code", "layla@example.org")
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_booking_code"
    for _ in range(2):
        api_ask(client, layla.code, "layla@example.org")
    limited = api_ask(client, layla.code, "layla@example.org")
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    assert 0 < int(limited["Retry-After"]) <= 3600

